import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isExactNumber } from '@singer-ts/sdk';
import { checkTapConformance, runConnector, runConnectorProcess } from '@singer-ts/sdk/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { TapCsv } from '../src/index.js';

/** Every temp file of this file's tests lives here (configs hold secrets): removed at the end. */
const scratch = mkdtempSync(join(tmpdir(), 'tap-csv-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const bin = fileURLToPath(new URL('../bin/tap-csv.js', import.meta.url));

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(scratch, 'case-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const USERS =
  'id,name,score,active,signed_up\n1,Ada,9.5,true,2024-01-02 03:04:05+02:00\n2,"Lin, ""Bo""",,false,2024-02-03T00:00:00Z\n';

describe('tap-csv', () => {
  it('discovers one stream per <schema>.<table>.csv with inferred column types', async () => {
    const dir = folder({ 'public.users.csv': USERS, 'notes.txt': 'ignored' });
    const result = await runConnector(TapCsv, {
      config: { path: dir, keys: { 'public-users': ['id'] } },
      args: ['--discover'],
    });
    const catalog = JSON.parse(result.stdout);
    expect(catalog.streams).toHaveLength(1);
    expect(catalog.streams[0].tap_stream_id).toBe('public-users');
    expect(catalog.streams[0].key_properties).toEqual(['id']);
    expect(catalog.streams[0].schema.properties).toEqual({
      id: { type: ['integer', 'null'] },
      name: { type: ['string', 'null'] },
      score: { type: ['number', 'null'] },
      active: { type: ['boolean', 'null'] },
      signed_up: { type: ['string', 'null'], format: 'date-time' },
    });
  });

  it('emits typed records with quoted fields, nulls for empty cells and UTC timestamps', async () => {
    const dir = folder({ 'public.users.csv': USERS });
    const result = await runConnector(TapCsv, { config: { path: dir } });
    expect(result.exitCode).toBe(0);
    expect(result.records('public-users')).toEqual([
      { id: 1, name: 'Ada', score: 9.5, active: true, signed_up: '2024-01-02T01:04:05Z' },
      { id: 2, name: 'Lin, "Bo"', score: null, active: false, signed_up: '2024-02-03T00:00:00Z' },
    ]);
  });

  it('lets config override an inferred type and keeps huge integers exact', async () => {
    const dir = folder({ 'a.b.csv': 'zip,big\n01234,123456789012345678901234567890\n' });
    const result = await runConnector(TapCsv, { config: { path: dir, types: { 'a-b': { zip: 'string' } } } });
    const [record] = result.records('a-b');
    expect(record!.zip).toBe('01234');
    expect(isExactNumber(record!.big)).toBe(true);
    expect(result.stdout).toContain('"big":123456789012345678901234567890');
  });

  it('skips files unchanged since the last STATE and re-reads changed ones', async () => {
    const dir = folder({ 'public.users.csv': USERS, 'public.teams.csv': 'id,name\n1,core\n' });
    const first = await runConnectorProcess(bin, { config: { path: dir } });
    expect(first.exitCode).toBe(0);
    expect(first.records('public-users')).toHaveLength(2);
    const second = await runConnectorProcess(bin, { config: { path: dir }, state: first.lastState() });
    expect(second.messages.filter((m) => m.type === 'RECORD')).toHaveLength(0);
    writeFileSync(join(dir, 'public.teams.csv'), 'id,name\n1,core\n2,edge\n');
    const third = await runConnectorProcess(bin, { config: { path: dir }, state: second.lastState() });
    expect(third.records('public-users')).toHaveLength(0);
    expect(third.records('public-teams')).toHaveLength(2);
  });

  it('reads a quote inside an unquoted field literally, as Python csv does', async () => {
    const dir = folder({
      'public.notes.csv':
        'id,name,remark\n1,name 1 "q",plain\n2,"quoted, with comma",a"b"c\n3,"he said ""hi""",x\n',
    });
    const result = await runConnector(TapCsv, { config: { path: dir } });
    expect(result.exitCode).toBe(0);
    expect(result.records('public-notes')).toEqual([
      { id: 1, name: 'name 1 "q"', remark: 'plain' },
      { id: 2, name: 'quoted, with comma', remark: 'a"b"c' },
      { id: 3, name: 'he said "hi"', remark: 'x' },
    ]);
  });

  it('fails on a quoted field that is never closed, naming the file and line, and emits none of it', async () => {
    const dir = folder({ 'public.open.csv': 'id,name\n1,ok\n2,"never closed\n3,x\n' });
    const result = await runConnectorProcess(bin, { config: { path: dir } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /TAP_CSV_MALFORMED: stream 'public-open', line 4: .*public\.open\.csv: malformed CSV \(Quote Not Closed/,
    );
    expect(result.stdout).not.toContain('never closed');
  });

  it('names the file and line of malformed CSV and exits non-zero', async () => {
    const dir = folder({ 'public.bad.csv': 'id,name\n1,ok\n2,"unterminated\n3,x\n' });
    const result = await runConnectorProcess(bin, { config: { path: dir } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /TAP_CSV_MALFORMED: stream 'public-bad', line \d+: .*public\.bad\.csv: malformed CSV/,
    );
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('rejects keys that name a missing column', async () => {
    const dir = folder({ 'public.users.csv': USERS });
    const result = await runConnector(TapCsv, { config: { path: dir, keys: { 'public-users': ['uid'] } } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/keys for stream 'public-users' name columns the file does not have: uid/);
  });

  it('fails clearly when path is not a directory', async () => {
    const result = await runConnector(TapCsv, { config: { path: '/nonexistent/dir' } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/setting 'path' \(\/nonexistent\/dir\) must be a readable directory/);
  });

  it('passes the SDK tap conformance suite', async () => {
    const dir = folder({ 'public.users.csv': USERS, 'public.teams.csv': 'id,name\n1,core\n' });
    const report = await checkTapConformance(TapCsv, {
      config: { path: dir, keys: { 'public-users': ['id'], 'public-teams': ['id'] } },
      streamsWithRecords: ['public-users', 'public-teams'],
    });
    expect(report.failed).toEqual([]);
    expect(report.passed).toContain('stream and field selection is honoured');
  });
});
