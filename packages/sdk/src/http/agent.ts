/**
 * The connection pool behind a client: one undici agent with keep-alive and the configured
 * timeouts, through a proxy when one is configured or set in the environment, plus streaming
 * decompression of response bodies.
 */

import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Dispatcher } from 'undici';

/**
 * undici is loaded on first use (it takes ~0.2 s to load): targets and mappers import the SDK's
 * entry point but never speak HTTP, and their start-up time counts on every run. It is resolved from
 * the SDK's own package, which depends on it, also when this code runs bundled into a connector's CLI.
 */
export function loadUndici(): typeof import('undici') {
  undici ??= createRequire(import.meta.resolve('@singer-ts/sdk/package.json'))(
    'undici',
  ) as typeof import('undici');
  return undici;
}
let undici: typeof import('undici') | undefined;

import { headerValue, type ResponseHeaders } from './retry-after.js';

export interface HttpTimeouts {
  /** TCP + TLS connect; 10 s unless set. */
  connectMs?: number;
  /** From sending the request to the response headers; 120 s unless set. */
  headersMs?: number;
  /** Longest silence between two body chunks (not the whole body); 120 s unless set. */
  bodyMs?: number;
}

export interface AgentOptions {
  timeouts?: HttpTimeouts;
  /** Proxy URL; otherwise `HTTPS_PROXY` / `HTTP_PROXY` (with `NO_PROXY`) from the environment. */
  proxy?: string;
  /** Idle keep-alive connections are kept this long; 30 s unless set. */
  keepAliveMs?: number;
  /** Connections per origin; unlimited unless set (the rate limiter is the usual brake). */
  connectionsPerOrigin?: number;
}

export function decompress(body: Readable, headers: ResponseHeaders): AsyncIterable<Buffer | Uint8Array> {
  const encoding = headerValue(headers, 'content-encoding')?.trim().toLowerCase();
  const make =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip
      : encoding === 'deflate'
        ? createInflate
        : encoding === 'br'
          ? createBrotliDecompress
          : undefined;
  if (make === undefined) return body;
  return pipeline(body, make(), () => undefined);
}

export function buildAgent(options: AgentOptions, addSecrets: (values: string[]) => void): Dispatcher {
  const timeouts = options.timeouts ?? {};
  const agentOptions = {
    connect: { timeout: timeouts.connectMs ?? 10_000 },
    headersTimeout: timeouts.headersMs ?? 120_000,
    bodyTimeout: timeouts.bodyMs ?? 120_000,
    keepAliveTimeout: options.keepAliveMs ?? 30_000,
    ...(options.connectionsPerOrigin === undefined ? {} : { connections: options.connectionsPerOrigin }),
  };
  const proxy = options.proxy;
  const envProxy =
    process.env.HTTPS_PROXY ?? process.env.https_proxy ?? process.env.HTTP_PROXY ?? process.env.http_proxy;
  for (const value of [proxy, envProxy]) {
    if (!value) continue;
    try {
      const password = decodeURIComponent(new URL(value).password);
      if (password) addSecrets([password]);
    } catch {
      // An unparsable proxy URL is reported by undici when it is used.
    }
  }
  const { Agent, EnvHttpProxyAgent, ProxyAgent } = loadUndici();
  if (proxy) return new ProxyAgent({ ...agentOptions, uri: proxy });
  if (envProxy) return new EnvHttpProxyAgent(agentOptions);
  return new Agent(agentOptions);
}
