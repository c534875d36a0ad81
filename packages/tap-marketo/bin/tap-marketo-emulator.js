#!/usr/bin/env node
// Starts the Marketo API emulator on 127.0.0.1 (see EMULATOR.md): `tap-marketo-emulator --help`. A bundle, like
// the tap's own bin: it runs from an install of tap-marketo alone.
import '../dist/bundle/emulator.js';
