import { runCli } from '@singer-ts/sdk';
import { TapPostgres } from './tap.js';

await runCli(TapPostgres);
