import { runCli } from '@singer-ts/sdk';
import { TargetSnowflake } from './target.js';

await runCli(TargetSnowflake);
