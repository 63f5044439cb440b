import fc from 'fast-check';
import type { RequestSpec } from './http-load';
import { authPath, authorization, body, contentType, headerText, tokenish } from './hostile-values';

/** A request sent through Node's HTTP client, or as raw bytes (see raw-http.ts). */
export type HostileRequest =
  | { readonly lane: 'http'; readonly spec: RequestSpec }
  | { readonly lane: 'raw'; readonly spec: RequestSpec; readonly bytes: Buffer };

export interface HostileContext {
  /** Tokens of live sessions (some requests use them, or mutations of them). */
  readonly realTokens: readonly string[];
  /** Valid Authorization values (a user's Basic, the introspection client's Basic). */
  readonly validAuthorizations: readonly string[];
}

const method = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('GET', 'POST', 'DELETE') },
  { weight: 2, arbitrary: fc.constantFrom('PUT', 'PATCH', 'HEAD', 'OPTIONS') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('PROPFIND', 'PURGE', 'SEARCH', 'MKCOL', 'LOCK', 'REPORT', 'TRACE'),
  },
);

interface HttpParts {
  readonly method: string;
  readonly path: string;
  readonly authorization?: string;
  readonly xAuthToken?: string | readonly [string, string];
  readonly contentType?: string;
  readonly contentEncoding?: string;
  readonly requestId?: string;
  readonly body?: string | Buffer;
}

function toSpec(parts: HttpParts): HostileRequest {
  const headers: Record<string, string | string[]> = {};
  if (parts.authorization !== undefined) headers['Authorization'] = parts.authorization;
  if (parts.xAuthToken !== undefined)
    headers['X-auth-token'] = typeof parts.xAuthToken === 'string' ? parts.xAuthToken : [...parts.xAuthToken];
  if (parts.contentType !== undefined) headers['Content-Type'] = parts.contentType;
  if (parts.contentEncoding !== undefined) headers['Content-Encoding'] = parts.contentEncoding;
  if (parts.requestId !== undefined) headers['X-Request-Id'] = parts.requestId;
  // Node's client cannot send a HEAD body (RFC 9110 §9.3.2: it has no meaning); the raw lane can.
  const body = parts.method === 'HEAD' ? undefined : parts.body;
  const spec: RequestSpec = {
    label: 'http',
    method: parts.method,
    path: parts.path,
    headers,
    ...(body !== undefined ? { body } : {}),
  };
  return { lane: 'http', spec };
}

/**
 * Requests through Node's client, in four shapes so that every handler is reached, not only the
 * router: token routes with token headers of every shape, introspection by the real client with
 * random bodies and content types, logins with random Basic credentials, and anything at all.
 */
function httpRequest(context: HostileContext): fc.Arbitrary<HostileRequest> {
  const token = tokenish(context.realTokens);
  const auth = authorization(context.realTokens, context.validAuthorizations);
  const xAuthToken = fc.oneof(
    { weight: 4, arbitrary: token },
    { weight: 1, arbitrary: fc.tuple(token, token) },
  );
  const contentEncoding = fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown');
  const requestId = headerText(80);
  const payload = body(context.realTokens);
  const optional = { requiredKeys: ['method', 'path'] as ['method', 'path'] };
  const tokenRoutes = fc.record(
    {
      method: fc.constantFrom('GET', 'GET', 'DELETE', 'HEAD'),
      path: authPath,
      authorization: token.map((t) => `Bearer ${t}`),
      xAuthToken,
      requestId,
    },
    optional,
  );
  const introspection = fc.record(
    {
      method: fc.constant('POST'),
      path: fc.constantFrom(
        '/api/v1/auth/introspect',
        '/api/v1/auth/introspect?token=x',
        '/API/v1/auth/introspect',
      ),
      authorization: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...context.validAuthorizations) },
        { weight: 1, arbitrary: auth },
      ),
      contentType,
      contentEncoding,
      body: payload,
    },
    { requiredKeys: ['method', 'path', 'authorization'] },
  );
  const login = fc.record(
    {
      method: fc.constant('POST'),
      path: fc.constantFrom(
        '/api/v1/auth/token-services',
        '/api/v1/auth/token-services/',
        '/api/v1/auth/token-services?x=1',
      ),
      authorization: auth,
      xAuthToken,
      contentType,
      body: payload,
    },
    optional,
  );
  const anything = fc.record(
    {
      method,
      path: authPath,
      authorization: auth,
      xAuthToken,
      contentType,
      contentEncoding,
      requestId,
      body: payload,
    },
    optional,
  );
  return fc
    .oneof(
      { weight: 3, arbitrary: tokenRoutes },
      { weight: 3, arbitrary: introspection },
      { weight: 2, arbitrary: login },
      { weight: 3, arbitrary: anything },
    )
    .map((parts) => toSpec(parts as HttpParts));
}

