/**
 * TLS against real servers of the test's own (TEST_DATABASE_URL's server cannot be given TLS, nor be
 * relied on to lack it): one serving TLS with a certificate from a throwaway CA, which rejects every
 * connection without TLS, so each load that succeeds went over TLS; and one without TLS.
 */
import { readFileSync } from 'node:fs';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { ConfigError, SQLConnectionError } from '@singer-ts/sdk';
import { startTestDatabase, type TestDatabase } from '@singer-ts/sdk/testing/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresSettingsFrom } from '../src/settings.js';
import { makeTestCertificates, type TestCertificates } from './certificates.js';
import {
  recordMessage,
  runTarget,
  schemaMessage,
  stateMessage,
  type TargetRun,
  uniqueSchema,
} from './helpers.js';

let certs: TestCertificates;
let tlsServer: TestDatabase;
let plainServer: TestDatabase;
/** Connection fields of the TLS server, without any TLS setting. */
let server: { host: string; port: number; user: string; password: string; database: string };
/** Verifies the server as the target's default does, with the throwaway CA. */
let verified: Record<string, unknown>;

beforeAll(async () => {
  certs = await makeTestCertificates();
  [tlsServer, plainServer] = await Promise.all([
    startTestDatabase({
      ssl: { certFile: certs.serverCertFile, keyFile: certs.serverKeyFile, caFile: certs.caFile },
      hba: ['hostssl all tls_client all cert', 'hostnossl all all all reject'],
    }),
    startTestDatabase({ embedded: true }),
  ]);
  const url = new URL(tlsServer.url);
  server = {
    host: url.hostname,
    port: Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.slice(1),
  };
  verified = { ...server, ssl_enable: true, ssl_certificate_authority: certs.caFile };
  await tlsQuery(verified, 'CREATE ROLE tls_client LOGIN');
  await tlsQuery(verified, `GRANT CREATE ON DATABASE ${server.database} TO tls_client`);
});

afterAll(async () => {
  await Promise.all([tlsServer?.stop(), plainServer?.stop()]);
  await certs?.remove();
});

