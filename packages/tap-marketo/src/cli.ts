import { runCli } from '@singer-ts/sdk';
import { TapMarketo } from './tap.js';

await runCli(TapMarketo);
