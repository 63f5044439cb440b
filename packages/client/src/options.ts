import { InvalidOptionsError } from './errors';

export interface SessionClientOptions {
  /**
   * Where the auth-api listens, e.g. `https://sessiond.internal:8443` (a path prefix is kept, for a
   * reverse proxy that mounts it under one). http or https; no credentials, query or fragment.
   */
  readonly baseUrl: string | URL;
  /** Milliseconds for a whole request (connect, answer and body) except login (default 5000). */
  readonly timeoutMs?: number;
  /**
   * Milliseconds for a login (default 20000): a login waits for the AAA chain, which the auth-api
   * bounds with AAA_DEADLINE_MS (default 15 s), so keep this above it.
   */
  readonly loginTimeoutMs?: number;
  /** Introspection client id (INTROSPECTION_CLIENTS_FILE); needed by introspect() only. */
  readonly clientId?: string;
  /** Introspection client secret; give it with clientId. Never logged or echoed. */
  readonly clientSecret?: string;
  /** User-Agent header (default `sessiond-client`); the auth-api records it on sessions. */
  readonly userAgent?: string;
  /** Largest response body accepted, in bytes (default 1 MiB); larger is a sessiond_bad_response. */
  readonly maxResponseBytes?: number;
  /**
   * The fetch implementation (default Node's global fetch, whose undici agent keeps connections
   * alive). Pass undici's fetch bound to your own Agent for custom pools or TLS settings.
   */
  readonly fetch?: typeof fetch;
}

export interface ResolvedClientOptions {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly loginTimeoutMs: number;
  readonly credentials: { readonly id: string; readonly secret: string } | undefined;
  readonly userAgent: string;
  readonly maxResponseBytes: number;
  readonly fetch: typeof fetch;
}

export const CLIENT_DEFAULTS = Object.freeze({
  timeoutMs: 5000,
  loginTimeoutMs: 20_000,
  userAgent: 'sessiond-client',
  maxResponseBytes: 1024 * 1024,
});

const MAX_TIMEOUT_MS = 600_000;

/** Checks every option once, in the constructor; each error names its option. */
export function resolveClientOptions(options: SessionClientOptions): ResolvedClientOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionsError('options', 'expected an object with at least baseUrl');
  }
  const { clientId, clientSecret } = options;
  if (
    clientId !== undefined &&
    (typeof clientId !== 'string' || !/^[\x21-\x39\x3b-\x7e]{1,256}$/.test(clientId))
  ) {
    throw new InvalidOptionsError('clientId', 'must be 1-256 visible ASCII characters without a colon');
  }
  if (
    clientSecret !== undefined &&
    (typeof clientSecret !== 'string' || clientSecret === '' || clientSecret.length > 1024)
  ) {
    throw new InvalidOptionsError('clientSecret', 'must be a non-empty string of at most 1024 characters');
  }
  if ((clientId === undefined) !== (clientSecret === undefined)) {
    throw new InvalidOptionsError(
      clientId === undefined ? 'clientId' : 'clientSecret',
      'give clientId and clientSecret together',
    );
  }
  const userAgent = options.userAgent ?? CLIENT_DEFAULTS.userAgent;
  if (typeof userAgent !== 'string' || !/^[\x20-\x7e]{1,256}$/.test(userAgent)) {
    throw new InvalidOptionsError('userAgent', 'must be 1-256 printable ASCII characters');
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new InvalidOptionsError('fetch', 'must be a fetch function');
  return Object.freeze({
    baseUrl: resolveBaseUrl(options.baseUrl),
    timeoutMs: integer('timeoutMs', options.timeoutMs ?? CLIENT_DEFAULTS.timeoutMs, 1, MAX_TIMEOUT_MS),
    loginTimeoutMs: integer(
      'loginTimeoutMs',
      options.loginTimeoutMs ?? CLIENT_DEFAULTS.loginTimeoutMs,
      1,
      MAX_TIMEOUT_MS,
    ),
    credentials:
      clientId !== undefined && clientSecret !== undefined
        ? { id: clientId, secret: clientSecret }
        : undefined,
    userAgent,
    maxResponseBytes: integer(
      'maxResponseBytes',
      options.maxResponseBytes ?? CLIENT_DEFAULTS.maxResponseBytes,
      1024,
      256 * 1024 * 1024,
    ),
    fetch: fetchImpl,
  });
}

function resolveBaseUrl(value: unknown): string {
  let url: URL;
  try {
    url = new URL(value instanceof URL ? value.href : String(value));
  } catch {
    throw new InvalidOptionsError('baseUrl', 'must be an absolute http(s) URL such as http://sessiond:8080');
  }
  if (value === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new InvalidOptionsError('baseUrl', 'must be an absolute http(s) URL such as http://sessiond:8080');
  }
  if (url.username !== '' || url.password !== '') {
    throw new InvalidOptionsError('baseUrl', 'must not carry credentials (use clientId / clientSecret)');
  }
  if (url.search !== '' || url.hash !== '') {
    throw new InvalidOptionsError('baseUrl', 'must not have a query or a fragment');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function integer(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidOptionsError(name, `must be an integer from ${min} to ${max}`);
  }
  return value;
}
