import { runCli } from '@singer-ts/sdk';
import { TargetPostgres } from './target.js';

await runCli(TargetPostgres);
