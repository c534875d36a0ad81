import { setFlagsFromString } from 'node:v8';
import { runCli } from '@singer-ts/sdk';
import { TargetSnowflake } from './target.js';

// undici parses HTTP with llhttp compiled to WebAssembly. Once it has parsed a few responses, V8
// recompiles llhttp's one large parse function with its optimizing compiler on a background thread:
// about 0.2 s of CPU each time on Node 20, more than the whole run spends parsing the few hundred
// responses a load gets (one per MB of rows). Kept on V8's baseline WebAssembly compiler (Liftoff),
// a response still parses in microseconds. A raised tiering budget only postpones the recompilation
// (it came after about a hundred responses). Node 24 showed no such recompilation over 150 requests,
// and the flag changed nothing there. The target loads no other WebAssembly; the flag is set before
// undici is loaded, on the first statement.
setFlagsFromString('--liftoff-only');

await runCli(TargetSnowflake);
