/**
 * Authenticators put credentials on a request: HTTP basic, a static bearer token or API key (header
 * or query), and OAuth 2 (client credentials or refresh token) with expiry tracking, refresh ahead
 * of expiry, and a fresh token after a 401. Each one lists its secrets so the client masks them in
 * every log line, metric and error.
 */
import { AuthenticationError, HttpError } from '../errors.js';
import type { HttpRequest, JsonResponse, PreparedRequest } from './types.js';

/** What the client lends an authenticator: requests to token endpoints, without authentication. */
export interface AuthContext {
  /** Sends `request` with the client's retries but no credentials; the body parsed as JSON. */
  fetchJson(request: HttpRequest): Promise<JsonResponse>;
}

export interface Authenticator {
  /** Adds credentials to the request, fetching or refreshing a token first when needed. */
  authenticate(request: PreparedRequest, context: AuthContext): void | Promise<void>;
  /**
   * After a 401 (or a vendor's "token expired") to `failed`: forgets cached credentials. True when new
   * ones may help, and the client then retries once.
   */
  invalidate?(failed?: PreparedRequest): boolean;
  /** Values to mask everywhere (passwords, keys, tokens); read again after each `authenticate`. */
  secrets(): readonly string[];
}

export class BasicAuthenticator implements Authenticator {
  private readonly header: string;
  constructor(
    username: string,
    private readonly password: string,
  ) {
    this.header = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
  }
  authenticate(request: PreparedRequest): void {
    request.headers.authorization = `Basic ${this.header}`;
  }
  secrets(): readonly string[] {
    return [this.password, this.header];
  }
}

export interface StaticKeyOptions {
  /** Header name (`x-api-key`) or query parameter name (`api_key`). */
  name: string;
  value: string;
  /** `header` unless set. */
  in?: 'header' | 'query';
  /** Written before the value in a header, with a space (`Bearer`, `Token`). */
  prefix?: string;
}

/** An API key or static token, in a header or the query string. */
export class ApiKeyAuthenticator implements Authenticator {
  constructor(private readonly options: StaticKeyOptions) {}
  authenticate(request: PreparedRequest): void {
    const { name, value, prefix } = this.options;
    if (this.options.in === 'query') request.url.searchParams.set(name, value);
    else request.headers[name.toLowerCase()] = prefix ? `${prefix} ${value}` : value;
  }
  secrets(): readonly string[] {
    return [this.options.value];
  }
}

/** `Authorization: Bearer <token>` with a token that does not expire. */
export class BearerTokenAuthenticator extends ApiKeyAuthenticator {
  constructor(token: string) {
    super({ name: 'authorization', value: token, prefix: 'Bearer' });
  }
}

export interface AccessToken {
  accessToken: string;
  /** Lifetime from now; the token is used until a 401 when absent. */
  expiresInSec?: number;
  /** A rotated refresh token, when the endpoint sends one. */
  refreshToken?: string;
}

export interface OAuth2Options {
  /** Token endpoint, relative to the base URL or absolute. */
  tokenUrl?: string;
  /** `refresh_token` when a refresh token is given, `client_credentials` otherwise. */
  grantType?: 'client_credentials' | 'refresh_token';
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  scope?: string;
  /** More parameters for the token request. */
  params?: Record<string, string>;
  /**
   * How the token request travels: `form` POSTs a form body (RFC 6749; Zuora), `basic` also sends
   * the client id and secret as HTTP basic, `query` GETs with the parameters in the query string
   * (Marketo's identity endpoint). `form` unless set.
   */
  tokenRequest?: 'form' | 'basic' | 'query';
  /** Full control over obtaining a token, for endpoints the options above do not cover. */
  requestToken?: (context: AuthContext) => Promise<AccessToken>;
  /** Refresh this long before expiry (at most half the lifetime); 60 s unless set. */
  refreshMarginMs?: number;
  /** Where the token goes: `Authorization: Bearer` unless a query parameter name is given. */
  queryParam?: string;
  /** Called when the endpoint rotates the refresh token, so the tap can keep the new one. */
  onRefreshToken?: (refreshToken: string) => void;
  /** Clock, for tests. */
  now?: () => number;
}

/** OAuth 2 access tokens: fetched on first use, refreshed ahead of expiry and after a 401. */
export class OAuth2Authenticator implements Authenticator {
  private token: string | undefined;
  private refreshAt = Infinity;
  private pending: Promise<void> | undefined;
  private refreshToken: string | undefined;
  private readonly now: () => number;
  /** Tokens fetched so far, for tests and debug logs. */
  tokensFetched = 0;

