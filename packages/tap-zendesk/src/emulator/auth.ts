import { createHash } from 'node:crypto';
import { iso } from './util.js';

export interface Credentials {
  /** Basic auth: `Authorization: Basic base64("{email}/token:{apiToken}")`. */
  email?: string;
  apiToken?: string;
  /** OAuth bearer token accepted from the start (null expiry unless accessTokenExpiresIn is set). */
  accessToken?: string;
  /** Seconds until the initial access token expires; undefined = never (a legacy token). */
  accessTokenExpiresIn?: number;
  /** Refresh token paired with the initial access token, and the OAuth client allowed to refresh it. */
  refreshToken?: string;
  clientId?: string;
  clientSecret?: string;
  /** Scopes of every OAuth token (default ["read"]). Without "read" (or "<resource>:read") GETs get 403. */
  scopes?: string[];
  /** Role of the credentialed user. Agents get 403 on incremental exports. Default "admin". */
  role?: 'admin' | 'agent';
}

export const DEFAULT_CREDENTIALS = {
  email: 'admin@acme.example',
  apiToken: 'emulator-api-token',
  accessToken: 'emulator-access-token',
  refreshToken: 'emulator-refresh-token',
  clientId: 'singer-ts-emulator',
  clientSecret: 'emulator-client-secret',
} as const;

interface AccessToken {
  id: number;
  token: string;
  expiresAt: number | null;
  createdAt: number;
  scopes: string[];
  refreshToken: string | null;
}

interface RefreshToken {
  token: string;
  accessToken: string;
  expiresAt: number;
}

export type AuthResult =
  | { ok: true; kind: 'basic' | 'bearer'; token?: AccessToken }
  | { ok: false; status: 401; body: Record<string, string> };

export const BASIC_FAILURE = { error: "Couldn't authenticate you" };
export const BEARER_FAILURE = {
  error: 'invalid_token',
  error_description: 'The access token provided is expired, revoked, malformed or invalid for other reasons.',
};

/** Credentials, OAuth tokens and their rotation. Time is passed in (Unix seconds). */
export class AuthStore {
  readonly email: string;
  readonly apiToken: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: string[];
  readonly role: 'admin' | 'agent';
  private readonly access = new Map<string, AccessToken>();
  private readonly refresh = new Map<string, RefreshToken>();
  private rotations = 0;
  private readonly seed: string;

  constructor(c: Credentials, seed: string | number, now: number) {
    this.email = c.email ?? DEFAULT_CREDENTIALS.email;
    this.apiToken = c.apiToken ?? DEFAULT_CREDENTIALS.apiToken;
    this.clientId = c.clientId ?? DEFAULT_CREDENTIALS.clientId;
    this.clientSecret = c.clientSecret ?? DEFAULT_CREDENTIALS.clientSecret;
    this.scopes = c.scopes ?? ['read'];
    this.role = c.role ?? 'admin';
    this.seed = String(seed);
    const access = c.accessToken ?? DEFAULT_CREDENTIALS.accessToken;
    const refresh = c.refreshToken ?? DEFAULT_CREDENTIALS.refreshToken;
    this.access.set(access, {
      id: 1,
      token: access,
      createdAt: now,
      expiresAt: c.accessTokenExpiresIn !== undefined ? now + c.accessTokenExpiresIn : null,
      scopes: this.scopes,
      refreshToken: refresh,
    });
    this.refresh.set(refresh, { token: refresh, accessToken: access, expiresAt: now + 30 * 86_400 });
  }

  authenticate(header: string | undefined, now: number): AuthResult {
    if (header?.startsWith('Bearer ')) {
      const token = this.access.get(header.slice(7).trim());
      if (!token || (token.expiresAt !== null && token.expiresAt <= now)) {
        return { ok: false, status: 401, body: BEARER_FAILURE };
      }
      return { ok: true, kind: 'bearer', token };
    }
    if (header?.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
      if (decoded === `${this.email}/token:${this.apiToken}`) return { ok: true, kind: 'basic' };
    }
    return { ok: false, status: 401, body: BASIC_FAILURE };
  }

