/**
 * A statement's life in the emulator: checked against the session context, held for its artificial
 * run time (where cancel and `timeout` can stop it), executed, and its result cut into partitions.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SqlEngine } from './engine.js';
import type { FaultPlan } from './faults.js';
import type { StatementEntry, StatementRegistry } from './registry.js';
import type { SubmitBody } from './request.js';
import { partition, type ResultSet } from './results.js';
import { SnowflakeSqlError, sqlErrors, toSnowflakeError } from './sql-errors.js';

export interface LifecycleOptions {
  statementDelayMs?: number | ((statement: string) => number);
  partitionRows?: number;
  partitionBytes?: number;
  warehouses?: string[];
  roles?: string[];
}

export class StatementLifecycle {
  constructor(
    private readonly engine: SqlEngine,
    private readonly statements: StatementRegistry,
    private readonly options: LifecycleOptions,
    private readonly now: () => number,
    private readonly faults?: FaultPlan,
  ) {}

  /** Registers the statement and starts it; `entry.done` settles when it leaves `running`. */
  async start(body: SubmitBody, requestId: string | undefined): Promise<StatementEntry> {
    const problem = await this.checkContext(body);
    const entry: StatementEntry = {
      handle: randomUUID(),
      requestId,
      createdOn: this.now(),
      state: 'running',
      columns: [],
      partitions: [],
      numRows: 0,
      stats: undefined,
      statementHandles: undefined,
      error: undefined,
      timeoutSeconds: body.timeout,
      done: Promise.resolve(),
      abort: new AbortController(),
    };
    this.statements.add(entry);
    if (problem !== undefined) this.fail(entry, problem);
    else entry.done = this.run(entry, body);
    return entry;
  }

  private async run(entry: StatementEntry, body: SubmitBody): Promise<void> {
    const delay =
      typeof this.options.statementDelayMs === 'function'
        ? this.options.statementDelayMs(body.statement)
        : (this.options.statementDelayMs ?? 0);
    const timeoutMs = body.timeout > 0 ? body.timeout * 1000 : undefined;
    try {
      if (timeoutMs !== undefined && delay > timeoutMs) {
        await sleep(timeoutMs, undefined, { signal: entry.abort.signal });
        entry.state = 'timedout';
        entry.error = sqlErrors.timedOut(body.timeout);
        return;
      }
      if (delay > 0) await sleep(delay, undefined, { signal: entry.abort.signal });
    } catch {
      return; // cancelled while waiting: cancel() has recorded the outcome
    }
    if (entry.state !== 'running') return;
    const failure = this.faults?.statementFailure(body.statement);
    if (failure !== undefined) {
      this.fail(entry, sqlErrors.injected(failure.code ?? '000603', failure.message ?? 'injected failure'));
      return;
    }
    try {
      const outcome = await this.engine.execute({
        statement: body.statement,
        database: body.database,
        schema: body.schema,
        bindings: body.bindings,
        statementCount: body.statementCount,
      });
      this.statements.countApplied(entry.requestId);
      if (outcome.kind === 'single') {
        this.complete(entry, outcome.result);
      } else {
        entry.statementHandles = outcome.results.map((result) => {
          const child = { ...entry, handle: randomUUID(), requestId: undefined, statementHandles: undefined };
          this.statements.add(child);
          this.complete(child, result);
          return child.handle;
        });
        this.complete(entry, {
          columns: [{ name: 'multiple statement execution', type: { family: 'TEXT' } }],
          rows: [['Multiple statements executed successfully.']],
        });
      }
    } catch (error) {
      this.fail(entry, toSnowflakeError(error));
    }
  }

  private complete(entry: StatementEntry, result: ResultSet): void {
    entry.columns = result.columns;
    entry.partitions = partition(
      result.rows,
      this.options.partitionRows ?? 100_000,
      this.options.partitionBytes ?? 16 * 1024 * 1024,
    );
    entry.numRows = result.rows.length;
    entry.stats = result.stats;
    entry.state = 'succeeded';
  }

  private fail(entry: StatementEntry, error: SnowflakeSqlError): void {
    entry.error = error;
    entry.state = 'failed';
  }

  /** Database, schema, warehouse and role must match what exists exactly (case included). */
  private async checkContext(body: SubmitBody): Promise<SnowflakeSqlError | undefined> {
    const missing = (kind: string, name: string) =>
      new SnowflakeSqlError(
        '390201',
        '08004',
        `The requested ${kind} does not exist or not authorized. ${kind[0]!.toUpperCase()}${kind.slice(1)} '${name}'.`,
      );
    const { database, schema, warehouse, role } = body;
    if (database !== undefined && !(await this.engine.databaseExists(database)))
      return missing('database', database);
    if (database !== undefined && schema !== undefined && !(await this.engine.schemaExists(database, schema)))
      return missing('schema', schema);
    if (warehouse !== undefined && this.options.warehouses && !this.options.warehouses.includes(warehouse))
      return missing('warehouse', warehouse);
    if (role !== undefined && this.options.roles && !this.options.roles.includes(role))
      return new SnowflakeSqlError(
        '390189',
        '08004',
        `Role '${role}' specified in the connect string does not exist or not authorized.`,
      );
    return undefined;
  }
}
