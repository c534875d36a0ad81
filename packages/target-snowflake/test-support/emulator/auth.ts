/**
 * The emulator's check of a request's credentials, as Snowflake does it: a key-pair JWT must be
 * RS256-signed by a public key registered on the user named in `sub`, with `iss` naming that key's
 * fingerprint, the account in its upper-case, region-stripped form, and a lifetime of at most an
 * hour that has not run out. OAuth and programmatic access tokens are looked up. Every failure is
 * the same generic 401 Snowflake sends; the reason is kept for the tests (Snowflake's login history).
 */
import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';

export type TokenType = 'KEYPAIR_JWT' | 'OAUTH' | 'PROGRAMMATIC_ACCESS_TOKEN';

export interface EmulatedUser {
  /** Login name; JWTs name it upper-cased. */
  name: string;
  /** PEM public keys (RSA_PUBLIC_KEY and RSA_PUBLIC_KEY_2). */
  publicKeys: string[];
}

export interface EmulatedToken {
  token: string;
  type: 'OAUTH' | 'PROGRAMMATIC_ACCESS_TOKEN';
  user: string;
  /** Epoch milliseconds; never expires when absent. */
  expiresAt?: number;
}

export type AuthResult =
  | { ok: true; user: string; type: TokenType /** A JWT's `iat` (epoch seconds). */; issuedAt?: number }
  | { ok: false; type: TokenType | undefined; reason: string };

const CLOCK_SKEW_SECONDS = 60;
const MAX_LIFETIME_SECONDS = 3600;

export function publicKeyFingerprint(key: KeyObject): string {
  const der = key.export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('base64')}`;
}

export class Credentials {
  private readonly keys = new Map<string, { key: KeyObject; fingerprint: string }[]>();

  constructor(
    /** The account as JWTs must name it: upper case, no region (`XY12345`, `MYORG-ANALYTICS`). */
    private readonly account: string,
    users: readonly EmulatedUser[],
    private readonly tokens: readonly EmulatedToken[],
  ) {
    for (const user of users) {
      this.keys.set(
        user.name.toUpperCase(),
        user.publicKeys.map((pem) => {
          const key = createPublicKey(pem);
          return { key, fingerprint: publicKeyFingerprint(key) };
        }),
      );
    }
  }

  check(authorization: string | undefined, declaredType: string | undefined, nowMs: number): AuthResult {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const declared = declaredType?.toUpperCase() as TokenType | undefined;
    if (!match) return { ok: false, type: declared, reason: 'no bearer token' };
    const token = match[1]!;
    const looksLikeJwt = token.split('.').length === 3;
    const type = declared ?? (looksLikeJwt ? 'KEYPAIR_JWT' : undefined);
    if (type === 'KEYPAIR_JWT') return this.checkJwt(token, nowMs);
    const known = this.tokens.find((candidate) => candidate.token === token);
    if (known === undefined) return { ok: false, type, reason: 'unknown token' };
    if (type !== undefined && known.type !== type)
      return { ok: false, type, reason: `a ${known.type} token sent as ${type}` };
    if (known.expiresAt !== undefined && known.expiresAt <= nowMs)
      return { ok: false, type, reason: 'token expired' };
    return { ok: true, user: known.user.toUpperCase(), type: known.type };
  }

  private checkJwt(token: string, nowMs: number): AuthResult {
    const fail = (reason: string): AuthResult => ({ ok: false, type: 'KEYPAIR_JWT', reason });
    const [headerPart, payloadPart, signaturePart] = token.split('.') as [string, string, string];
    let header: { alg?: unknown };
    let payload: { iss?: unknown; sub?: unknown; iat?: unknown; exp?: unknown };
    try {
      header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
      payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
    } catch {
      return fail('not a JWT');
    }
    if (header.alg !== 'RS256') return fail(`alg ${String(header.alg)}`);
    const { iss, sub, iat, exp } = payload;
    if (
      typeof iss !== 'string' ||
      typeof sub !== 'string' ||
      typeof iat !== 'number' ||
      typeof exp !== 'number'
    )
      return fail('claims missing');
    const dot = sub.lastIndexOf('.');
    const account = sub.slice(0, dot);
    const user = sub.slice(dot + 1);
    if (account !== this.account) return fail(`account '${account}' is not '${this.account}'`);
    if (user !== user.toUpperCase()) return fail('user not upper case');
    const keys = this.keys.get(user);
    if (keys === undefined) return fail(`no user ${user}`);
    const nowSeconds = nowMs / 1000;
    if (iat > nowSeconds + CLOCK_SKEW_SECONDS) return fail('issued in the future');
    if (exp <= nowSeconds) return fail('expired');
    if (exp - iat > MAX_LIFETIME_SECONDS) return fail('lifetime over one hour');
    const signature = Buffer.from(signaturePart, 'base64url');
    const input = Buffer.from(`${headerPart}.${payloadPart}`);
    for (const { key, fingerprint } of keys) {
      if (iss !== `${sub}.${fingerprint}`) continue;
      if (verify('RSA-SHA256', input, key, signature))
        return { ok: true, user, type: 'KEYPAIR_JWT', issuedAt: iat };
      return fail('bad signature');
    }
    return fail('fingerprint matches no registered key');
  }
}
