#!/usr/bin/env node
// Runs the Zendesk emulator by hand: node dist/emulator/main.js --port 8080 --seed 42 --tickets 100000
import { parseArgs } from 'node:util';
import type { Plan } from './routes.js';
import { startZendeskEmulator } from './server.js';

const USAGE = `Usage: zendesk-emulator [options]
  --port N               port on 127.0.0.1 (default 0 = any free port)
  --seed S               data seed, number or string (default 1)
  --tickets N            tickets (default 1000; up to millions, generated lazily)
  --users N              users (default max(20, tickets/4))
  --organizations N      organizations (default max(5, tickets/20))
  --plan P               team | growth | professional | enterprise | enterprise_plus (default enterprise)
  --talk                 the account has Zendesk Talk (phone numbers answer 200 instead of 403)
  --rate-limit N         account requests/minute (default: the plan's)
  --incremental-limit N  incremental export requests/minute (default 10)
  --no-rate-limit        turn rate limiting off
  --freshness N          freshness window in seconds (default 60)
  --org-burst N          N organizations sharing one updated_at (non-advancing time export)
  --count-cache-above N  /tickets/count etc. above N are cached a day, as Zendesk's (default 100000)
  --now ISO              freeze the clock at this time (steer it via POST /__emulator/clock)
  --email E --api-token T --access-token A   credentials
`;

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    tickets: { type: 'string' },
    users: { type: 'string' },
    organizations: { type: 'string' },
    plan: { type: 'string' },
    talk: { type: 'boolean', default: false },
    'rate-limit': { type: 'string' },
    'incremental-limit': { type: 'string' },
    'no-rate-limit': { type: 'boolean', default: false },
    freshness: { type: 'string' },
    'org-burst': { type: 'string' },
    'count-cache-above': { type: 'string' },
    now: { type: 'string' },
    email: { type: 'string' },
    'api-token': { type: 'string' },
    'access-token': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
const seed = /^\d+$/.test(values.seed) ? Number(values.seed) : values.seed;

const emulator = await startZendeskEmulator({
  port: Number(values.port),
  seed,
  tickets: num(values.tickets),
  users: num(values.users),
  organizations: num(values.organizations),
  plan: values.plan as Plan | undefined,
  ...(values.talk ? { features: { talk: true } } : {}),
  freshnessSeconds: num(values.freshness),
  bursts: values['org-burst'] ? { organizations: Number(values['org-burst']) } : undefined,
  countCacheAbove: num(values['count-cache-above']),
  now: values.now,
  rateLimit: values['no-rate-limit']
    ? false
    : {
        ...(values['rate-limit'] ? { perMinute: Number(values['rate-limit']) } : {}),
        ...(values['incremental-limit'] ? { incrementalPerMinute: Number(values['incremental-limit']) } : {}),
      },
  credentials: {
    ...(values.email ? { email: values.email } : {}),
    ...(values['api-token'] ? { apiToken: values['api-token'] } : {}),
    ...(values['access-token'] ? { accessToken: values['access-token'] } : {}),
  },
});

const c = emulator.credentials;
process.stdout.write(`${emulator.url}\n`);
process.stderr.write(
  [
    `Zendesk emulator listening on ${emulator.url} (${emulator.tenant.ticketCount} tickets, seed ${String(seed)})`,
    `  Basic:   email=${c.email} api_token=${c.apiToken}`,
    `  Bearer:  access_token=${c.accessToken} refresh_token=${c.refreshToken}`,
    `  OAuth:   client_id=${c.clientId} client_secret=${c.clientSecret} (POST ${emulator.url}/oauth/tokens)`,
    `  Try:     curl -u '${c.email}/token:${c.apiToken}' '${emulator.url}/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=2'`,
    `  Control: ${emulator.url}/__emulator/state`,
    '',
  ].join('\n'),
);

const stop = () => {
  emulator.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
