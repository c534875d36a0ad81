/**
 * TargetSnowflake: the SDK Target with one SnowflakeSink per stream, all on one SQL API client. The
 * credentials are checked with one statement before any input is read, so a wrong key fails at
 * start-up with one line; this run's stages are dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import {
  type ConnectorInfo,
  type SchemaMessage,
  Target,
  type TargetOptions,
  type TargetRunSummary,
} from '@singer-ts/sdk';
import { createSqlApiClient } from './connection.js';
import { SnowflakeConnector } from './connector.js';
import { SETTINGS, snowflakeSettingsFrom } from './settings.js';
import { SnowflakeSink } from './sink.js';
import type { SqlApiClient } from './sql-api/client.js';

export class TargetSnowflake extends Target {
  static override info: ConnectorInfo = {
    name: 'target-snowflake',
    version: '0.1.0',
    description:
      'Loads Singer streams into Snowflake over the SQL API v2: exact values, schema evolution, STATE after commit',
    kind: 'target',
    capabilities: [
      'about',
      'stream-maps',
      'batch',
      'validate-records',
      'activate-version',
      'soft-delete',
      'hard-delete',
      'target-schema',
    ],
    settings: SETTINGS,
  };

  readonly client: SqlApiClient;
  readonly connector: SnowflakeConnector;
  private readonly naming: ReturnType<typeof snowflakeSettingsFrom>['naming'];

  constructor(options: TargetOptions) {
    super(options);
    const { connection, naming } = snowflakeSettingsFrom(options.config);
    this.naming = naming;
    this.client = createSqlApiClient(connection, { logger: this.logger });
    this.connector = new SnowflakeConnector(this.client, randomBytes(4).toString('hex'));
  }

  /** Checks the credentials and context first: nothing is read before Snowflake accepts them. */
  override async run(
    input: AsyncIterable<Buffer | string | Uint8Array>,
    output: Writable,
  ): Promise<TargetRunSummary> {
    try {
      await this.client.verifyConnection();
    } catch (error) {
      await this.client.close().catch(() => undefined);
      throw error;
    }
    return super.run(input, output);
  }

  protected createSink(message: SchemaMessage): SnowflakeSink {
    return new SnowflakeSink(message, {
      logger: this.logger,
      settings: this.settings,
      connector: this.connector,
      naming: this.naming,
    });
  }

  protected override async dispose(): Promise<void> {
    try {
      await this.connector.dropStages();
    } catch (error) {
      this.logger.warn('could not drop the staging tables of this run', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
    await this.client.close();
  }
}
