/**
 * Key-pair JWTs for the SQL API: RS256, `iss` = `ACCOUNT.USER.SHA256:<fingerprint>`, `sub` =
 * `ACCOUNT.USER`, at most an hour long. A token is reused until a few minutes before it expires and
 * then signed anew, so a load of many hours never presents an expired one (Snowflake's own sample
 * signs for 59 minutes and renews after 54).
 */
import { type KeyObject, sign } from 'node:crypto';
import { jwtAccountName } from './account.js';
import { publicKeyFingerprint } from './private-key.js';

export interface KeyPairJwtOptions {
  account: string;
  user: string;
  privateKey: KeyObject;
  /** Seconds; 59 minutes unless set (Snowflake accepts at most 60). */
  lifetimeSeconds?: number;
  /** A token this close to expiry is replaced; 5 minutes (a third of a shorter lifetime) unless set. */
  renewBeforeSeconds?: number;
  /** Epoch milliseconds; for tests of long runs. */
  now?: () => number;
}

const MAX_LIFETIME_SECONDS = 3600;

export class KeyPairJwt {
  readonly subject: string;
  readonly issuer: string;
  readonly fingerprint: string;
  private readonly lifetimeSeconds: number;
  private readonly renewBeforeSeconds: number;
  private readonly now: () => number;
  private current: { token: string; expiresAt: number } | undefined;
  /** How many tokens were signed; a long run shows renewals here. */
  signed = 0;

  constructor(private readonly options: KeyPairJwtOptions) {
    this.subject = `${jwtAccountName(options.account)}.${options.user.trim().toUpperCase()}`;
    this.fingerprint = publicKeyFingerprint(options.privateKey);
    this.issuer = `${this.subject}.${this.fingerprint}`;
    this.lifetimeSeconds = Math.min(options.lifetimeSeconds ?? 3540, MAX_LIFETIME_SECONDS);
    this.renewBeforeSeconds =
      options.renewBeforeSeconds ?? Math.min(300, Math.ceil(this.lifetimeSeconds / 3));
    this.now = options.now ?? Date.now;
  }

  /** A token valid for at least `renewBeforeSeconds` more. */
  token(): string {
    const nowSeconds = Math.floor(this.now() / 1000);
    if (this.current === undefined || nowSeconds >= this.current.expiresAt - this.renewBeforeSeconds) {
      const expiresAt = nowSeconds + this.lifetimeSeconds;
      this.current = { token: this.sign(nowSeconds, expiresAt), expiresAt };
    }
    return this.current.token;
  }

  /** Forgets the token, so the next request signs a fresh one (after a 401). */
  invalidate(): void {
    this.current = undefined;
  }

  private sign(issuedAt: number, expiresAt: number): string {
    const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
    const payload = base64url(
      JSON.stringify({ iss: this.issuer, sub: this.subject, iat: issuedAt, exp: expiresAt }),
    );
    const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), this.options.privateKey);
    this.signed += 1;
    return `${header}.${payload}.${signature.toString('base64url')}`;
  }
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
