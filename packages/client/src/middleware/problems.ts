import type { ServerResponse } from 'node:http';

/**
 * The problems the middleware answers, with the auth-api's titles, statuses and challenges
 * (apps/auth-api/src/http/problems.ts) so that a client sees the same body from either. The one
 * code of its own is `sessiond_unavailable`: the auth-api could not be asked (introspection mode).
 */
export const MIDDLEWARE_PROBLEMS = {
  invalid_request: { status: 400, title: 'Invalid request' },
  token_missing: { status: 401, title: 'Token missing', challenge: 'bearer' },
  token_invalid: { status: 401, title: 'Token invalid or expired', challenge: 'bearer-invalid' },
  token_revoked: { status: 401, title: 'Token revoked', challenge: 'bearer-invalid' },
  session_evicted: {
    status: 401,
    title: 'Session evicted by the session limit',
    challenge: 'bearer-invalid',
  },
  session_lifetime_exceeded: { status: 401, title: 'Session lifetime exceeded', challenge: 'bearer-invalid' },
  insufficient_privilege: { status: 403, title: 'Insufficient privilege' },
  session_store_unavailable: { status: 503, title: 'Session store unavailable' },
  sessiond_unavailable: { status: 503, title: 'Session service unavailable' },
} as const satisfies Record<
  string,
  { status: number; title: string; challenge?: 'bearer' | 'bearer-invalid' }
>;

export type MiddlewareProblemCode = keyof typeof MIDDLEWARE_PROBLEMS;

/** The 401 codes a token can earn. */
export type TokenProblemCode =
  'token_invalid' | 'token_revoked' | 'session_evicted' | 'session_lifetime_exceeded';

/** RFC 9110 §11.6.1: every 401 names how to authenticate (RFC 6750 §3 for Bearer). */
const CHALLENGES = {
  bearer: 'Bearer realm="sessiond"',
  'bearer-invalid': 'Bearer realm="sessiond", error="invalid_token"',
} as const;

/** The auth-api's `detail` for each refusal, so that bodies are identical. */
export const DETAILS = {
  conflict: 'X-auth-token and Authorization: Bearer carry different tokens',
  token_missing: 'send the token in X-auth-token (or Authorization: Bearer)',
  token_invalid: 'the token is unknown or its session idled out; log in again',
  token_revoked: 'the session was logged out or revoked; log in again',
  session_evicted: 'a newer login of the same user ended this session (session limit, policy evict-oldest)',
  session_lifetime_exceeded: 'the session reached its absolute lifetime; log in again',
  session_store_unavailable: 'the session store (Redis) is not answering; retry shortly',
} as const satisfies Record<string, string>;

/** Writes an RFC 9457 problem+json response, like the auth-api's error handler. */
export function sendProblem(
  res: ServerResponse,
  code: MiddlewareProblemCode,
  detail: string,
  extras: Readonly<Record<string, unknown>> = {},
  headers: Readonly<Record<string, string>> = {},
): void {
  const spec: { status: number; title: string; challenge?: keyof typeof CHALLENGES } =
    MIDDLEWARE_PROBLEMS[code];
  const body = JSON.stringify({
    type: `urn:sessiond:problem:${code}`,
    title: spec.title,
    status: spec.status,
    detail,
    code,
    ...extras,
  });
  res.statusCode = spec.status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (spec.challenge !== undefined) res.setHeader('WWW-Authenticate', CHALLENGES[spec.challenge]);
  res.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
