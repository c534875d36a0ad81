import { Logger } from '@singer-ts/sdk';
import { afterEach, expect, test } from 'vitest';
import type { ZuoraEmulator } from '../src/emulator/index.js';
import type { ZuoraConfig } from '../src/settings.js';
import { start } from './helpers.js';
import { liveRows } from './soap-support.js';
import { configFor, tapOn } from './tap-helpers.js';

let em: ZuoraEmulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});

const logger = new Logger({ name: 'tap-zuora', sink: () => undefined });

test('AQuA countRecords: the live rows through the bookmark, from the recordCount of an Id-only job', async () => {
  em = await start({ accounts: 90 });
  const Tap = tapOn(em);
  const tap = new Tap({ config: { ...configFor(em), api_type: 'AQUA' } as ZuoraConfig, logger });
  const stream = (await tap.streams()).find((s) => s.name === 'Account')!;
  const live = liveRows(em, 'Account');
  expect(await stream.countRecords({})).toEqual({
    comparable: true,
    rows: live.length,
    method: 'AQuA recordCount of select Id from Account',
  });
  const sorted = live.map((r) => r.changedMs).sort((a, b) => a - b);
  const through = new Date(Math.floor(sorted[40]! / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const expected = live.filter((r) => r.changedMs < Date.parse(through) + 1000).length;
  expect(expected).toBeLessThan(live.length);
  expect(await stream.countRecords({ through })).toMatchObject({ comparable: true, rows: expected });
  // A bound with a fraction of a second counts its whole second.
  expect(await stream.countRecords({ through: through.replace('Z', '.250Z') })).toMatchObject({
    rows: expected,
  });
});
