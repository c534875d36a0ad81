#!/usr/bin/env node
// Starts the Zuora API emulator on 127.0.0.1 (see EMULATOR.md): `tap-zuora-emulator --help`. A bundle, like the
// tap's own bin: it runs from an install of tap-zuora alone.
import '../dist/bundle/emulator.js';
