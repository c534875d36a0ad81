#!/usr/bin/env node
// Runs the Marketo emulator by hand: node dist/emulator/main.js --port 8080 --seed 42 --leads 100000
import { parseArgs } from 'node:util';
import { startMarketoEmulator } from './server.js';

const USAGE = `Usage: marketo-emulator [options]
  --port N             port on 127.0.0.1 (default 0 = any free port)
  --seed S             data seed, number or text (default 1)
  --leads N            leads (default 1000; millions are generated lazily)
  --activities N       activities (default 5 per lead)
  --history-start ISO  first moment of the generated history (default 2024-01-01T00:00:00Z)
  --history-end ISO    last moment of the generated history (default 2025-01-01T00:00:00Z)
  --now ISO            freeze the clock at this time (move it with POST /__emulator/clock {"advance":60})
  --daily-calls N      daily call quota (default 50000)
  --no-rate-limit      turn off the 100 calls / 20 s limit
  --tick N             seconds between bulk job status changes (default 60)
  --processing N       seconds a bulk job processes (default 120)
  --no-updated-at      the subscription lacks the updatedAt lead export filter (1035)
  --client-id ID --client-secret SECRET   credentials (default emulator-client-id / emulator-client-secret)
`;

// `pnpm emulator -- --flag` hands the `--` through; flags after it are still meant as flags.
const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));

const { values } = parseArgs({
  args,
  options: {
    port: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    leads: { type: 'string' },
    activities: { type: 'string' },
    'history-start': { type: 'string' },
    'history-end': { type: 'string' },
    now: { type: 'string' },
    'daily-calls': { type: 'string' },
    'no-rate-limit': { type: 'boolean', default: false },
    tick: { type: 'string' },
    processing: { type: 'string' },
    'no-updated-at': { type: 'boolean', default: false },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
const seed = /^\d+$/.test(values.seed) ? Number(values.seed) : values.seed;
const clientId = values['client-id'] ?? 'emulator-client-id';
const clientSecret = values['client-secret'] ?? 'emulator-client-secret';

const emulator = await startMarketoEmulator({
  port: Number(values.port),
  seed,
  leads: num(values.leads),
  activities: num(values.activities),
  historyStart: values['history-start'],
  historyEnd: values['history-end'],
  now: values.now,
  dailyCalls: num(values['daily-calls']),
  rateLimit: values['no-rate-limit'] ? false : undefined,
  bulk: { tickSeconds: num(values.tick), processingSeconds: num(values.processing) },
  features: { updatedAtFilter: !values['no-updated-at'] },
  clients: [{ clientId, clientSecret, user: 'api.user@example.com' }],
});

process.stdout.write(`${emulator.url}\n`);
process.stderr.write(
  [
    `Marketo emulator listening on ${emulator.url} (${emulator.dataset.leadCount} leads, seed ${String(seed)})`,
    `  Config:  {"base_url": "${emulator.url}", "client_id": "${clientId}", "client_secret": "${clientSecret}"}`,
    `  Token:   curl '${emulator.url}/identity/oauth/token?grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}'`,
    `  Try:     curl -H "Authorization: Bearer TOKEN" '${emulator.url}/rest/v1/leads/describe.json'`,
    `  Control: ${emulator.url}/__emulator/state`,
    '',
  ].join('\n'),
);

const stop = () => {
  emulator.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
