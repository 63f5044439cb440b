/**
 * Every problem code of the HTTP contract (../shared/spec/http-api.md, "Errors"): the one table
 * that maps a code to its status, title and challenge. The auth-api answers with it, and
 * @sessiond/client's middleware answers with the same bodies. Clients switch on `code`.
 */
export const PROBLEMS = {
  credentials_missing: { status: 401, title: 'Credentials missing', challenge: 'basic' },
  invalid_request: { status: 400, title: 'Invalid request' },
  invalid_credentials: { status: 401, title: 'Invalid credentials', challenge: 'basic' },
  login_throttled: { status: 429, title: 'Too many failed logins' },
  insufficient_privilege: { status: 403, title: 'Insufficient privilege' },
  session_limit_reached: { status: 429, title: 'Session limit reached' },
  aaa_unavailable: { status: 503, title: 'Authentication service unavailable' },
  aaa_misconfigured: { status: 502, title: 'Authentication service misconfigured' },
  /**
   * The local method could not check the password in time: too many checks waiting for a hashing
   * thread (LOCAL_HASH_QUEUE_MAX), or the login's AAA deadline passed first. Retry after
   * `Retry-After`; never a 401.
   */
  aaa_overloaded: { status: 503, title: 'Authentication service overloaded' },
  session_store_unavailable: { status: 503, title: 'Session store unavailable' },
  token_missing: { status: 401, title: 'Token missing', challenge: 'bearer' },
  token_invalid: { status: 401, title: 'Token invalid or expired', challenge: 'bearer-invalid' },
  token_revoked: { status: 401, title: 'Token revoked', challenge: 'bearer-invalid' },
  session_evicted: {
    status: 401,
    title: 'Session evicted by the session limit',
    challenge: 'bearer-invalid',
  },
  session_lifetime_exceeded: { status: 401, title: 'Session lifetime exceeded', challenge: 'bearer-invalid' },
  session_not_found: { status: 404, title: 'Session not found' },
  forbidden: { status: 403, title: 'Forbidden' },
  invalid_client: {
    status: 401,
    title: 'Introspection client not authenticated',
    challenge: 'basic-introspect',
  },
  /** Too many failed client authentications of this client id from this address; even the right secret waits. */
  client_throttled: { status: 429, title: 'Too many failed client authentications' },
  /**
   * POST /authorize while no method that authorizes commands (TACACS+) is in AAA_METHODS: the
   * service cannot decide, so it says so instead of permitting or denying (issue 13).
   */
  command_authorization_unavailable: { status: 501, title: 'Command authorization not configured' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  not_found: { status: 404, title: 'Not found' },
  /** A route that exists, with a method it does not serve; `Allow` lists those it does. */
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  internal_error: { status: 500, title: 'Internal error' },
  /** Only @sessiond/client's middleware answers this one: it could not ask the auth-api. */
  sessiond_unavailable: { status: 503, title: 'Session service unavailable' },
  /**
   * TACACS+ did not authorize a command for the session's user: the auth-api's forward-auth with
   * `?command=tacacs` (issue 14), and the client middleware's route command (POST /authorize said
   * `permit: false`, issue 13; /authorize itself answers 200 with this code in its body).
   */
  command_denied: { status: 403, title: 'Command not authorized' },
} as const satisfies Record<string, { status: number; title: string; challenge?: Challenge }>;

export type ProblemCode = keyof typeof PROBLEMS;

/** The codes only @sessiond/client's middleware answers; the auth-api never does. */
export const CLIENT_PROBLEM_CODES = ['sessiond_unavailable'] as const satisfies readonly ProblemCode[];

/** The codes the auth-api answers. */
export type ServerProblemCode = Exclude<ProblemCode, (typeof CLIENT_PROBLEM_CODES)[number]>;

/** The codes the auth-api answers, in the order of PROBLEMS. */
export const SERVER_PROBLEM_CODES: readonly ServerProblemCode[] = (
  Object.keys(PROBLEMS) as ProblemCode[]
).filter(
  (code): code is ServerProblemCode => !(CLIENT_PROBLEM_CODES as readonly ProblemCode[]).includes(code),
);

export type Challenge = 'basic' | 'basic-introspect' | 'bearer' | 'bearer-invalid';

/** RFC 9110 §11.6.1: every 401 names how to authenticate (RFC 6750 §3 for Bearer). */
export const CHALLENGES: Readonly<Record<Challenge, string>> = {
  basic: 'Basic realm="sessiond", charset="UTF-8"',
  'basic-introspect': 'Basic realm="sessiond-introspect", charset="UTF-8"',
  bearer: 'Bearer realm="sessiond"',
  'bearer-invalid': 'Bearer realm="sessiond", error="invalid_token"',
};

/** The 401 codes a presented token can earn, with the `detail` both answerers send. */
export const TOKEN_REFUSALS = {
  token_invalid: 'the token is unknown or its session idled out; log in again',
  token_revoked: 'the session was logged out or revoked; log in again',
  session_evicted: 'a newer login of the same user ended this session (session limit, policy evict-oldest)',
  session_lifetime_exceeded: 'the session reached its absolute lifetime; log in again',
} as const satisfies Partial<Record<ProblemCode, string>>;

export type TokenRefusalCode = keyof typeof TOKEN_REFUSALS;

/** Other `detail` texts shared by the auth-api and the middleware, so their bodies are identical. */
export const DETAILS = {
  tokenConflict: 'X-auth-token and Authorization: Bearer carry different tokens',
  tokenMissing: 'send the token in X-auth-token (or Authorization: Bearer)',
  storeUnavailable: 'the session store (Redis) is not answering; retry shortly',
} as const;

export function problemType(code: ProblemCode): string {
  return `urn:sessiond:problem:${code}`;
}

/** The WWW-Authenticate value a problem carries, if any. */
export function challengeOf(code: ProblemCode): string | undefined {
  const spec: { status: number; challenge?: Challenge } = PROBLEMS[code];
  return spec.challenge === undefined ? undefined : CHALLENGES[spec.challenge];
}

/** The RFC 9457 body: type, title, status, detail, code, then the extension members. */
export function problemBody(
  code: ProblemCode,
  detail: string,
  extras: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  return {
    type: problemType(code),
    title: PROBLEMS[code].title,
    status: PROBLEMS[code].status,
    detail,
    code,
    ...extras,
  };
}
