import { randomBytes } from 'node:crypto';

export interface Credentials {
  /** OAuth client (UUID) and secret. */
  clientId: string;
  clientSecret: string;
  /** Legacy `apiAccessKeyId`/`apiSecretAccessKey` headers and SOAP login. */
  username: string;
  password: string;
}

export const DEFAULT_CREDENTIALS: Credentials = {
  clientId: '6b8a2e1c-3f4d-4e5a-9b7c-0d1e2f3a4b5c',
  clientSecret: 'emulator-client-secret=Zu0ra+42',
  username: 'api.user@acme.example',
  password: 'emulator-password',
};

export interface AuthOptions {
  credentials?: Partial<Credentials>;
  /** Access token lifetime in seconds. Default 3,599. */
  tokenLifetimeSeconds?: number;
  /** Accept the legacy credential headers. Default true. */
  legacyHeaders?: boolean;
  /** Token requests per minute per IP before 429. Default 100. */
  tokenRequestsPerMinute?: number;
}

interface Token {
  expiresMs: number;
}

/** Issued OAuth tokens, checked against the emulator clock. */
export class TokenStore {
  readonly credentials: Credentials;
  readonly lifetimeSeconds: number;
  readonly legacyHeaders: boolean;
  readonly perMinute: number;
  private readonly tokens = new Map<string, Token>();
  private readonly tokenCalls: number[] = [];

  constructor(o: AuthOptions = {}) {
    this.credentials = { ...DEFAULT_CREDENTIALS, ...o.credentials };
    this.lifetimeSeconds = o.tokenLifetimeSeconds ?? 3599;
    this.legacyHeaders = o.legacyHeaders ?? true;
    this.perMinute = o.tokenRequestsPerMinute ?? 100;
  }

  /** Counts a token request; false when the per-IP burst is exceeded. */
  admitTokenCall(now: number): boolean {
    while (this.tokenCalls.length > 0 && this.tokenCalls[0]! <= now - 60_000) this.tokenCalls.shift();
    if (this.tokenCalls.length >= this.perMinute) return false;
    this.tokenCalls.push(now);
    return true;
  }

  issue(now: number): {
    access_token: string;
    token_type: string;
    expires_in: number;
    scope: string;
    jti: string;
  } {
    const token = randomBytes(16).toString('hex');
    this.tokens.set(token, { expiresMs: now + this.lifetimeSeconds * 1000 });
    return {
      access_token: token,
      token_type: 'bearer',
      expires_in: this.lifetimeSeconds,
      scope: 'user.7f3e8a entity.1a2b3c service.echo.read tenant.42',
      jti: randomBytes(16).toString('hex'),
    };
  }

  validBearer(token: string, now: number): boolean {
    const t = this.tokens.get(token);
    return t !== undefined && now < t.expiresMs;
  }

  validLegacy(id: string | undefined, secret: string | undefined): boolean {
    return this.legacyHeaders && id === this.credentials.username && secret === this.credentials.password;
  }

  expireAll(): void {
    for (const t of this.tokens.values()) t.expiresMs = 0;
  }

  count(): number {
    return this.tokens.size;
  }
}