/** Header lines Node's client would refuse: control bytes, raw UTF-8, bad names, folding, huge. */
const rawHeaderLine = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('X-auth-token', 'Authorization', 'Content-Type', 'X-Request-Id'),
      fc.string({
        unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)),
        maxLength: 60,
      }),
    )
    .map(([name, value]) => `${name}: ${value.replace(/[\r\n]/g, '')}`),
  fc.string({ unit: 'grapheme', maxLength: 40 }).map((t) => `X-auth-token: ${t}`),
  fc.constantFrom(
    'X auth-token: x',
    ': empty-name',
    'X-auth-token:',
    'X-auth-token: sd1.a\r\n b',
    'Authorization: Bearer\u0000sd1',
    'Authorization: Basic \u00e9\u00e9',
    'Content-Length: 5\r\nContent-Length: 6',
    'Transfer-Encoding: chunked\r\nContent-Length: 3',
    'Transfer-Encoding: gzip, chunked',
    'Transfer-Encoding: chunked',
    'Expect: 100-continue',
    'Upgrade: h2c\r\nConnection: Upgrade',
  ),
  fc.constantFrom(15_000, 16_300, 17_000, 40_000).map((size) => `X-auth-token: ${'a'.repeat(size)}`),
);

function rawRequest(context: HostileContext): fc.Arbitrary<HostileRequest> {
  return fc
    .record({
      method: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('GET', 'POST', 'DELETE') },
        { weight: 2, arbitrary: fc.constantFrom('FOO', 'get', 'PRI', 'CONNECT', 'M-SEARCH', 'G\u0000T', '') },
      ),
      target: fc.oneof(
        { weight: 4, arbitrary: authPath },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            '/api/v1/auth/token-services/a b',
            '/api/v1/auth/\u0000',
            '/api/v1/auth/token-services/\u00e9',
            '*',
            'http://127.0.0.1/api/v1/auth/introspect',
            '',
            'api/v1/auth',
          ),
        },
      ),
      version: fc.oneof(
        { weight: 6, arbitrary: fc.constant('HTTP/1.1') },
        {
          weight: 1,
          arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/1.2', 'HTTP/0.9', 'HTTP/1.1 x', ''),
        },
      ),
      headers: fc.array(rawHeaderLine, { maxLength: 3 }),
      authorization: fc.option(authorization(context.realTokens, context.validAuthorizations)),
      body: fc.option(body(context.realTokens)),
      bodyLength: fc.constantFrom('exact', 'exact', 'exact', 'short', 'long', 'none'),
      eol: fc.constantFrom('\r\n', '\r\n', '\r\n', '\n'),
    })
    .map((r) => {
      const payload = r.body === null ? Buffer.alloc(0) : Buffer.from(r.body);
      const length = {
        exact: payload.length,
        short: Math.max(0, payload.length - 1),
        long: payload.length + 10,
      };
      const lines = [
        `${r.method} ${r.target} ${r.version}`,
        'Host: 127.0.0.1',
        ...(r.authorization === null ? [] : [`Authorization: ${r.authorization}`]),
        ...r.headers,
        ...(r.bodyLength === 'none' ? [] : [`Content-Length: ${length[r.bodyLength]}`]),
        'Connection: close',
      ];
      const head = Buffer.from(`${lines.join(r.eol)}${r.eol}${r.eol}`, 'latin1');
      const spec: RequestSpec = { label: 'raw', method: r.method, path: r.target, headers: {} };
      return { lane: 'raw' as const, spec, bytes: Buffer.concat([head, payload]) };
    });
}

/** 9 in 10 through Node's client (keep-alive), 1 in 10 as raw bytes. */
export function hostileRequest(context: HostileContext): fc.Arbitrary<HostileRequest> {
  return fc.oneof(
    { weight: 9, arbitrary: httpRequest(context) },
    { weight: 1, arbitrary: rawRequest(context) },
  );
}
