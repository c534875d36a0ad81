import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, parseDotenv, redactConfig, secretValues, validateConfig } from '../../src/config.js';
import { ConfigError, type ConnectorInfo } from '../../src/index.js';
import type { JSONSchema } from '../../src/schema/json-schema.js';

/** Every temp file of this file's tests lives here (configs hold secrets): removed at the end. */
const scratch = mkdtempSync(join(tmpdir(), 'config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const info: ConnectorInfo = {
  name: 'tap-demo',
  version: '0',
  description: '',
  kind: 'tap',
  capabilities: [],
  settings: {
    type: 'object',
    properties: {
      api_token: { type: 'string', secret: true },
      page_size: { type: 'integer', default: 100 },
      verbose: { type: 'boolean' },
      streams: { type: 'array', items: { type: 'string' } },
    },
  },
};

describe('config', () => {
  it('rejects wrong types, unknown settings and missing required ones, naming each', () => {
    const strict = {
      ...info.settings,
      additionalProperties: false,
      required: ['api_token'],
    } as ConnectorInfo['settings'];
    expect(() => validateConfig(strict, { api_token: 't', page_size: 5, verbose: true })).not.toThrow();
    const problems = (config: Record<string, unknown>): string => {
      try {
        validateConfig(strict, config);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(problems({ api_token: 't', page_size: 'many' })).toBe(
      "invalid config: setting 'page_size' must be integer",
    );
    expect(problems({ api_token: 't', pagesize: 5 })).toBe("invalid config: unknown setting 'pagesize'");
    expect(problems({ verbose: 'yes' })).toBe(
      "invalid config: missing required setting 'api_token'; setting 'verbose' must be boolean",
    );
  });

  it('reads a .env file, with real environment variables taking precedence', () => {
    const dir = mkdtempSync(join(scratch, 'case-'));
    writeFileSync(
      join(dir, '.env'),
      '# comment\nexport TAP_DEMO_API_TOKEN="from-dotenv"\nTAP_DEMO_PAGE_SIZE=50\n',
    );
    const config = loadConfig(info, {
      files: [],
      env: { TAP_DEMO_PAGE_SIZE: '25', TAP_DEMO_VERBOSE: 'true' },
      cwd: dir,
    });
    expect(config).toEqual({ api_token: 'from-dotenv', page_size: 25, verbose: true });
  });

  it('parses arrays from env as JSON or comma lists, and applies defaults', () => {
    expect(
      loadConfig(info, { files: [], env: { TAP_DEMO_STREAMS: '["a","b"]' }, cwd: '/nonexistent' }).streams,
    ).toEqual(['a', 'b']);
    expect(loadConfig(info, { files: [], env: { TAP_DEMO_STREAMS: 'a, b' }, cwd: '/nonexistent' })).toEqual({
      page_size: 100,
      streams: ['a', 'b'],
    });
  });

  it('redacts secret settings', () => {
    expect(redactConfig(info.settings, { api_token: 'x', page_size: 1 })).toEqual({
      api_token: '***',
      page_size: 1,
    });
  });

  it('parses quoted, commented and exported .env lines', () => {
    expect(parseDotenv('A=1 # note\nexport B=\'two words\'\nC="line\\nbreak"\nnot a line\n')).toEqual({
      A: '1',
      B: 'two words',
      C: 'line\nbreak',
    });
  });
});

describe('secrets inside object settings', () => {
  const settings: JSONSchema = {
    type: 'object',
    properties: {
      password: { type: 'string', secret: true },
      ssl: {
        anyOf: [
          { type: 'boolean' },
          { type: 'object', properties: { ca: { type: 'string' }, key: { type: 'string', secret: true } } },
        ],
      },
    },
  };

  it('masks a secret property of an object setting, not its public neighbours', () => {
    const config = { password: 'hunter2-long', ssl: { ca: 'PUBLIC-CA', key: 'PRIVATE-KEY-TEXT' } };
    expect(secretValues(settings, config).sort()).toEqual(['PRIVATE-KEY-TEXT', 'hunter2-long']);
    expect(redactConfig(settings, config)).toEqual({ password: '***', ssl: { ca: 'PUBLIC-CA', key: '***' } });
    expect(redactConfig(settings, { ssl: true })).toEqual({ ssl: true });
  });
});
