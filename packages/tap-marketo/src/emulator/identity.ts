import { hashString, seededHash } from '@singer-ts/sdk/testing';
import { HttpFailure, MarketoFailure } from './envelope.js';

/** A LaunchPoint custom service and its API-only user; the role decides what the token may read. */
export interface ApiClient {
  clientId: string;
  clientSecret: string;
  /** The API-only user (reported by stats/usage and as the token's scope). */
  user: string;
  /** Role permissions; a missing one answers 603. Default all true. */
  readLead?: boolean;
  readActivity?: boolean;
  readAssets?: boolean;
}

export const DEFAULT_CLIENTS: readonly ApiClient[] = [
  { clientId: 'emulator-client-id', clientSecret: 'emulator-client-secret', user: 'api.user@example.com' },
];

interface Token {
  clientId: string;
  expiresAt: number;
}

/**
 * The identity service: client-credential tokens that live `lifetimeSeconds` (3600). Asking again before
 * expiry returns the same token with a smaller `expires_in`; only after expiry is a new one issued.
 */
export class Identity {
  private readonly tokens = new Map<string, Token>();
  private readonly current = new Map<string, string>();
  private issued = 0;

  constructor(
    private readonly clients: ApiClient[],
    private readonly seed: number,
    public lifetimeSeconds = 3600,
  ) {}

  client(clientId: string): ApiClient | undefined {
    return this.clients.find((c) => c.clientId === clientId);
  }

  issue(clientId: unknown, clientSecret: unknown, now: number): Record<string, unknown> {
    const client = typeof clientId === 'string' ? this.client(clientId) : undefined;
    if (!client || client.clientSecret !== clientSecret) {
      throw new HttpFailure(401, { error: 'invalid_client', error_description: 'Bad client credentials' });
    }
    let token = this.current.get(client.clientId);
    const live = token === undefined ? undefined : this.tokens.get(token);
    if (!live || live.expiresAt <= now) {
      this.issued += 1;
      const h = (k: number) =>
        seededHash(this.seed ^ hashString(client.clientId), this.issued, k)
          .toString(16)
          .padStart(8, '0');
      const hex = `${h(1)}${h(2)}${h(3)}${h(4)}`;
      token = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}:ab`;
      this.tokens.set(token, { clientId: client.clientId, expiresAt: now + this.lifetimeSeconds * 1000 });
      this.current.set(client.clientId, token);
    }
    const expiresAt = (this.tokens.get(token as string) as Token).expiresAt;
    return {
      access_token: token,
      token_type: 'bearer',
      expires_in: Math.max(0, Math.ceil((expiresAt - now) / 1000) - 1),
      scope: client.user,
    };
  }

  /** The client a token belongs to; 601 for an unknown token, 602 for an expired one. */
  authenticate(token: string | undefined, now: number): ApiClient {
    const t = token === undefined ? undefined : this.tokens.get(token);
    if (!t) throw new MarketoFailure('601');
    if (t.expiresAt <= now) throw new MarketoFailure('602');
    return this.client(t.clientId) as ApiClient;
  }

  /** Ends every live token now (the next data call gets 602; identity then issues a new one). */
  expireAll(now: number): void {
    for (const t of this.tokens.values()) if (t.expiresAt > now) t.expiresAt = now;
  }

  liveTokens(now: number): string[] {
    return [...this.tokens.entries()].filter(([, t]) => t.expiresAt > now).map(([k]) => k);
  }
}
