import { runCli } from '@singer-ts/sdk';
import { TapCsv } from './tap.js';

await runCli(TapCsv);
