/**
 * Runs the emulator by hand: `pnpm --filter target-snowflake emulator -- [options]`.
 *
 *   --port N                 listen port (default 8085; 0 picks one)
 *   --account NAME           account as JWTs name it (default EMULATOR)
 *   --user NAME              login name (default LOADER)
 *   --public-key FILE        PEM public key registered on the user (repeatable)
 *   --token TEXT             a programmatic access token for the user (repeatable)
 *   --database NAME          database to create (repeatable; default RAW)
 *   --schema NAME            schema to create in each database (repeatable; default PUBLIC only)
 *   --sync-window-ms N       202 after this long (default 45000)
 *   --delay-ms N             artificial run time per statement (default 0)
 *
 * Prints the base URL to use as the target's `base_url`, then serves until interrupted.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SnowflakeEmulator } from './server.js';

const { values } = parseArgs({
  // `pnpm … emulator -- --port 0` passes the `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    port: { type: 'string', default: '8085' },
    account: { type: 'string', default: 'EMULATOR' },
    user: { type: 'string', default: 'LOADER' },
    'public-key': { type: 'string', multiple: true, default: [] },
    token: { type: 'string', multiple: true, default: [] },
    database: { type: 'string', multiple: true, default: ['RAW'] },
    schema: { type: 'string', multiple: true, default: [] },
    'sync-window-ms': { type: 'string', default: '45000' },
    'delay-ms': { type: 'string', default: '0' },
  },
});

const emulator = await SnowflakeEmulator.start({
  port: Number(values.port),
  account: values.account,
  users: [{ name: values.user, publicKeys: values['public-key'].map((file) => readFileSync(file, 'utf8')) }],
  tokens: values.token.map((token) => ({
    token,
    type: 'PROGRAMMATIC_ACCESS_TOKEN' as const,
    user: values.user,
  })),
  databases: values.database.map((name) => ({ name, schemas: values.schema })),
  syncWindowMs: Number(values['sync-window-ms']),
  statementDelayMs: Number(values['delay-ms']),
});
process.stderr.write(
  `Snowflake SQL API emulator for account ${values.account.toUpperCase()}, user ${values.user.toUpperCase()}: ${emulator.url}\n`,
);
const stop = () => {
  emulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
