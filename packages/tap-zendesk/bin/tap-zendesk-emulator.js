#!/usr/bin/env node
// Starts the Zendesk API emulator on 127.0.0.1 (see EMULATOR.md): `tap-zendesk-emulator --help`.
import '../dist/emulator/main.js';
