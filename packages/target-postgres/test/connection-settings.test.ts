import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SingerError } from '@singer-ts/sdk';
import { startTestDatabase, type TestDatabase } from '@singer-ts/sdk/testing/postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { postgresSettingsFrom } from '../src/settings.js';
import { load, query, recordMessage, schemaMessage, uniqueSchema } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/target-postgres.js', import.meta.url));

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => db?.stop());

describe('url and separate connection fields', () => {
  test('a password kept in its own setting fills in a url without one, and the load succeeds', async () => {
    const full = new URL(db.url);
    const password = decodeURIComponent(full.password);
    const user = decodeURIComponent(full.username);
    const bare = new URL(db.url);
    bare.username = '';
    bare.password = '';
    const schema = uniqueSchema();
    await load({ url: bare.toString(), user, password, default_target_schema: schema }, [
      schemaMessage('p', { id: { type: 'integer' } }),
      recordMessage('p', { id: 1 }),
    ]);
    expect(await query(db.url, `SELECT id FROM ${schema}.p`)).toEqual([{ id: '1' }]);
  });

  test('what the url sets wins over the fields; fields fill only its gaps', () => {
    const { pool } = postgresSettingsFrom(
      {
        url: 'postgres://ada@db.example:6543/warehouse',
        host: 'localhost',
        port: 5432,
        user: 'other',
        password: 'p@ss:w/rd',
        database: 'ignored',
      },
      2,
    );
    const url = new URL(pool.connectionString as string);
    expect([url.hostname, url.port, url.username, url.pathname]).toEqual([
      'db.example',
      '6543',
      'ada',
      '/warehouse',
    ]);
    expect(decodeURIComponent(url.password)).toBe('p@ss:w/rd');
  });
});

describe('a malformed url names the setting and what is wrong, never the password', () => {
  const settingsError = (url: string) => {
    try {
      postgresSettingsFrom({ url }, 1);
    } catch (error) {
      return error as SingerError;
    }
    throw new Error(`url was accepted: ${url}`);
  };

  test('a url without its scheme separator (postgres//…) is refused before connecting', () => {
    const error = settingsError('postgres//u:secret-pw@db.example/warehouse');
    expect(error.code).toBe('SINGER_CONFIG_INVALID');
    expect(error.context.setting).toBe('url');
    expect(error.message).toMatch(/^setting 'url' has no scheme: it must start with postgres:\/\//);
    expect(error.message).not.toContain('secret-pw');
  });

  test('a non-numeric or out-of-range port is named as such', () => {
    const text = settingsError('postgres://u:secret-pw@db.example:fivefour/warehouse');
    expect(text.message).toContain("setting 'url' has a port that is not a number");
    expect(text.message).not.toContain('secret-pw');
    expect(settingsError('postgres://u:pw@db.example:70000/w').message).toContain(
      'port 70000, outside 1-65535',
    );
  });

  test('another scheme, a missing //, or characters a URL cannot hold each say so', () => {
    expect(settingsError('mysql://u:pw@db.example/w').message).toContain("has scheme 'mysql:'");
    expect(settingsError('postgres:u@db.example/w').message).toContain("must have '//' after 'postgres:'");
    const unencoded = settingsError('postgres://u:secret-pw@db example/w');
    expect(unencoded.message).toContain('percent-encode');
    expect(unencoded.message).not.toContain('secret-pw');
  });

  test('socket and postgresql URLs pass, and so does a url without a host', () => {
    for (const url of [
      'postgresql://u@db.example:5433/w',
      'postgres:///w?host=/var/run/postgresql',
      'socket:/var/run/postgresql?db=w',
      'postgres://u@[::1]:5432/w',
    ]) {
      expect(() => postgresSettingsFrom({ url }, 1)).not.toThrow();
    }
  });

  test('the CLI exits 2 with the one-line reason, before reading any record', () => {
    const dir = mkdtempSync(join(tmpdir(), 'target-postgres-url-'));
    try {
      const configFile = join(dir, 'config.json');
      writeFileSync(configFile, JSON.stringify({ url: 'postgres//u:secret-pw@host/db' }));
      const result = spawnSync(process.execPath, [BIN, '--config', configFile], {
        input: `${schemaMessage('t', { id: { type: 'integer' } })}\n`,
        encoding: 'utf8',
      });
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain("SINGER_CONFIG_INVALID: setting 'url' has no scheme");
      expect(result.stderr).not.toContain('secret-pw');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
