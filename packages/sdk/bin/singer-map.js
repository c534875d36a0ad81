#!/usr/bin/env node
import { runCli, SingerMap } from '../dist/index.js';

await runCli(SingerMap);
