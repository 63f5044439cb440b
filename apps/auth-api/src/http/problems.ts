/**
 * Every error the API returns, by stable `code` (../shared/spec/http-api.md, "Errors"): the one
 * table that maps a code to its HTTP status. Clients switch on `code`; `type` is a URN naming it.
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
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  not_found: { status: 404, title: 'Not found' },
  internal_error: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string; challenge?: Challenge }>;

export type ProblemCode = keyof typeof PROBLEMS;

type Challenge = 'basic' | 'basic-introspect' | 'bearer' | 'bearer-invalid';

/** RFC 9110 §11.6.1: every 401 names how to authenticate. */
export const CHALLENGES: Record<Challenge, string> = {
  basic: 'Basic realm="sessiond", charset="UTF-8"',
  'basic-introspect': 'Basic realm="sessiond-introspect", charset="UTF-8"',
  bearer: 'Bearer realm="sessiond"',
  'bearer-invalid': 'Bearer realm="sessiond", error="invalid_token"',
};

export function problemType(code: ProblemCode): string {
  return `urn:sessiond:problem:${code}`;
}
