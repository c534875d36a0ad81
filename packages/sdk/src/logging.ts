/**
 * Logs go to stderr, never stdout (stdout carries only Singer messages), as text or JSON lines.
 * METRIC lines follow the Meltano SDK's `METRIC: {json}` form so existing log tooling reads them.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'text' | 'json';

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  name: string;
  level?: LogLevel;
  format?: LogFormat;
  /** Where lines go; stderr unless a test captures them. */
  sink?: (line: string) => void;
  /** Strings that must never appear in a log line (secret setting values). */
  secrets?: readonly string[];
}

export interface Metric {
  type: 'counter' | 'timer';
  metric: string;
  value: number;
  tags: Record<string, unknown>;
}

export class Logger {
  readonly name: string;
  level: LogLevel;
  format: LogFormat;
  private readonly sink: (line: string) => void;
  private secrets: string[];
  /** The METRIC threshold (`metrics_log_level`), shared with children; the log level unless set. */
  private metrics: { level: LogLevel | undefined } = { level: undefined };

  constructor(options: LoggerOptions) {
    this.name = options.name;
    this.level = options.level ?? parseLevel(process.env.LOG_LEVEL) ?? 'info';
    this.format = options.format ?? 'text';
    this.sink = options.sink ?? ((line) => process.stderr.write(`${line}\n`));
    this.secrets = (options.secrets ?? []).filter((s) => s.length >= 4);
  }

  /** Adds values to mask in every later line (for example a token obtained at run time). */
  addSecrets(values: readonly string[]): void {
    for (const value of values)
      if (value.length >= 4 && !this.secrets.includes(value)) this.secrets.push(value);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }

  child(name: string): Logger {
    const child = new Logger({ name, level: this.level, format: this.format, sink: this.sink, secrets: [] });
    child.secrets = this.secrets;
    child.metrics = this.metrics;
    return child;
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.log('debug', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.log('info', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.log('warn', message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.log('error', message, fields);
  }

  /** Sets the METRIC threshold for this logger and all its children (Meltano's `metrics_log_level`). */
  setMetricsLevel(level: LogLevel): void {
    this.metrics.level = level;
  }

  /**
   * A METRIC line, at INFO like the Meltano SDK's; `perRequest` ones (one per HTTP request) only when
   * the metrics threshold is debug, so an operator reading INFO sees a few lines a minute.
   */
  metric(metric: Metric, perRequest = false): void {
    const threshold = LEVEL_ORDER[this.metrics.level ?? this.level];
    if (threshold > LEVEL_ORDER[perRequest ? 'debug' : 'info']) return;
    if (this.format === 'json') this.emit('info', 'METRIC', { metric_json: metric });
    else this.sink(this.redact(`${timestamp()} INFO ${this.name} METRIC: ${JSON.stringify(metric)}`));
  }

  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    if (LEVEL_ORDER[level] < LEVEL_ORDER[this.level]) return;
    this.emit(level, message, fields);
  }

  private emit(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    if (this.format === 'json') {
      this.sink(
        this.redact(JSON.stringify({ time: timestamp(), level, logger: this.name, message, ...fields })),
      );
      return;
    }
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    this.sink(this.redact(`${timestamp()} ${level.toUpperCase()} ${this.name} ${message}${extra}`));
  }
}

function timestamp(): string {
  return new Date().toISOString();
}

export function parseLevel(value: string | undefined): LogLevel | undefined {
  const lower = value?.toLowerCase();
  if (lower === 'warning') return 'warn';
  return lower === 'debug' || lower === 'info' || lower === 'warn' || lower === 'error' ? lower : undefined;
}