/** A query from a client configured as the target configures its pool. */
async function tlsQuery<T extends pg.QueryResultRow = Record<string, unknown>>(
  config: Record<string, unknown>,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client(postgresSettingsFrom(config, 1).pool);
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const PROPERTIES = { id: { type: 'integer' }, name: { type: 'string' } };

function input(): string[] {
  return [
    schemaMessage('items', PROPERTIES),
    recordMessage('items', { id: 1, name: 'a' }),
    recordMessage('items', { id: 2, name: 'b' }),
    stateMessage({ done: true }),
  ];
}

/** Loads two rows into a fresh schema with `tls` settings on top of the connection fields. */
async function loadWith(tls: Record<string, unknown>): Promise<{ run: TargetRun; schema: string }> {
  const schema = uniqueSchema('tls');
  const run = await runTarget({ ...server, ...tls, default_target_schema: schema }, input());
  return { run, schema };
}

async function loadedRows(schema: string): Promise<unknown[]> {
  const [table] = await tlsQuery<{ table: string | null }>(
    verified,
    'SELECT to_regclass($1)::text AS table',
    [`${schema}.items`],
  );
  if (table?.table === null) return [];
  return tlsQuery(verified, `SELECT id::int, name FROM ${schema}.items ORDER BY id`);
}

/** The run's one error: a connection failure that names its cause and quotes no secret. */
function connectionFailure(run: TargetRun): string {
  expect(run.error).toBeInstanceOf(SQLConnectionError);
  expect(run.states).toEqual([]);
  const line = (run.error as SQLConnectionError).describe();
  expect(line).not.toContain('\n');
  for (const secret of [server.password, readFileSync(certs.caFile, 'utf8'), '-----BEGIN']) {
    expect(line).not.toContain(secret);
    for (const log of run.logs) expect(log).not.toContain(secret);
  }
  return line;
}

describe('target-postgres over TLS', () => {
  it('verifies the server with the given CA, and every connection of the run is encrypted', async () => {
    const schema = uniqueSchema('tls');
    let connections: { ssl: boolean; version: string }[] = [];
    // Holds the last line back until the target's own (pooled, idle) connections can be looked at.
    async function* held(): AsyncGenerator<string> {
      const [first, ...rest] = input();
      yield `${first}\n`;
      for (let attempt = 0; attempt < 100 && connections.length === 0; attempt++) {
        connections = await tlsQuery(
          verified,
          `SELECT s.ssl, s.version FROM pg_stat_activity a JOIN pg_stat_ssl s ON s.pid = a.pid
           WHERE a.application_name = 'target-postgres'`,
        );
        if (connections.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      yield `${rest.join('\n')}\n`;
    }
    const run = await runTarget({ ...verified, default_target_schema: schema }, held());
    expect(run.error).toBeUndefined();
    expect(run.states).toEqual([{ done: true }]);
    expect(await loadedRows(schema)).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
    expect(connections.length).toBeGreaterThan(0);
    for (const connection of connections) expect(connection).toMatchObject({ ssl: true, version: 'TLSv1.3' });
    const [own] = await tlsQuery(verified, 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    expect(own).toEqual({ ssl: true });
    // And the server really refuses what is not encrypted.
    await expect(tlsQuery({ ...server, ssl_mode: 'disable' }, 'SELECT 1')).rejects.toThrow(/no encryption/);
  });

  it('fails with one clear error when the certificate is signed by another CA, and loads nothing', async () => {
    const { run, schema } = await loadWith({
      ssl_enable: true,
      ssl_certificate_authority: certs.otherCaFile,
    });
    expect(connectionFailure(run)).toMatch(
      /^SINGER_SQL_CONNECT: stream 'items': the server's TLS certificate is not trusted/,
    );
    expect(await loadedRows(schema)).toEqual([]);
    // Without a CA, the system's CAs do not know the throwaway one either.
    const fallback = await loadWith({ ssl_enable: true });
    expect(connectionFailure(fallback.run)).toMatch(/certificate is not trusted/);
  });

  it('encrypts without verifying with ssl_mode require, also from the url', async () => {
    const setting = await loadWith({ ssl_mode: 'require' });
    expect(setting.run.error).toBeUndefined();
    expect(await loadedRows(setting.schema)).toHaveLength(2);
    // node-postgres alone would read sslmode=require as verify-full and fail here.
    const url = new URL(tlsServer.url);
    url.searchParams.set('sslmode', 'require');
    const schema = uniqueSchema('tls');
    const fromUrl = await runTarget({ url: url.toString(), default_target_schema: schema }, input());
    expect(fromUrl.error).toBeUndefined();
    expect(await loadedRows(schema)).toHaveLength(2);
  });

  it('checks the host name under verify-full but not under verify-ca', async () => {
    // The resolver reads 127.1 as 127.0.0.1, a name the certificate does not list. Node 22 reads it as
    // that address when it checks the certificate too (20 and 24 do not), so there it is the same host.
    const elsewhere = { host: '127.1', ssl_certificate_authority: certs.caFile };
    const full = await loadWith({ ...elsewhere, ssl_mode: 'verify-full' });
    const listed = { subject: { CN: 'localhost' }, subjectaltname: 'IP Address:127.0.0.1, DNS:localhost' };
    const sameHost = checkServerIdentity('127.1', listed as PeerCertificate) === undefined;
    if (sameHost) {
      expect(full.run.error).toBeUndefined();
      expect(await loadedRows(full.schema)).toHaveLength(2);
    } else {
      expect(connectionFailure(full.run)).toMatch(/certificate does not name the host .*Host: 127\.1\./);
      expect(await loadedRows(full.schema)).toEqual([]);
    }
    // The CA as PEM text, its line breaks escaped as an environment variable carries them.
    const pem = readFileSync(certs.caFile, 'utf8').replace(/\n/g, '\\n');
    const ca = await loadWith({ ...elsewhere, ssl_mode: 'verify-ca', ssl_certificate_authority: pem });
    expect(ca.run.error).toBeUndefined();
    expect(await loadedRows(ca.schema)).toHaveLength(2);
  });

  it('fails clearly when TLS is required and the server has none', async () => {
    const url = new URL(plainServer.url);
    const config = {
      host: url.hostname,
      port: Number(url.port),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.slice(1),
      ssl_enable: true,
      ssl_mode: 'require',
    };
    const schema = uniqueSchema('tls');
    const run = await runTarget({ ...config, default_target_schema: schema }, input());
    expect(run.error).toBeInstanceOf(SQLConnectionError);
    expect((run.error as SQLConnectionError).describe()).toBe(
      "SINGER_SQL_CONNECT: stream 'items': the ssl settings require TLS but the server does not support it (its ssl setting is off)",
    );
    const [table] = await tlsQuery(
      { ...config, ssl_enable: false },
      `SELECT to_regclass('${schema}.items') AS table`,
    );
    expect(table).toEqual({ table: null });
  });

  it('authenticates with a client certificate and key', async () => {
    const client = {
      user: 'tls_client',
      password: undefined,
      ssl_certificate_authority: certs.caFile,
      ssl_client_certificate: readFileSync(certs.clientCertFile, 'utf8'),
      ssl_client_private_key: certs.clientKeyFile,
    };
    const withCertificate = await loadWith(client);
    expect(withCertificate.run.error).toBeUndefined();
    expect(await loadedRows(withCertificate.schema)).toHaveLength(2);
    const without = await loadWith({ ...client, ssl_client_certificate_enable: false });
    expect(connectionFailure(without.run)).toMatch(/connection requires a valid client certificate/);
  });
});

describe('TLS settings', () => {
  const tls = (config: Record<string, unknown>) => postgresSettingsFrom(config, 1).pool.ssl;
  const url = 'postgres://u:p@db.example.com:5432/app';

  it('map the libpq modes onto node-postgres options', () => {
    expect(tls({})).toBeUndefined();
    expect(tls({ ssl_enable: true })).toEqual({ rejectUnauthorized: true });
    expect(tls({ ssl_mode: 'require' })).toEqual({ rejectUnauthorized: false });
    expect(tls({ ssl_mode: 'disable' })).toBe(false);
    const ca = readFileSync(certs.caFile, 'utf8');
    const verifyCa = tls({ ssl_mode: 'verify-ca', ssl_certificate_authority: certs.caFile });
    expect(verifyCa).toMatchObject({ rejectUnauthorized: true, ca });
    expect((verifyCa as { checkServerIdentity: () => unknown }).checkServerIdentity()).toBeUndefined();
    // As in libpq, a CA makes require check the chain.
    expect(tls({ ssl_mode: 'require', ssl_certificate_authority: ca })).toMatchObject({
      rejectUnauthorized: true,
      ca,
    });
    expect(tls({ ssl_certificate_authority: ca })).toEqual({ rejectUnauthorized: true, ca });
  });

  it('read the TLS parameters of the url themselves', () => {
    const pool = postgresSettingsFrom(
      { url: `${url}?sslmode=verify-ca&sslrootcert=${certs.caFile}` },
      1,
    ).pool;
    expect(pool.connectionString).toBe(url);
    expect(pool.ssl).toMatchObject({ rejectUnauthorized: true, ca: readFileSync(certs.caFile, 'utf8') });
    expect(tls({ url: `${url}?sslmode=disable` })).toBe(false);
    expect(tls({ url: `${url}?sslmode=require`, ssl_mode: 'require' })).toEqual({
      rejectUnauthorized: false,
    });
  });

  it('ignore the other ssl_* settings when ssl_enable is false, as the Python targets do', () => {
    const meltanoDefaults = {
      ssl_enable: false,
      ssl_mode: 'verify-full',
      ssl_certificate_authority: '~/.postgresql/root.crl',
      ssl_client_certificate: '~/.postgresql/postgresql.crt',
      ssl_client_private_key: '~/.postgresql/postgresql.key',
    };
    expect(tls(meltanoDefaults)).toBe(false);
  });

  it.each([
    [{ ssl: true, ssl_mode: 'require' }, /'ssl' and 'ssl_mode' both configure TLS/],
    [{ ssl: { ca: 'x' }, url: `${url}?sslmode=require` }, /'ssl' and url sslmode both configure TLS/],
    [{ ssl_enable: true, ssl_mode: 'disable' }, /ssl_enable' is true but ssl_mode is disable/],
    [{ ssl_mode: 'disable', ssl_certificate_authority: '-----BEGIN x' }, /certificates are given/],
    [{ ssl_mode: 'prefer' }, /ssl_mode prefer .* is not supported/],
    [{ ssl_mode: 'allow' }, /ssl_mode allow .* is not supported/],
    [{ ssl_mode: 'verify-ca' }, /verify-ca needs ssl_certificate_authority/],
    [
      { url: `${url}?sslmode=verify-full`, ssl_mode: 'require' },
      /'ssl_mode' and the url's sslmode .*disagree/,
    ],
    [
      { url: `${url}?sslmode=require`, ssl_enable: false },
      /ssl_enable' is false but the url has sslmode=require/,
    ],
    [{ url: `${url}?sslmode=bogus` }, /url sslmode 'bogus' is not one of/],
    [{ ssl_client_certificate: '-----BEGIN x' }, /ssl_client_private_key is missing/],
    [{ ssl_client_certificate_enable: true }, /give ssl_client_certificate and ssl_client_private_key/],
    [
      { ssl_certificate_authority: '/nonexistent/ca.pem' },
      /cannot read file \/nonexistent\/ca.pem \(no such file\)/,
    ],
  ])('reject %j', (config, message) => {
    expect(() => tls(config)).toThrow(ConfigError);
    expect(() => tls(config)).toThrow(message);
  });

  it('never quote a private key setting', () => {
    const key = 'MHcCAQEEIBcK3u1gxvL0sM3oYlnzQk9oXjZ0mT1s2c5d8e9f0a1boAoGCCqGSM49';
    const attempt = () => tls({ ssl_client_certificate: certs.clientCertFile, ssl_client_private_key: key });
    expect(attempt).toThrow(/ssl_client_private_key' is neither PEM text nor a readable file/);
    expect(attempt).not.toThrow(key);
  });
});
