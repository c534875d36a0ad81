#!/usr/bin/env node
// Runs the Zuora emulator by hand: node dist/emulator/main.js --port 8080 --seed 42 --accounts 1000
import { parseArgs } from 'node:util';
import { startZuoraEmulator } from './server.js';

const USAGE = `Usage: zuora-emulator [options]
  --port N                 port on 127.0.0.1 (default 0 = any free port)
  --seed S                 data seed, number or string (default 1)
  --accounts N             accounts; other objects scale from it (default 200)
  --token-lifetime S       OAuth token lifetime in seconds (default 3599)
  --submitted-ms N         time a job stays submitted (default 1000)
  --executing-ms N         execution time per query (default 2000)
  --segment-size N         rows per file segment for stateful full loads (default off)
  --region US|EU           incrementalTime in Pacific (US) or UTC (EU) (default US)
  --now ISO                freeze the clock at this time (steer it via POST /__emulator/clock)
`;

// `pnpm --filter tap-zuora emulator -- --port 8080` forwards the `--` itself.
const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    port: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    accounts: { type: 'string' },
    'token-lifetime': { type: 'string' },
    'submitted-ms': { type: 'string' },
    'executing-ms': { type: 'string' },
    'segment-size': { type: 'string' },
    region: { type: 'string' },
    now: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
const seed = /^\d+$/.test(values.seed) ? Number(values.seed) : values.seed;
if (values.region !== undefined && values.region !== 'US' && values.region !== 'EU') {
  process.stderr.write(`--region must be US or EU, not ${values.region}\n`);
  process.exit(2);
}

const em = await startZuoraEmulator({
  port: Number(values.port),
  seed,
  accounts: num(values.accounts),
  tokenLifetimeSeconds: num(values['token-lifetime']),
  submittedMs: num(values['submitted-ms']),
  executingMs: num(values['executing-ms']),
  segmentSize: num(values['segment-size']),
  region: values.region as 'US' | 'EU' | undefined,
  now: values.now,
});

const c = em.credentials;
process.stdout.write(`${em.url}\n`);
process.stderr.write(
  [
    `Zuora emulator listening on ${em.url} (seed ${String(seed)})`,
    `  OAuth:   client_id=${c.clientId} client_secret=${c.clientSecret} (POST ${em.url}/oauth/token)`,
    `  Legacy:  apiAccessKeyId=${c.username} apiSecretAccessKey=${c.password} (also SOAP login)`,
    `  SOAP:    ${em.soapUrl} (WSDL: ${em.soapUrl}?wsdl)`,
    `  Try:     curl -H 'apiAccessKeyId: ${c.username}' -H 'apiSecretAccessKey: ${c.password}' ${em.url}/v1/describe`,
    `  Control: ${em.url}/__emulator/state`,
    '',
  ].join('\n'),
);

const stop = () => {
  em.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
