import { runCli } from '@singer-ts/sdk';
import { TapRest } from './tap.js';

await runCli(TapRest);
