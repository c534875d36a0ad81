/**
 * Reading the RSA private key for key-pair auth: PEM text (from `private_key`, where a line break
 * may arrive as the two characters `\n` from an environment variable) or a file, PKCS#8 or PKCS#1,
 * encrypted ones with `private_key_passphrase`. The public key's fingerprint is what Snowflake shows
 * as `RSA_PUBLIC_KEY_FP` and what the JWT's issuer names.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SnowflakePrivateKeyError } from '../errors.js';

export interface PrivateKeySource {
  /** PEM text. */
  privateKey?: string | undefined;
  /** A PEM file. */
  privateKeyPath?: string | undefined;
  passphrase?: string | undefined;
}

const MIN_MODULUS_BITS = 2048;

export function loadPrivateKey(source: PrivateKeySource): KeyObject {
  let pem: string;
  let origin: string;
  if (source.privateKey !== undefined && source.privateKey.trim() !== '') {
    pem = source.privateKey.replaceAll('\\n', '\n').trim();
    origin = "the 'private_key' setting";
  } else if (source.privateKeyPath !== undefined && source.privateKeyPath !== '') {
    origin = `the file '${source.privateKeyPath}' ('private_key_path')`;
    try {
      pem = readFileSync(source.privateKeyPath, 'utf8');
    } catch (error) {
      throw new SnowflakePrivateKeyError(
        `cannot read ${origin}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      );
    }
  } else {
    throw new SnowflakePrivateKeyError("key-pair auth needs 'private_key' or 'private_key_path'");
  }
  if (!pem.includes('-----BEGIN'))
    throw new SnowflakePrivateKeyError(
      `${origin} is not a PEM private key (it has no '-----BEGIN … PRIVATE KEY-----' line)`,
    );
  let key: KeyObject;
  try {
    key = createPrivateKey({
      key: pem,
      format: 'pem',
      ...(source.passphrase ? { passphrase: source.passphrase } : {}),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    // Node reports a missing passphrase as ERR_MISSING_PASSPHRASE or, from OpenSSL 3, as an
    // interrupted read of the encrypted key.
    if (!source.passphrase && (code === 'ERR_MISSING_PASSPHRASE' || pem.includes('ENCRYPTED')))
      throw new SnowflakePrivateKeyError(`${origin} is encrypted: set 'private_key_passphrase'`);
    if (pem.includes('ENCRYPTED') && source.passphrase)
      throw new SnowflakePrivateKeyError(
        `${origin} cannot be decrypted with 'private_key_passphrase'; check the passphrase`,
      );
    throw new SnowflakePrivateKeyError(
      `${origin} is not a readable private key (${(error as Error).message})`,
    );
  }
  if (key.asymmetricKeyType !== 'rsa')
    throw new SnowflakePrivateKeyError(
      `${origin} is a ${key.asymmetricKeyType} key; Snowflake key-pair auth needs RSA`,
    );
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_MODULUS_BITS)
    throw new SnowflakePrivateKeyError(
      `${origin} is a ${bits}-bit RSA key; Snowflake needs at least ${MIN_MODULUS_BITS} bits`,
    );
  return key;
}

/** `SHA256:<base64>` of the public key's DER SubjectPublicKeyInfo, as `DESCRIBE USER` prints it. */
export function publicKeyFingerprint(privateKey: KeyObject): string {
  const der = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('base64')}`;
}
