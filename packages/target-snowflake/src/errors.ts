/**
 * What goes wrong talking to Snowflake, as errors with stable codes. A failed statement keeps
 * Snowflake's own `code`, `sqlState`, `message` and `statementHandle` (its query id, to look up in
 * Snowflake's query history), and the stream and batch it was loading when the sink says so.
 */
import { ConfigError, type ErrorContext, SingerError } from '@singer-ts/sdk';

export interface SnowflakeFailure {
  /** Snowflake's error code, six digits (`000904`, `100090`). */
  code: string;
  sqlState: string;
  message: string;
  statementHandle?: string;
}

/** A statement Snowflake rejected or failed (HTTP 422). */
export class SnowflakeStatementError extends SingerError {
  override readonly code: string = 'SINGER_SNOWFLAKE_STATEMENT';
  readonly snowflakeCode: string;
  readonly sqlState: string;
  readonly snowflakeMessage: string;
  readonly statementHandle: string | undefined;

  constructor(failure: SnowflakeFailure, context: ErrorContext = {}) {
    const handle = failure.statementHandle === undefined ? '' : ` (statement ${failure.statementHandle})`;
    const text = failure.message.replace(/\s*\n\s*/g, ' ').trim();
    super(`Snowflake error ${failure.code} (${failure.sqlState}): ${text}${handle}`, context);
    this.snowflakeCode = failure.code;
    this.sqlState = failure.sqlState;
    this.snowflakeMessage = failure.message;
    this.statementHandle = failure.statementHandle;
  }
}

/** HTTP 408: the statement ran past its `timeout` and Snowflake cancelled it. */
export class SnowflakeStatementTimeoutError extends SnowflakeStatementError {
  override readonly code: string = 'SINGER_SNOWFLAKE_STATEMENT_TIMEOUT';
}

/**
 * A request body over the size Snowflake accepts (about 1 MB; larger ones draw 413 and cannot be
 * retried safely). Raised before sending, so nothing reached Snowflake.
 */
export class SnowflakeStatementTooLargeError extends SingerError {
  override readonly code: string = 'SINGER_SNOWFLAKE_STATEMENT_TOO_LARGE';
}

/** Snowflake refused the credentials (wrong or unregistered key, expired token, wrong account). */
export class SnowflakeAuthenticationError extends SingerError {
  override readonly code: string = 'SINGER_SNOWFLAKE_AUTH';
  override readonly exitCode: number = 2;
}

/** The private key cannot be read: missing, not PEM, wrong passphrase, not RSA. */
export class SnowflakePrivateKeyError extends ConfigError {
  override readonly code: string = 'SINGER_SNOWFLAKE_PRIVATE_KEY';
}

/** An answer that is not what the SQL API documents (no handle on a 202, no data on a 200). */
export class SnowflakeProtocolError extends SingerError {
  override readonly code: string = 'SINGER_SNOWFLAKE_PROTOCOL';
}
