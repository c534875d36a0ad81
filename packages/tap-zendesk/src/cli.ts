import { runCli } from '@singer-ts/sdk';
import { TapZendesk } from './tap.js';

await runCli(TapZendesk);