  constructor(private readonly options: OAuth2Options) {
    if (options.requestToken === undefined && options.tokenUrl === undefined)
      throw new RangeError('OAuth2Authenticator needs a tokenUrl or a requestToken function');
    this.refreshToken = options.refreshToken;
    this.now = options.now ?? Date.now;
  }

  async authenticate(request: PreparedRequest, context: AuthContext): Promise<void> {
    if (this.token === undefined || this.now() >= this.refreshAt) {
      this.pending ??= this.fetchToken(context).finally(() => {
        this.pending = undefined;
      });
      await this.pending;
    }
    const token = this.token!;
    if (this.options.queryParam !== undefined) request.url.searchParams.set(this.options.queryParam, token);
    else request.headers.authorization = `Bearer ${token}`;
  }

  /**
   * Forgets the token, unless the refused request carried an older one: requests in flight when a token
   * is revoked all come back 401, and only the first must fetch a new token (a vendor that rotates
   * refresh tokens would otherwise rotate once per request).
   */
  invalidate(failed?: PreparedRequest): boolean {
    if (failed !== undefined && this.token !== undefined && this.sentToken(failed) !== this.token)
      return true;
    this.token = undefined;
    return true;
  }

  private sentToken(request: PreparedRequest): string | undefined {
    if (this.options.queryParam !== undefined)
      return request.url.searchParams.get(this.options.queryParam) ?? undefined;
    return request.headers.authorization?.replace(/^Bearer /, '');
  }

  secrets(): readonly string[] {
    const values = [this.options.clientSecret, this.refreshToken, this.options.refreshToken, this.token];
    return values.filter((value): value is string => typeof value === 'string' && value !== '');
  }

  private async fetchToken(context: AuthContext): Promise<void> {
    const fetchedAt = this.now();
    let token: AccessToken | undefined;
    let body: unknown;
    try {
      if (this.options.requestToken) token = await this.options.requestToken(context);
      else body = (await context.fetchJson(this.tokenRequest())).body;
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new AuthenticationError(
        `could not obtain an OAuth access token: ${detail}`,
        { status: error instanceof HttpError ? error.status : undefined },
        { cause: error },
      );
    }
    token ??= readTokenResponse(body);
    this.token = token.accessToken;
    this.tokensFetched += 1;
    if (token.refreshToken !== undefined && token.refreshToken !== this.refreshToken) {
      this.refreshToken = token.refreshToken;
      this.options.onRefreshToken?.(token.refreshToken);
    }
    if (token.expiresInSec === undefined || !(token.expiresInSec > 0)) {
      this.refreshAt = Infinity;
      return;
    }
    const lifetimeMs = token.expiresInSec * 1000;
    const margin = Math.min(this.options.refreshMarginMs ?? 60_000, lifetimeMs / 2);
    this.refreshAt = fetchedAt + lifetimeMs - margin;
  }

  private tokenRequest(): HttpRequest {
    const { clientId, clientSecret, scope } = this.options;
    const grantType = this.options.grantType ?? (this.refreshToken ? 'refresh_token' : 'client_credentials');
    const mode = this.options.tokenRequest ?? 'form';
    const params: Record<string, string | undefined> = {
      grant_type: grantType,
      ...(mode === 'basic' ? {} : { client_id: clientId, client_secret: clientSecret }),
      ...(grantType === 'refresh_token' ? { refresh_token: this.refreshToken } : {}),
      scope,
      ...this.options.params,
    };
    const url = this.options.tokenUrl!;
    if (mode === 'query') return { method: 'GET', url, query: params, endpoint: 'oauth_token' };
    const headers: Record<string, string> = {};
    if (mode === 'basic') {
      const basic = Buffer.from(`${clientId ?? ''}:${clientSecret ?? ''}`, 'utf8').toString('base64');
      headers.authorization = `Basic ${basic}`;
    }
    return { method: 'POST', url, form: params, headers, endpoint: 'oauth_token' };
  }
}

/** Reads an RFC 6749 token response (`access_token`, `expires_in`, `refresh_token`). */
export function readTokenResponse(body: unknown): AccessToken {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const accessToken = record.access_token;
  // The body itself is never quoted: it holds the very secrets this error must not show.
  if (typeof accessToken !== 'string' || accessToken === '')
    throw new AuthenticationError(
      'could not obtain an OAuth access token: the token endpoint answered without an access_token',
    );
  const expiresIn = Number(record.expires_in);
  const refreshToken = record.refresh_token;
  return {
    accessToken,
    ...(Number.isFinite(expiresIn) && expiresIn > 0 ? { expiresInSec: expiresIn } : {}),
    ...(typeof refreshToken === 'string' && refreshToken !== '' ? { refreshToken } : {}),
  };
}
