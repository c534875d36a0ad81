/**
 * `singer-reconcile`: counts each selected stream's rows at the source (the tap's `countRecords`)
 * and in the warehouse (the target's `countRows`), from the config, catalog and STATE files a
 * pipeline already uses; prints a table (or JSON) and exits 1 when an exact difference exceeds the
 * tolerance, so a scheduler can alert (a stale, approximate source count is shown, never alerted
 * on). Exit 2 for bad usage, as every connector CLI.
 *
 *   singer-reconcile --tap PKG --tap-config FILE [--catalog FILE] [--state FILE]
 *                    --target PKG --target-config FILE [--tolerance N] [--format table|json]
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig, secretValues } from '../config.js';
import type { ConnectorInfo } from '../connector.js';
import { ConfigError, SingerError, StateError } from '../errors.js';
import { readJsonFile } from '../json/json-file.js';
import { Logger, parseLevel } from '../logging.js';
import { compareCounts, formatTable, type ReconcileRow } from '../reconcile/compare.js';
import { isWarehouseRowCounter, type WarehouseCount } from '../reconcile/counts.js';
import { countSourceRows } from '../reconcile/source-counts.js';
import { Catalog } from '../tap/catalog.js';
import { StateManager } from '../tap/state.js';
import type { Tap } from '../tap/tap.js';
import { type ConnectorClass, settingsOf } from './run-cli.js';

export interface ReconcileIo {
  argv?: readonly string[];
  stdout?: (text: string) => void;
  stderr?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface ReconcileReport {
  tolerance: number;
  streams: ReconcileRow[];
  /** Streams whose exact difference exceeds the tolerance (approximate ones never count). */
  differing: number;
  /** Streams compared against a stale source count: shown, never alerted on. */
  approximate: number;
}

export class ReconcileUsageError extends SingerError {
  override readonly code: string = 'SINGER_RECONCILE_USAGE';
}

/** Runs the command; resolves to its exit code (0 all within tolerance, 1 a difference, 2 usage). */
export async function runReconcile(io: ReconcileIo = {}): Promise<number> {
  const stdout = io.stdout ?? ((text: string) => process.stdout.write(text));
  const stderr = io.stderr ?? ((line: string) => process.stderr.write(`${line}\n`));
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  const logger = new Logger({
    name: 'singer-reconcile',
    sink: stderr,
    level: parseLevel(env.LOG_LEVEL) ?? 'warn',
  });
  try {
    const args = parseArguments(io.argv ?? process.argv.slice(2));
    const TapClass = await loadConnector(args.tap, 'tap', cwd);
    const TargetClass = await loadConnector(args.target, 'target', cwd);
    const tapConfig = loadConfig(
      { ...TapClass.info, settings: settingsOf(TapClass) },
      { files: args.tapConfig, env, cwd },
    );
    const targetConfig = loadConfig(
      { ...TargetClass.info, settings: settingsOf(TargetClass) },
      { files: args.targetConfig, env, cwd },
    );
    logger.addSecrets([
      ...secretValues(settingsOf(TapClass), tapConfig),
      ...secretValues(settingsOf(TargetClass), targetConfig),
    ]);
    // Found by its info's kind, not instanceof: the connector may load its own copy of the SDK.
    const tap = new TapClass({ config: tapConfig as never, logger: logger.child(TapClass.info.name) }) as Tap;
    const target = new TargetClass({
      config: targetConfig as never,
      logger: logger.child(TargetClass.info.name),
    });
    try {
      const streams = await tap.streams();
      const catalog = args.catalog
        ? Catalog.fromFile(args.catalog)
        : new Catalog((await tap.discover()).streams);
      const state = new StateManager(
        args.state
          ? readJsonFile(args.state, { what: 'state file', error: StateError, whenEmpty: {} })
          : undefined,
      );
      const source = await countSourceRows(streams, catalog, state);
      const rows: ReconcileRow[] = [];
      for (const [stream, count] of source) {
        const uncounted = count.comparable ? count.uncounted : undefined;
        const warehouse: WarehouseCount = isWarehouseRowCounter(target)
          ? await target.countRows(stream, uncounted ? { uncounted } : {})
          : { comparable: false, reason: `${TargetClass.info.name} cannot count its rows` };
        rows.push(compareCounts(stream, count, warehouse, args.tolerance));
      }
      const report: ReconcileReport = {
        tolerance: args.tolerance,
        streams: rows,
        differing: rows.filter((row) => row.status === 'differs').length,
        approximate: rows.filter((row) => row.status === 'approximate').length,
      };
      stdout(args.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : `${formatTable(rows)}\n`);
      return report.differing > 0 ? 1 : 0;
    } finally {
      await tap.dispose();
      await (target as { dispose?: () => Promise<void> }).dispose?.call(target);
    }
  } catch (error) {
    const usage = error instanceof ReconcileUsageError || error instanceof ConfigError;
    const text =
      error instanceof SingerError
        ? error.describe()
        : `SINGER_UNEXPECTED: ${(error as Error).message ?? error}`;
    stderr(logger.redact(`singer-reconcile: ${text}`));
    return usage ? 2 : 1;
  }
}

