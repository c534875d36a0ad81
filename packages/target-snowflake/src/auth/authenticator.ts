/**
 * Credentials on every SQL API request: `Authorization: Bearer …` and the token type header, which
 * Snowflake's docs ask clients to always send. A key-pair JWT is re-signed ahead of expiry and after
 * a 401; an OAuth or programmatic access token is sent as given (it cannot be renewed from here).
 */
import type { Authenticator, PreparedRequest } from '@singer-ts/sdk';
import type { KeyPairJwt } from './key-pair-jwt.js';

export type TokenType = 'KEYPAIR_JWT' | 'OAUTH' | 'PROGRAMMATIC_ACCESS_TOKEN';

export type SnowflakeCredentials =
  | { type: 'KEYPAIR_JWT'; jwt: KeyPairJwt }
  | { type: 'OAUTH' | 'PROGRAMMATIC_ACCESS_TOKEN'; token: string };

export class SnowflakeAuthenticator implements Authenticator {
  private lastToken: string | undefined;

  constructor(readonly credentials: SnowflakeCredentials) {}

  get type(): TokenType {
    return this.credentials.type;
  }

  authenticate(request: PreparedRequest): void {
    const token =
      this.credentials.type === 'KEYPAIR_JWT' ? this.credentials.jwt.token() : this.credentials.token;
    this.lastToken = token;
    request.headers.authorization = `Bearer ${token}`;
    request.headers['x-snowflake-authorization-token-type'] = this.credentials.type;
  }

  invalidate(): boolean {
    if (this.credentials.type !== 'KEYPAIR_JWT') return false;
    this.credentials.jwt.invalidate();
    return true;
  }

  secrets(): readonly string[] {
    const values = this.credentials.type === 'KEYPAIR_JWT' ? [] : [this.credentials.token];
    if (this.lastToken !== undefined) values.push(this.lastToken);
    return values;
  }

  /** Who is logging in, for error messages (never the secret). */
  describe(): string {
    if (this.credentials.type === 'KEYPAIR_JWT')
      return `key-pair JWT for ${this.credentials.jwt.subject} (public key ${this.credentials.jwt.fingerprint})`;
    return this.credentials.type === 'OAUTH' ? 'an OAuth access token' : 'a programmatic access token';
  }
}
