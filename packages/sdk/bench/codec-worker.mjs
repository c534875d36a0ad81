// One codec run over a file of Singer lines: `sdk` reads → validates → writes with the SDK,
// `bare` does JSON.parse + JSON.stringify per line. Prints {records, seconds, rssMb}.
import { createReadStream, createWriteStream } from 'node:fs';
import { compileValidator, MessageWriter, readMessages } from '../dist/index.js';
import { peakRssMb } from './lib.mjs';

const [mode, file] = process.argv.slice(2);
const output = createWriteStream('/dev/null', { highWaterMark: 1 << 20 });
const start = performance.now();
let records = 0;

if (mode === 'sdk') {
  const writer = new MessageWriter(output, { chunkBytes: 1 << 18 });
  const validators = new Map();
  for await (const { message, line } of readMessages(createReadStream(file, { highWaterMark: 1 << 20 }))) {
    if (message.type === 'SCHEMA')
      validators.set(message.stream, compileValidator(message.schema, message.stream));
    else if (message.type === 'RECORD') {
      validators.get(message.stream)(message.record, line);
      records += 1;
    }
    const pending = writer.write(message);
    if (pending) await pending;
  }
  await writer.flush();
} else {
  let rest = '';
  let out = '';
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, encoding: 'utf8' })) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      if (line === '') continue;
      const message = JSON.parse(line);
      if (message.type === 'RECORD') records += 1;
      out += `${JSON.stringify(message)}\n`;
      if (out.length > 1 << 18) {
        if (!output.write(out)) await new Promise((resolve) => output.once('drain', resolve));
        out = '';
      }
    }
  }
  output.write(out);
}
await new Promise((resolve) => output.end(resolve));
const seconds = (performance.now() - start) / 1000;
process.stdout.write(`${JSON.stringify({ records, seconds, rssMb: peakRssMb() })}\n`);
