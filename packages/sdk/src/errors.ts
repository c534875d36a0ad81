/**
 * Every failure the SDK reports is a SingerError with a stable `code` users can switch on,
 * and structured context (stream, line, field) so the CLI can name the place in one line.
 */
export interface ErrorContext {
  stream?: string;
  line?: number;
  field?: string;
  setting?: string;
  /** A file the input pointed to (a BATCH message's file) and the 1-based line in it. */
  file?: string;
  fileLine?: number;
  [key: string]: unknown;
}

export class SingerError extends Error {
  readonly code: string = 'SINGER_ERROR';
  /** Exit code the CLI uses: 1 runtime failure, 2 bad usage or bad config. */
  readonly exitCode: number = 1;
  readonly context: ErrorContext;

  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.context = context;
  }

  /** One line naming where it happened, for stderr. */
  describe(): string {
    const where: string[] = [];
    if (this.context.stream !== undefined) where.push(`stream '${this.context.stream}'`);
    if (this.context.line !== undefined) where.push(`line ${this.context.line}`);
    // Errors about the file itself name it in their message already.
    if (this.context.file !== undefined && !this.message.includes(`'${this.context.file}'`)) {
      const fileLine = this.context.fileLine === undefined ? '' : ` line ${this.context.fileLine}`;
      where.push(`file '${this.context.file}'${fileLine}`);
    }
    if (this.context.field !== undefined) where.push(`field '${this.context.field}'`);
    const prefix = where.length > 0 ? `${where.join(', ')}: ` : '';
    return `${this.code}: ${prefix}${this.message}`;
  }
}

/** Bad command-line usage. */
export class UsageError extends SingerError {
  override readonly code: string = 'SINGER_USAGE';
  override readonly exitCode: number = 2;
}

/** Config missing, unreadable or failing its settings schema. */
export class ConfigError extends SingerError {
  override readonly code: string = 'SINGER_CONFIG_INVALID';
  override readonly exitCode: number = 2;
}

/** A catalog or state file that cannot be used. */
export class CatalogError extends SingerError {
  override readonly code: string = 'SINGER_CATALOG_INVALID';
  override readonly exitCode: number = 2;
}

export class StateError extends SingerError {
  override readonly code: string = 'SINGER_STATE_INVALID';
  override readonly exitCode: number = 2;
}

/** An input line that is not a valid Singer message. */
export class ProtocolError extends SingerError {
  override readonly code: string = 'SINGER_PROTOCOL';
}

/** A RECORD that arrives for a stream whose SCHEMA has not been seen. */
export class RecordBeforeSchemaError extends SingerError {
  override readonly code: string = 'SINGER_RECORD_BEFORE_SCHEMA';
}

/** A SCHEMA message whose schema is not usable JSON Schema. */
export class InvalidSchemaError extends SingerError {
  override readonly code: string = 'SINGER_SCHEMA_INVALID';
}

/** A record that does not match its stream's schema. */
export class RecordValidationError extends SingerError {
  override readonly code: string = 'SINGER_RECORD_INVALID';
}

/** The downstream closed its end of the pipe (`tap | head`): not a failure. */
export class BrokenPipeError extends SingerError {
  override readonly code: string = 'SINGER_EPIPE';
  override readonly exitCode: number = 0;
}

/** A stream-map or pseudonymization configuration or expression that cannot be applied. */
export class MapperError extends SingerError {
  override readonly code: string = 'SINGER_MAPPER';
  override readonly exitCode: number = 2;
}

/** Talking to a vendor API failed after retries, or failed in a way retries cannot fix. */
export class HttpError extends SingerError {
  override readonly code: string = 'SINGER_HTTP';
  readonly status: number | undefined;
  constructor(
    message: string,
    context: ErrorContext & { status?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(message, context, options);
    this.status = context.status;
  }
}

export class AuthenticationError extends HttpError {
  override readonly code: string = 'SINGER_AUTH';
}

/** Loading into a destination failed; names the stream, the batch and the column when known. */
export class LoadError extends SingerError {
  override readonly code: string = 'SINGER_LOAD';
}
