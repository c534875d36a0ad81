import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@singer-ts/sdk';
import { runConnector } from '@singer-ts/sdk/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { TapCsv } from '../src/index.js';

/** Every temp file of this file's tests lives here (configs hold secrets): removed at the end. */
const scratch = mkdtempSync(join(tmpdir(), 'tap-csv-count-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(scratch, 'case-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const logger = new Logger({ name: 'tap-csv', sink: () => undefined });

describe('tap-csv row counts for reconciliation', () => {
  it('counts the data rows of each file, as many as the records it emits', async () => {
    const rows = Array.from({ length: 250 }, (_, i) => `${i + 1},"name, ${i}"`).join('\n');
    const dir = folder({ 'public.people.csv': `id,name\n${rows}\n\n` });
    const tap = new TapCsv({ config: { path: dir, delimiter: ',', skip_unchanged: true }, logger });
    const [stream] = await tap.streams();
    const count = await stream!.countRecords({});
    const emitted = (await runConnector(TapCsv, { config: { path: dir } })).records('public-people');
    expect(count).toMatchObject({ comparable: true, rows: 250 });
    expect(emitted).toHaveLength(250);
  });

  it('counts distinct keys of a keyed stream, one row per key as an upserting target keeps', async () => {
    const dir = folder({ 'public.people.csv': 'id,name\n1,a\n2,b\n1,c\n3,d\n' });
    const tap = new TapCsv({
      config: { path: dir, delimiter: ',', skip_unchanged: true, keys: { 'public-people': ['id'] } },
      logger,
    });
    const [stream] = await tap.streams();
    expect(await stream!.countRecords({})).toMatchObject({ comparable: true, rows: 3 });
  });
});