interface Arguments {
  tap: string;
  target: string;
  tapConfig: string[];
  targetConfig: string[];
  catalog?: string;
  state?: string;
  tolerance: number;
  format: 'table' | 'json';
}

function parseArguments(argv: readonly string[]): Arguments {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true });
  } catch (error) {
    throw new ReconcileUsageError((error as Error).message);
  }
  const v = parsed.values;
  if (!v.tap || !v.target)
    throw new ReconcileUsageError('--tap and --target are required (a package or its path)');
  const tolerance = Number(v.tolerance ?? '0');
  if (!Number.isFinite(tolerance) || tolerance < 0)
    throw new ReconcileUsageError(`--tolerance must be a number of rows >= 0, got '${v.tolerance}'`);
  if (v.format !== undefined && v.format !== 'table' && v.format !== 'json')
    throw new ReconcileUsageError(`--format must be table or json, got '${v.format}'`);
  return {
    tap: v.tap,
    target: v.target,
    tapConfig: v['tap-config'] ?? [],
    targetConfig: v['target-config'] ?? [],
    ...(v.catalog ? { catalog: v.catalog } : {}),
    ...(v.state ? { state: v.state } : {}),
    tolerance,
    format: v.format === 'json' ? 'json' : 'table',
  };
}

const OPTIONS = {
  tap: { type: 'string' },
  target: { type: 'string' },
  'tap-config': { type: 'string', multiple: true },
  'target-config': { type: 'string', multiple: true },
  catalog: { type: 'string' },
  state: { type: 'string' },
  tolerance: { type: 'string' },
  format: { type: 'string' },
} as const;

/** Imports a connector package (a name, its directory or a module file) and finds its tap or target class. */
async function loadConnector(spec: string, kind: 'tap' | 'target', cwd: string): Promise<ConnectorClass> {
  const path = resolve(cwd, spec);
  let url: string;
  if (existsSync(path) && statSync(path).isDirectory()) {
    const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as {
      main?: string;
      exports?: { '.'?: { default?: string } | string };
    };
    const entry = manifest.exports?.['.'];
    const main = (typeof entry === 'string' ? entry : entry?.default) ?? manifest.main ?? 'index.js';
    url = pathToFileURL(join(path, main)).href;
  } else if (existsSync(path)) {
    url = pathToFileURL(path).href;
  } else {
    try {
      url = pathToFileURL(createRequire(join(cwd, 'package.json')).resolve(spec)).href;
    } catch {
      throw new ReconcileUsageError(`cannot find the ${kind} '${spec}': give its package name or directory`);
    }
  }
  const module = (await import(url)) as Record<string, unknown>;
  const found = Object.values(module).find(
    (value): value is ConnectorClass =>
      typeof value === 'function' && (value as { info?: ConnectorInfo }).info?.kind === kind,
  );
  if (found === undefined) throw new ReconcileUsageError(`'${spec}' exports no ${kind} class`);
  return found;
}
