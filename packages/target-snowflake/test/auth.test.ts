import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { defaultBaseUrl, jwtAccountName } from '../src/auth/account.js';
import { KeyPairJwt } from '../src/auth/key-pair-jwt.js';
import { loadPrivateKey, publicKeyFingerprint } from '../src/auth/private-key.js';
import { createSqlApiClient, credentialsFrom } from '../src/connection.js';
import { SnowflakePrivateKeyError } from '../src/errors.js';
import { snowflakeSettingsFrom } from '../src/settings.js';
import { keyPair, startEmulator } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'sf-auth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('account identifier in the JWT', () => {
  test.each([
    ['myorg-analytics', 'MYORG-ANALYTICS'],
    ['xy12345.us-east-2.aws', 'XY12345'],
    ['xy12345.eu-west-1.privatelink', 'XY12345'],
    ['XY12345.us-east-2.aws.snowflakecomputing.com', 'XY12345'],
    ['https://myorg-analytics.snowflakecomputing.com', 'MYORG-ANALYTICS'],
    ['myaccount-myorg.global', 'MYACCOUNT'],
  ])('%s → %s', (account, name) => {
    expect(jwtAccountName(account)).toBe(name);
  });

  test('the default base URL is the account host', () => {
    expect(defaultBaseUrl('XY12345.us-east-2.aws')).toBe(
      'https://xy12345.us-east-2.aws.snowflakecomputing.com',
    );
  });
});

describe('key-pair JWT', () => {
  test('claims: iss names the public key fingerprint, sub the upper-case account and user, under an hour', () => {
    const { privateKey, publicKey } = { privateKey: keyPair(0).privateKey, publicKey: keyPair(0).publicPem };
    const jwt = new KeyPairJwt({
      account: 'xy12345.us-east-2.aws',
      user: 'loader',
      privateKey,
      now: () => 1_700_000_000_000,
    });
    const [header, payload, signature] = jwt.token().split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const der = Buffer.from(publicKey.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const fingerprint = `SHA256:${createHash('sha256').update(der).digest('base64')}`;
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(claims).toEqual({
      iss: `XY12345.LOADER.${fingerprint}`,
      sub: 'XY12345.LOADER',
      iat: 1_700_000_000,
      exp: 1_700_000_000 + 3540,
    });
    expect(
      verify(
        'RSA-SHA256',
        Buffer.from(`${header}.${payload}`),
        publicKey,
        Buffer.from(signature, 'base64url'),
      ),
    ).toBe(true);
  });

  test('a token is reused until five minutes before expiry, then signed anew', () => {
    let now = 1_700_000_000_000;
    const jwt = new KeyPairJwt({
      account: 'a',
      user: 'u',
      privateKey: keyPair(0).privateKey,
      now: () => now,
    });
    const first = jwt.token();
    now += 53 * 60_000;
    expect(jwt.token()).toBe(first);
    now += 2 * 60_000;
    expect(jwt.token()).not.toBe(first);
    expect(jwt.signed).toBe(2);
  });
});

describe('private keys', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const encrypted = privateKey
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'open sesame' })
    .toString();
  const plain = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  test('an encrypted PKCS#8 key opens with its passphrase', () => {
    const key = loadPrivateKey({ privateKey: encrypted, passphrase: 'open sesame' });
    expect(publicKeyFingerprint(key)).toBe(publicKeyFingerprint(privateKey));
  });

  test('a key from a file, and one whose line breaks arrived as \\n', () => {
    const file = join(dir, 'rsa_key.p8');
    writeFileSync(file, plain);
    expect(publicKeyFingerprint(loadPrivateKey({ privateKeyPath: file }))).toBe(
      publicKeyFingerprint(privateKey),
    );
    const escaped = plain.replaceAll('\n', '\\n');
    expect(publicKeyFingerprint(loadPrivateKey({ privateKey: escaped }))).toBe(
      publicKeyFingerprint(privateKey),
    );
  });

  test.each([
    [
      'an encrypted key without passphrase',
      () => loadPrivateKey({ privateKey: encrypted }),
      "is encrypted: set 'private_key_passphrase'",
    ],
    [
      'a wrong passphrase',
      () => loadPrivateKey({ privateKey: encrypted, passphrase: 'nope' }),
      'cannot be decrypted',
    ],
    ['a missing file', () => loadPrivateKey({ privateKeyPath: join(dir, 'none.p8') }), 'ENOENT'],
    ['text that is no PEM', () => loadPrivateKey({ privateKey: 'abc' }), 'is not a PEM private key'],
    ['no key at all', () => loadPrivateKey({}), "needs 'private_key' or 'private_key_path'"],
    [
      'an EC key',
      () =>
        loadPrivateKey({
          privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' })
            .privateKey.export({ type: 'pkcs8', format: 'pem' })
            .toString(),
        }),
      'needs RSA',
    ],
    [
      'a 1024-bit key',
      () =>
        loadPrivateKey({
          privateKey: generateKeyPairSync('rsa', { modulusLength: 1024 })
            .privateKey.export({ type: 'pkcs8', format: 'pem' })
            .toString(),
        }),
      'at least 2048 bits',
    ],
  ])('%s is a clear config error', (_name, load, text) => {
    expect(load).toThrow(SnowflakePrivateKeyError);
    expect(load).toThrow(text);
  });

  test('the passphrase never appears in the error', () => {
    expect(() => loadPrivateKey({ privateKey: encrypted, passphrase: 'hunter2-secret' })).not.toThrow(
      /hunter2/,
    );
  });
});

