#!/usr/bin/env node
import { runReconcile } from '../dist/index.js';

process.exitCode = await runReconcile();
