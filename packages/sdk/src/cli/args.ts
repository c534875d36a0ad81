/** Command-line arguments shared by every connector, parsed strictly so typos fail fast. */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import type { LogFormat } from '../logging.js';

export interface CliArgs {
  config: string[];
  catalog?: string;
  state?: string;
  input?: string;
  discover: boolean;
  about: boolean;
  format: 'json' | 'markdown';
  version: boolean;
  help: boolean;
  logFormat: LogFormat;
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(`${(error as Error).message}; run with --help for the options`);
  }
  const { values } = parsed;
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'markdown') {
    throw new UsageError(`--format must be json or markdown, not '${format}'`);
  }
  const logFormat = values['log-format'] ?? 'text';
  if (logFormat !== 'text' && logFormat !== 'json') {
    throw new UsageError(`--log-format must be text or json, not '${logFormat}'`);
  }
  if (values.catalog && values.properties) throw new UsageError('give --catalog or --properties, not both');
  const catalog = values.catalog ?? values.properties;
  return {
    config: values.config ?? [],
    ...(catalog ? { catalog } : {}),
    ...(values.state ? { state: values.state } : {}),
    ...(values.input ? { input: values.input } : {}),
    discover: values.discover ?? false,
    about: values.about ?? false,
    format,
    version: values.version ?? false,
    help: values.help ?? false,
    logFormat,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      config: { type: 'string', multiple: true },
      catalog: { type: 'string' },
      properties: { type: 'string' },
      state: { type: 'string' },
      input: { type: 'string' },
      discover: { type: 'boolean' },
      about: { type: 'boolean' },
      format: { type: 'string' },
      version: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      'log-format': { type: 'string' },
    },
  });
}

export function usage(name: string, kind: 'tap' | 'target' | 'mapper'): string {
  const common = [
    '  --config FILE        settings file (repeatable; later files win; ENV = environment only)',
    '  --about              describe the connector (--format json|markdown)',
    '  --version            print the version',
    '  --log-format FORMAT  text (default) or json logs on stderr; LOG_LEVEL sets the level',
  ];
  const own =
    kind === 'tap'
      ? [
          '  --discover           print the catalog',
          '  --catalog FILE       streams and fields to sync (alias --properties)',
          '  --state FILE         resume from this STATE',
        ]
      : ['  --input FILE         read Singer messages from FILE instead of stdin'];
  return [`Usage: ${name} [options]`, ...own, ...common].join('\n');
}