describe('settings to a client', () => {
  test('a token with its type, or a key pair', () => {
    expect(credentialsFrom({ token: 't', token_type: 'programmatic_access_token' }).type).toBe(
      'PROGRAMMATIC_ACCESS_TOKEN',
    );
    expect(credentialsFrom({ token: 't' }).type).toBe('OAUTH');
    expect(() => credentialsFrom({ token: 't', token_type: 'password' })).toThrow("token_type 'password'");
    expect(credentialsFrom({ account: 'a', user: 'u', private_key: keyPair(0).privatePem }).type).toBe(
      'KEYPAIR_JWT',
    );
    expect(() => credentialsFrom({ user: 'u', private_key: keyPair(0).privatePem })).toThrow(
      "'account' is required",
    );
  });

  test('jwt_lifetime_seconds sets the token lifetime, as a number or a string; out of range is refused', () => {
    const lifetimeOf = (value: unknown) => {
      const { connection } = snowflakeSettingsFrom({ account: 'a', user: 'u', jwt_lifetime_seconds: value });
      const credentials = credentialsFrom({ ...connection, private_key: keyPair(0).privatePem });
      if (credentials.type !== 'KEYPAIR_JWT') throw new Error('not a key pair');
      const [, payload] = credentials.jwt.token().split('.');
      const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString('utf8'));
      return claims.exp - claims.iat;
    };
    expect(lifetimeOf(undefined)).toBe(3540);
    expect(lifetimeOf(120)).toBe(120);
    expect(lifetimeOf('600')).toBe(600);
    for (const wrong of [0, 3601, 'soon', 1.5])
      expect(() => lifetimeOf(wrong)).toThrow(
        /jwt_lifetime_seconds is .*: give a whole number of seconds from 1 to 3600/,
      );
  });

  test('an encrypted key file from the settings logs in to the emulator through base_url', async () => {
    const emulator = await startEmulator();
    try {
      const file = join(dir, 'encrypted.p8');
      writeFileSync(
        file,
        keyPair(0)
          .privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw-1234' })
          .toString(),
      );
      const client = createSqlApiClient({
        account: 'myorg-analytics',
        user: 'loader',
        private_key_path: file,
        private_key_passphrase: 'pw-1234',
        database: 'RAW',
        default_target_schema: 'ZUORA',
        base_url: emulator.url,
      });
      await client.verifyConnection();
      await client.close();
    } finally {
      await emulator.close();
    }
  });
});
