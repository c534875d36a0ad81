import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ConfigError, type ConfigOf, type ConnectorInfo, defineSettings } from '../../src/index.js';
import { runConnector } from '../../src/testing/index.js';
import { EventsTap } from '../fixtures/events-tap.js';

const settings = defineSettings(
  {
    api_token: { type: 'string', secret: true, writeOnly: true },
    request_timeout: { type: 'number', default: 300 },
    page_size: { type: 'integer', default: 100 },
    fail_on_forbidden: { type: 'boolean' },
    marketplace_id: { type: 'string' },
    optional_ratio: { type: ['number', 'null'] },
  },
  { required: ['api_token'] },
);
const info: ConnectorInfo = {
  name: 'tap-lenient',
  version: '0.0.0',
  description: 'test',
  kind: 'tap',
  capabilities: [],
  settings,
};

const dir = mkdtempSync(join(tmpdir(), 'lenient-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function fromFile(config: string): Record<string, unknown> {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, config);
  return loadConfig(info, { files: [file], env: {}, cwd: dir });
}

describe('config written the way Meltano and Stitch write it', () => {
  it('reads numbers and booleans given as strings as their declared types', () => {
    const config = fromFile(
      '{"api_token": "t", "request_timeout": "12.5", "page_size": " 50 ", "fail_on_forbidden": "TRUE", "optional_ratio": "0.25"}',
    );
    expect(config).toEqual({
      api_token: 't',
      request_timeout: 12.5,
      page_size: 50,
      fail_on_forbidden: true,
      optional_ratio: 0.25,
    });
    expect(fromFile('{"api_token": "t", "fail_on_forbidden": "false"}').fail_on_forbidden).toBe(false);
  });

  it('keeps an id too long for a double as its exact text when the setting is a string', () => {
    expect(fromFile('{"api_token": "t", "marketplace_id": 9223372036854775807}').marketplace_id).toBe(
      '9223372036854775807',
    );
  });

  it('fails a value that still cannot be read, naming the setting, with exit code 2', () => {
    const attempt = (text: string): ConfigError => {
      try {
        fromFile(text);
      } catch (error) {
        return error as ConfigError;
      }
      throw new Error('accepted');
    };
    const notANumber = attempt('{"api_token": "t", "page_size": "many"}');
    expect(notANumber).toBeInstanceOf(ConfigError);
    expect(notANumber.exitCode).toBe(2);
    expect(notANumber.message).toBe(`invalid config: setting 'page_size' is "many", which is not integer`);
    expect(attempt('{"api_token": "t", "page_size": "1.5"}').message).toMatch(/'page_size'.*not integer/);
    expect(attempt('{"api_token": "t", "fail_on_forbidden": "yes please"}').message).toMatch(
      /'fail_on_forbidden'.*not boolean/,
    );
    expect(attempt('{"api_token": "t", "page_size": 9223372036854775807}').message).toMatch(
      /'page_size'.*cannot be held exactly/,
    );
  });

  it('never prints a secret value it could not read', () => {
    const secretNumber = { ...info, settings: defineSettings({ pin: { type: 'integer', secret: true } }) };
    const file = join(dir, 'secret.json');
    writeFileSync(file, '{"pin": "hunter2"}');
    expect(() => loadConfig(secretNumber, { files: [file], env: {}, cwd: dir })).toThrow(
      /setting 'pin' is a string, which is not integer/,
    );
    try {
      loadConfig(secretNumber, { files: [file], env: {}, cwd: dir });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('names the file and the place of a JSON syntax error without quoting the file', () => {
    expect(() => fromFile('{"api_token": "s3cret",\n  "page_size": 1,, }')).toThrow(
      /config file .*\.json is not valid JSON near line 2, column \d+; fix the file/,
    );
    try {
      fromFile('{"api_token": "s3cret",\n  "page_size": 1,, }');
    } catch (error) {
      expect((error as Error).message).not.toContain('s3cret');
    }
  });

  it('types config from the settings schema: defaults and required settings are never undefined', () => {
    type Config = ConfigOf<typeof settings>;
    const config: Config = { api_token: 't', request_timeout: 1, page_size: 2 };
    // Compile-time checks: these lines would not type-check if the inference were wrong.
    const timeout: number = config.request_timeout;
    const token: string = config.api_token;
    const forbidden: boolean | undefined = config.fail_on_forbidden;
    const ratio: number | null | undefined = config.optional_ratio;
    expect([timeout, token, forbidden, ratio]).toEqual([1, 't', undefined, undefined]);
  });

  it('a tap run with string settings gets them converted, through the CLI', async () => {
    const result = await runConnector(EventsTap, { config: { count: '3' } });
    expect(result.exitCode).toBe(0);
    expect(result.records('events')).toHaveLength(3);
  });
});
