#!/usr/bin/env node
// Starts the Zendesk API emulator on 127.0.0.1 (see EMULATOR.md): `tap-zendesk-emulator --help`. A bundle, like
// the tap's own bin: it runs from an install of tap-zendesk alone.
import '../dist/bundle/emulator.js';
