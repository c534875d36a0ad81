import { runCli } from '@singer-ts/sdk';
import { TapZuora } from './tap.js';

await runCli(TapZuora);
