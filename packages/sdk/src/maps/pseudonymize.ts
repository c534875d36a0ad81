/**
 * Hashing of field values. `pseudonymize` is a keyed HMAC-SHA256: the same value and key always give
 * the same hex digest, so joins across streams and runs keep working, while without the key a digest
 * cannot be reversed by hashing a dictionary of likely values (emails, names, phone numbers).
 * `md5` and `sha256` exist for pipelines that already use them; unkeyed, they do not protect
 * low-entropy PII.
 *
 * Every function hashes the value's canonical text: a string as it is, a number as its exact decimal
 * text (so `42`, `"42"` and an ExactNumber `42` hash alike and an integer id still joins a string id),
 * a boolean as `true`/`false`. null and undefined give null: a missing value stays missing. Objects
 * and arrays are refused, since their text depends on key order: hash their fields instead.
 */
import { createHmac, hash } from 'node:crypto';
import { MapperError } from '../errors.js';
import { isExactNumber, numberText } from '../json/lossless-json.js';

/** The shortest `pseudonymize_key` accepted, in bytes of its UTF-8 encoding. */
export const MIN_PSEUDONYMIZE_KEY_BYTES = 16;

export type HashKey = string | Uint8Array;

/** The text a value is hashed as, or null for null/undefined; throws for objects and arrays. */
export function hashInput(value: unknown): string | null {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
      return numberText(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return null;
    default:
      if (value === null) return null;
      if (isExactNumber(value)) return value.toString();
      throw new TypeError(
        `cannot hash ${Array.isArray(value) ? 'an array' : 'an object'}; hash its fields by dotted path instead`,
      );
  }
}

/** Hex MD5 of the value's canonical text. Not safe for low-entropy PII: use `pseudonymize`. */
export function md5(value: unknown): string | null {
  const text = hashInput(value);
  return text === null ? null : hash('md5', text, 'hex');
}

/** Hex SHA-256 of the value's canonical text. Not safe for low-entropy PII: use `pseudonymize`. */
export function sha256(value: unknown): string | null {
  const text = hashInput(value);
  return text === null ? null : hash('sha256', text, 'hex');
}

/** Checks a key once and returns its bytes, for hashing many values with it. */
export function prepareKey(key: HashKey | null | undefined, setting = 'pseudonymize_key'): Buffer {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  if (bytes === undefined || bytes === null || bytes.length === 0)
    throw new MapperError(
      `hashing with HMAC-SHA256 needs a key: set '${setting}' to a secret of at least ${MIN_PSEUDONYMIZE_KEY_BYTES} bytes`,
      { setting, reason: 'config' },
    );
  if (bytes.length < MIN_PSEUDONYMIZE_KEY_BYTES)
    throw new MapperError(
      `'${setting}' is ${bytes.length} bytes; it must be at least ${MIN_PSEUDONYMIZE_KEY_BYTES} bytes`,
      { setting, reason: 'config' },
    );
  // A Buffer key makes createHmac faster than a KeyObject does (measured on Node 20).
  return Buffer.from(bytes);
}

/** A pseudonymizer bound to one checked key: the form the mapper uses per record. */
export function createPseudonymizer(key: HashKey): (value: unknown) => string | null {
  const keyBytes = prepareKey(key);
  return (value) => {
    const text = hashInput(value);
    return text === null ? null : createHmac('sha256', keyBytes).update(text, 'utf8').digest('hex');
  };
}

/**
 * Keyed HMAC-SHA256 of the value's canonical text, as hex; null stays null. Throws a MapperError if
 * the key is missing or shorter than 16 bytes, so PII is never hashed without a secret.
 */
export function pseudonymize(value: unknown, key: HashKey): string | null {
  const keyBytes = prepareKey(key);
  const text = hashInput(value);
  return text === null ? null : createHmac('sha256', keyBytes).update(text, 'utf8').digest('hex');
}

/** The same function under the name stream-map expressions use. */
export const hmacSha256: (value: unknown, key: HashKey) => string | null = pseudonymize;
