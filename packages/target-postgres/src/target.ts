/** TargetPostgres: the SDK Target with one PostgresSink per stream sharing one connection pool. */
import {
  type ConnectorInfo,
  type SchemaMessage,
  Target,
  type TargetOptions,
  type WarehouseCount,
  type WarehouseCountOptions,
  type WarehouseRowCounter,
} from '@singer-ts/sdk';
import { countStreamRows } from '@singer-ts/sdk/sql';
import pg from 'pg';
import { watchConnection } from './connection.js';
import { PostgresConnector } from './connector.js';
import {
  type PeerRules,
  PrimaryKeyRequiredError,
  pipelinewiseStreamParts,
  readPeerSettings,
  schemaMappingFor,
} from './peer-settings.js';
import { type PostgresSettings, postgresSettingsFrom, SETTINGS } from './settings.js';
import { PostgresSink, type PostgresSinkOptions } from './sink.js';

export class TargetPostgres extends Target implements WarehouseRowCounter {
  static override info: ConnectorInfo = {
    name: 'target-postgres',
    version: '0.1.0',
    description: 'Loads Singer streams into PostgreSQL with COPY, schema evolution and STATE after commit',
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

  readonly pool: pg.Pool;
  readonly naming: PostgresSettings['naming'];
  /** PostgreSQL as the SDK's SQL dialect and transport, shared by every sink. */
  readonly connector: PostgresConnector;
  /** What the PipelineWise and MeltanoLabs settings ask of each stream (see peer-settings.ts). */
  readonly peerRules: PeerRules;

  constructor(options: TargetOptions) {
    const peers = readPeerSettings(options.config);
    super({ ...options, config: peers.config });
    this.peerRules = peers.rules;
    for (const warning of peers.warnings) this.logger.warn(warning);
    // sqlalchemy_url was masked as given; the url made from it differs from that text.
    if (typeof options.config.sqlalchemy_url === 'string') this.logger.addSecrets([String(peers.config.url)]);
    const { pool, naming } = postgresSettingsFrom(peers.config, this.settings.parallelism + 1);
    this.naming = naming;
    // The CLI masks secret settings' values; a key read from the file such a setting names is not one.
    if (typeof pool.ssl === 'object' && typeof pool.ssl.key === 'string') {
      this.logger.addSecrets([pool.ssl.key]);
    }
    this.pool = new pg.Pool(pool);
    this.connector = new PostgresConnector(this.pool);
    // An idle connection dropped by the server must not crash the process; the next query reports it.
    this.pool.on('error', (error) =>
      this.logger.warn('idle database connection failed', { error: error.message }),
    );
    // Nor may a checked-out one, whatever state it is in when the server goes away. 'connect' comes
    // before the pool hands the client out: a connection killed as it opens fails in the same read
    // that completes it, before the caller could listen.
    this.pool.on('connect', (client) =>
      watchConnection(client, (error) =>
        this.logger.debug('database connection failed', { error: error.message }),
      ),
    );
  }

  protected createSink(message: SchemaMessage): PostgresSink {
    return new PostgresSink(message, this.sinkOptions(message));
  }

  /** A stream's sink options: what every sink shares, and what PipelineWise's settings say of it. */
  protected sinkOptions(message: SchemaMessage): PostgresSinkOptions {
    if (this.peerRules.primaryKeyRequired && message.key_properties.length === 0) {
      throw new PrimaryKeyRequiredError(
        'the stream has no key properties and primary_key_required is on (the PipelineWise default when ' +
          "the config uses 'dbname'); set primary_key_required to false to load it without a key",
        { stream: message.stream },
      );
    }
    const mapping = schemaMappingFor(this.peerRules, message.stream);
    return {
      logger: this.logger,
      settings: this.settings,
      connector: this.connector,
      naming: { ...this.naming, defaultSchema: mapping?.target_schema ?? this.naming.defaultSchema },
      indexes: mapping?.indices?.[pipelinewiseStreamParts(message.stream).table] ?? [],
      activateVersion: this.peerRules.activateVersion,
    };
  }

  /** Rows of the stream's table, live and soft-deleted, for `singer-reconcile`. */
  countRows(stream: string, options?: WarehouseCountOptions): Promise<WarehouseCount> {
    return countStreamRows(this.connector, stream, this.naming, options);
  }

  protected override async dispose(): Promise<void> {
    await this.pool.end();
  }
}