  /** Does this principal have a scope allowing GET on `resource`? Basic auth acts as the user (no scopes). */
  hasReadScope(auth: AuthResult, resource: string | null): boolean {
    if (!auth.ok || auth.kind === 'basic' || !auth.token) return true;
    const scopes = auth.token.scopes;
    if (scopes.includes('read')) return true;
    return resource !== null && scopes.includes(`${resource}:read`);
  }

  /** Expires every current access token (as if their expires_at had passed). */
  expireAccessTokens(now: number): void {
    for (const t of this.access.values()) t.expiresAt = now;
  }

  currentTokens(): { accessTokens: string[]; refreshTokens: string[] } {
    return { accessTokens: [...this.access.keys()], refreshTokens: [...this.refresh.keys()] };
  }

  private mint(kind: string): string {
    const h = createHash('sha256').update(`${this.seed}:${kind}:${this.rotations}`).digest('hex');
    return h.slice(0, 64);
  }

  /** POST /oauth/tokens with grant_type=refresh_token: rotates the pair (old access and refresh tokens die). */
  refreshGrant(
    body: Record<string, unknown>,
    now: number,
  ): { status: number; body: Record<string, unknown> } {
    if (body.grant_type !== 'refresh_token') {
      return {
        status: 400,
        body: {
          error: 'unsupported_grant_type',
          error_description: 'The authorization grant type is not supported by the authorization server.',
        },
      };
    }
    if (body.client_id !== this.clientId || body.client_secret !== this.clientSecret) {
      return {
        status: 401,
        body: {
          error: 'invalid_client',
          error_description:
            'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
        },
      };
    }
    const current = typeof body.refresh_token === 'string' ? this.refresh.get(body.refresh_token) : undefined;
    if (!current || current.expiresAt <= now) {
      return {
        status: 400,
        body: {
          error: 'invalid_grant',
          error_description:
            'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
        },
      };
    }
    const expiresIn = body.expires_in === undefined ? 172_799 : Number(body.expires_in);
    const refreshExpiresIn =
      body.refresh_token_expires_in === undefined ? 2_592_000 : Number(body.refresh_token_expires_in);
    if (!Number.isInteger(expiresIn) || expiresIn <= 300 || expiresIn >= 172_800) {
      return {
        status: 400,
        body: {
          error: 'invalid_request',
          error_description: 'expires_in must be greater than 300 and less than 172800',
        },
      };
    }
    if (!Number.isInteger(refreshExpiresIn) || refreshExpiresIn < 604_800 || refreshExpiresIn > 7_776_000) {
      return {
        status: 400,
        body: {
          error: 'invalid_request',
          error_description: 'refresh_token_expires_in must be between 604800 and 7776000',
        },
      };
    }
    this.rotations++;
    const prevAccess = this.access.get(current.accessToken);
    this.access.delete(current.accessToken);
    this.refresh.delete(current.token);
    const accessToken = this.mint('access');
    const refreshToken = this.mint('refresh');
    this.access.set(accessToken, {
      id: 1 + this.rotations,
      token: accessToken,
      createdAt: now,
      expiresAt: now + expiresIn,
      scopes: prevAccess?.scopes ?? this.scopes,
      refreshToken,
    });
    this.refresh.set(refreshToken, { token: refreshToken, accessToken, expiresAt: now + refreshExpiresIn });
    return {
      status: 200,
      body: {
        access_token: accessToken,
        token_type: 'bearer',
        scope: (prevAccess?.scopes ?? this.scopes).join(' '),
        expires_in: expiresIn,
        refresh_token: refreshToken,
        refresh_token_expires_in: refreshExpiresIn,
      },
    };
  }

  /** Body of GET /api/v2/oauth/tokens/current.json. */
  describe(token: AccessToken, base: string, userId: number): Record<string, unknown> {
    const refresh = token.refreshToken ? this.refresh.get(token.refreshToken) : undefined;
    return {
      token: {
        url: `${base}/api/v2/oauth/tokens/${token.id}.json`,
        id: token.id,
        user_id: userId,
        client_id: 1,
        token: token.token.slice(0, 10),
        refresh_token: null,
        created_at: iso(token.createdAt),
        expires_at: token.expiresAt === null ? null : iso(token.expiresAt),
        used_at: iso(token.createdAt),
        scopes: token.scopes,
        refresh_token_expires_at: refresh ? iso(refresh.expiresAt) : null,
      },
    };
  }
}
