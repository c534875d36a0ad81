/**
 * Zendesk OAuth with refresh tokens, as singer-io/tap-zendesk 2.8 does it: at start the configured
 * access token is inspected (`GET /api/v2/oauth/tokens/current.json`); one that is invalid or about
 * to expire is refreshed (`POST /oauth/tokens`, grant `refresh_token`) before any other request.
 * During the run the SDK's OAuth2Authenticator refreshes ahead of expiry and after a 401. Zendesk
 * rotates the pair (the old refresh token dies), so every new pair is handed to `onRotated`, which
 * writes it back to the config file; otherwise the next run could not authenticate.
 */
import {
  type AccessToken,
  type AuthContext,
  ConfigError,
  HttpError,
  type Logger,
  OAuth2Authenticator,
  readTokenResponse,
} from '@singer-ts/sdk';
import type { ZendeskConfig } from './config.js';

/** Refresh this long before expiry, during the run and at start. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export interface RotatedTokens {
  access_token: string;
  refresh_token: string;
}

/** Whether the config asks for refreshing OAuth (a refresh token); checks its companions are there. */
export function usesRefreshToken(config: ZendeskConfig): boolean {
  if (config.refresh_token === undefined || config.refresh_token === '') return false;
  const missing = (['client_id', 'client_secret'] as const).filter((key) => !config[key]);
  if (missing.length > 0)
    throw new ConfigError(
      `invalid config: refresh_token needs ${missing.map((key) => `'${key}'`).join(' and ')} (the OAuth client it was issued to)`,
      { setting: missing[0] },
    );
  return true;
}

export function refreshingAuthenticator(
  config: ZendeskConfig,
  origin: string,
  logger: Logger,
  onRotated: (tokens: RotatedTokens) => void,
  now: () => number = Date.now,
): OAuth2Authenticator {
  let refreshToken = config.refresh_token!;
  let inspected = false;
  const refresh = async (context: AuthContext): Promise<AccessToken> => {
    const response = await context.fetchJson({
      method: 'POST',
      url: `${origin}/oauth/tokens`,
      json: {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: config.client_id,
        client_secret: config.client_secret,
      },
      endpoint: '/oauth/tokens',
    });
    const token = readTokenResponse(response.body);
    if (token.refreshToken !== undefined) refreshToken = token.refreshToken;
    logger.info('OAuth access token refreshed');
    onRotated({ access_token: token.accessToken, refresh_token: refreshToken });
    return token;
  };
  return new OAuth2Authenticator({
    // Named here so both are masked in every log line and error.
    refreshToken,
    clientSecret: config.client_secret,
    refreshMarginMs: REFRESH_MARGIN_MS,
    now,
    requestToken: async (context) => {
      if (!inspected && config.access_token) {
        inspected = true;
        const current = await inspect(context, origin, config.access_token, logger, now);
        if (current !== undefined) return current;
      }
      inspected = true;
      return refresh(context);
    },
  });
}

/** The configured access token with its remaining lifetime, or undefined when it must be refreshed. */
async function inspect(
  context: AuthContext,
  origin: string,
  accessToken: string,
  logger: Logger,
  now: () => number,
): Promise<AccessToken | undefined> {
  let body: unknown;
  try {
    body = (
      await context.fetchJson({
        url: `${origin}/api/v2/oauth/tokens/current.json`,
        headers: { authorization: `Bearer ${accessToken}` },
        endpoint: '/oauth/tokens/current.json',
      })
    ).body;
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    logger.info(`the configured OAuth access token was refused (HTTP ${error.status}); refreshing it`);
    return undefined;
  }
  const token = typeof body === 'object' && body !== null ? Reflect.get(body, 'token') : undefined;
  const expiresAt =
    typeof token === 'object' && token !== null ? Reflect.get(token, 'expires_at') : undefined;
  // A token without expiry (a legacy token) is used until a 401.
  if (expiresAt === null || expiresAt === undefined) return { accessToken };
  const remainingMs = Date.parse(String(expiresAt)) - now();
  if (!(remainingMs > REFRESH_MARGIN_MS)) {
    logger.info('the configured OAuth access token expires within 5 minutes; refreshing it');
    return undefined;
  }
  return { accessToken, expiresInSec: remainingMs / 1000 };
}
