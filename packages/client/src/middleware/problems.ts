import type { ServerResponse } from 'node:http';
import { PROBLEMS, challengeOf, problemBody, type TokenRefusalCode } from '@sessiond/protocol';

/**
 * The problems the middleware answers: the auth-api's codes, statuses, titles and challenges come
 * from @sessiond/protocol, so a client sees the same body from either. Codes of its own:
 * `sessiond_unavailable` (the auth-api could not be asked) and `command_denied` (a route's required
 * command was not authorized); `aaa_unavailable` passes on the auth-api's TACACS+ outage.
 */
const CODES = [
  'invalid_request',
  'token_missing',
  'token_invalid',
  'token_revoked',
  'session_evicted',
  'session_lifetime_exceeded',
  'insufficient_privilege',
  'session_store_unavailable',
  'sessiond_unavailable',
  'command_denied',
  'aaa_unavailable',
] as const;

export type MiddlewareProblemCode = (typeof CODES)[number];

/** The middleware's problems with their status and title (a view of @sessiond/protocol's table). */
export const MIDDLEWARE_PROBLEMS: Readonly<Record<MiddlewareProblemCode, { status: number; title: string }>> =
  Object.fromEntries(
    CODES.map((code) => [code, { status: PROBLEMS[code].status, title: PROBLEMS[code].title }]),
  ) as Record<MiddlewareProblemCode, { status: number; title: string }>;

/** The 401 codes a token can earn. */
export type TokenProblemCode = TokenRefusalCode;

/** Writes an RFC 9457 problem+json response, like the auth-api's error handler. */
export function sendProblem(
  res: ServerResponse,
  code: MiddlewareProblemCode,
  detail: string,
  extras: Readonly<Record<string, unknown>> = {},
  headers: Readonly<Record<string, string>> = {},
): void {
  const body = JSON.stringify(problemBody(code, detail, extras));
  res.statusCode = PROBLEMS[code].status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  const challenge = challengeOf(code);
  if (challenge !== undefined) res.setHeader('WWW-Authenticate', challenge);
  res.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
