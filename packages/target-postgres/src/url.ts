/**
 * Checks the `url` setting before anything connects, so a malformed URL fails with what is wrong
 * with it instead of the driver's guess (node-postgres resolves a URL without a scheme against
 * `postgres://base` and reports `getaddrinfo ENOTFOUND base`; a bad port gives only `Invalid URL`).
 * The URL is never quoted: it may hold a password. Only its scheme and port number are named.
 */
import { ConfigError } from '@singer-ts/sdk';

const EXAMPLE = 'postgres://user:password@host:5432/database';
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
/** Schemes node-postgres reads: postgres(ql), optionally with a SQLAlchemy-style driver, and socket. */
const POSTGRES_SCHEME = /^(?:postgres|postgresql)(?:\+[A-Za-z0-9_]+)?$/i;
/** After the scheme and `//`: optional user info, then the host (or a bracketed IPv6) and its port. */
const AUTHORITY = /^[^:]+:\/\/(?:[^/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(?::([^/?#]*))?/;

function invalid(problem: string): ConfigError {
  return new ConfigError(`setting 'url' ${problem}`, { setting: 'url' });
}

export function checkPostgresUrl(url: string): void {
  const scheme = SCHEME.exec(url)?.[1];
  if (scheme === undefined) {
    throw invalid(
      `has no scheme: it must start with postgres:// or postgresql:// (${EXAMPLE}); is the ':' after 'postgres' missing?`,
    );
  }
  if (scheme.toLowerCase() === 'socket') return;
  if (!POSTGRES_SCHEME.test(scheme)) {
    throw invalid(`has scheme '${scheme}:', not postgres: or postgresql: (${EXAMPLE})`);
  }
  if (!url.startsWith('//', scheme.length + 1)) {
    throw invalid(`must have '//' after '${scheme}:' (${EXAMPLE})`);
  }
  const port = AUTHORITY.exec(url)?.[2];
  if (port !== undefined && port !== '') {
    if (!/^\d+$/.test(port)) {
      throw invalid(`has a port that is not a number (the text after the host's ':'); write it as host:5432`);
    }
    if (Number(port) < 1 || Number(port) > 65_535) {
      throw invalid(`has port ${Number(port)}, outside 1-65535`);
    }
  }
  try {
    new URL(url);
  } catch {
    throw invalid(
      `is not a valid URL (${EXAMPLE}); percent-encode characters such as @ : / # ? in the user name or ` +
        "password, or give the password in the 'password' setting",
    );
  }
}
