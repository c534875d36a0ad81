/** The PipelineWise and MeltanoLabs settings read into ours, and the CLI's word on settings it does not know. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { ConfigError, runCli, Target } from '@singer-ts/sdk';
import { startTestDatabase, type TestDatabase } from '@singer-ts/sdk/testing/postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readPeerSettings } from '../src/peer-settings.js';
import { TargetPostgres } from '../src/target.js';
import { query, recordMessage, schemaMessage, uniqueSchema } from './helpers.js';

describe('reading the peers settings', () => {
  test("PipelineWise's dbname is the database; with it, metadata columns follow add_metadata_columns (default off) and keys are required", () => {
    const { config, rules } = readPeerSettings({ host: 'h', dbname: 'warehouse', add_record_metadata: true });
    expect(config).toMatchObject({ database: 'warehouse', add_record_metadata: false });
    expect(config).not.toHaveProperty('dbname');
    expect(rules.primaryKeyRequired).toBe(true);
    expect(readPeerSettings({ dbname: 'w', add_metadata_columns: true }).config.add_record_metadata).toBe(
      true,
    );
    // hard_delete needs the columns, in PipelineWise as here.
    expect(readPeerSettings({ dbname: 'w', hard_delete: true }).config.add_record_metadata).toBe(true);
    expect(readPeerSettings({ dbname: 'w', primary_key_required: false }).rules.primaryKeyRequired).toBe(
      false,
    );
    // Without dbname, our defaults hold.
    expect(readPeerSettings({ database: 'w' }).rules.primaryKeyRequired).toBe(false);
    expect(readPeerSettings({ database: 'w', add_record_metadata: true }).config.add_record_metadata).toBe(
      true,
    );
  });

  test('dbname and database, or sqlalchemy_url and url, that disagree are an error naming both', () => {
    expect(() => readPeerSettings({ dbname: 'a', database: 'b' })).toThrow(/'dbname' and 'database'/);
    expect(() => readPeerSettings({ sqlalchemy_url: 'postgresql://h/a', url: 'postgresql://h/b' })).toThrow(
      /'sqlalchemy_url' and 'url'/,
    );
  });

  test("MeltanoLabs' sqlalchemy_url loses its driver; another database's URL is refused without quoting it", () => {
    expect(readPeerSettings({ sqlalchemy_url: 'postgresql+psycopg://u:p@db:5433/w' }).config.url).toBe(
      'postgresql://u:p@db:5433/w',
    );
    expect(readPeerSettings({ sqlalchemy_url: 'postgresql://u:p@db/w' }).config.url).toBe(
      'postgresql://u:p@db/w',
    );
    let error: unknown;
    try {
      readPeerSettings({ sqlalchemy_url: 'mysql+pymysql://u:secret@db/w' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toContain('sqlalchemy_url');
    expect(String(error)).not.toContain('secret');
  });

  test('activate_version true with metadata off is refused, as MeltanoLabs refuses it; false is a rule for the sinks', () => {
    expect(() => readPeerSettings({ activate_version: true, add_record_metadata: false })).toThrow(
      /'activate_version' is true but metadata columns are off/,
    );
    expect(readPeerSettings({ activate_version: false }).rules.activateVersion).toBe(false);
    expect(readPeerSettings({}).rules.activateVersion).toBe(true);
  });

  test('data_flattening_max_level is the map stage flattening; a different flattening_max_depth is refused', () => {
    expect(readPeerSettings({ data_flattening_max_level: 0 }).config).toEqual({});
    expect(readPeerSettings({ data_flattening_max_level: 2 }).config).toEqual({
      flattening_enabled: true,
      flattening_max_depth: 2,
    });
    expect(() => readPeerSettings({ data_flattening_max_level: 2, flattening_max_depth: 1 })).toThrow(
      /disagree/,
    );
  });

  test("PipelineWise's parallelism 0 (automatic) is the default, capped by max_parallelism", () => {
    const fallback = Target.sharedSettings.properties?.parallelism?.default;
    expect(readPeerSettings({ parallelism: 0 }).config).toEqual({ parallelism: fallback });
    expect(readPeerSettings({ parallelism: 0, max_parallelism: 2 }).config).toEqual({ parallelism: 2 });
    const fixed = readPeerSettings({ parallelism: 3, max_parallelism: 2 });
    expect(fixed.config).toEqual({ parallelism: 3 });
    expect(fixed.warnings).toEqual([expect.stringMatching(/^setting 'max_parallelism' has no effect here/)]);
  });

  test('settings without effect here are warnings naming them; ssh tunnels, content encodings and grants are refused', () => {
    const { warnings } = readPeerSettings({
      temp_dir: '/tmp',
      flush_all_streams: true,
      ssh_tunnel: { enable: false },
    });
    expect(warnings).toEqual([
      expect.stringMatching(/^setting 'temp_dir' has no effect here: /),
      expect.stringMatching(/^setting 'flush_all_streams' has no effect here: /),
    ]);
    expect(() => readPeerSettings({ ssh_tunnel: { enable: true, host: 'bastion' } })).toThrow(
      /'ssh_tunnel' is not supported: .*ssh -N -L/,
    );
    expect(() => readPeerSettings({ interpret_content_encoding: true })).toThrow(
      /'interpret_content_encoding'/,
    );
    expect(() => readPeerSettings({ default_target_schema_select_permissions: ['analyst'] })).toThrow(
      /grant/,
    );
    expect(() =>
      readPeerSettings({
        schema_mapping: { src: { target_schema: 'x', target_schema_select_permissions: ['r'] } },
      }),
    ).toThrow(/schema_mapping\.src\.target_schema_select_permissions/);
  });
});

describe('through the CLI', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await startTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'pg-peer-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db?.stop();
  });

  async function cli(
    config: Record<string, unknown>,
    lines: string[],
  ): Promise<{ code: number; stderr: string[] }> {
    const file = join(dir, `config-${uniqueSchema('c')}.json`);
    writeFileSync(file, JSON.stringify(config));
    const stderr: string[] = [];
    const stdout = new PassThrough();
    stdout.resume();
    const code = await runCli(TargetPostgres, {
      argv: ['--config', file],
      stdin: Readable.from([`${lines.join('\n')}\n`]),
      stdout,
      stderr: (line) => stderr.push(line),
      env: {},
      cwd: dir,
      setExitCode: false,
    });
    return { code, stderr };
  }

  test('a PipelineWise config file as written (port as a string, ssl "false", parallelism 0) loads; a setting nobody knows is a warning naming it', async () => {
    const url = new URL(db.url);
    const target = uniqueSchema('pw_cli');
    const { code, stderr } = await cli(
      {
        host: url.hostname,
        port: url.port,
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
        dbname: decodeURIComponent(url.pathname.slice(1)),
        ssl: 'false',
        parallelism: 0,
        default_target_schema: target,
        batch_size_rowz: 10,
      },
      [schemaMessage('t', { id: { type: 'integer' } }), recordMessage('t', { id: 1 })],
    );
    expect(stderr.filter((line) => line.includes('SINGER_'))).toEqual([]);
    expect(code).toBe(0);
    const warning = stderr.find((line) => line.includes('batch_size_rowz'));
    expect(warning).toMatch(/unknown setting 'batch_size_rowz' is ignored: target-postgres does not read it/);
    expect(stderr.some((line) => line.includes("unknown setting 'dbname'"))).toBe(false);
    expect(await query(db.url, `SELECT * FROM ${target}.t`)).toEqual([{ id: '1' }]);
  });
});
