// The wire facts of the operator console's admin routes (issue 16) that are not paths: the bounds
// of `GET /users?limit=` and the refusal causes of `GET /refusals`, with the one mapping from a
// refused login's problem code to its cause.
import type { ProblemCode } from './problems';

/** `GET /api/v1/auth/users?limit=N`: how many users, at least `min`, at most `max`. */
export const TOP_USERS_LIMIT = { min: 1, max: 100, default: 20 } as const;

/**
 * Why a login was refused, in the order `GET /refusals` lists them. `aaa_unavailable` is split by
 * its outage's status: a timeout is `aaa_timeout`, anything else `aaa_unreachable`.
 */
export const REFUSAL_CAUSES = [
  'invalid_credentials',
  'login_throttled',
  'session_limit_reached',
  'aaa_timeout',
  'aaa_unreachable',
  'aaa_misconfigured',
  'aaa_overloaded',
  'session_store_unavailable',
  'insufficient_privilege',
  'credentials_missing',
  'other',
] as const;

export type RefusalCause = (typeof REFUSAL_CAUSES)[number];

/** Problem codes that are their own cause (each is both: the compiler checks it). */
const SAME_NAME: ReadonlySet<string> = new Set([
  'invalid_credentials',
  'login_throttled',
  'session_limit_reached',
  'aaa_misconfigured',
  'aaa_overloaded',
  'session_store_unavailable',
  'insufficient_privilege',
  'credentials_missing',
] as const satisfies readonly (RefusalCause & ProblemCode)[]);

/**
 * The cause of a refused login: its problem code, with `aaa_unavailable` split by the status of
 * the outage (`aaa.outage.status` of the login's audit record); any other code is `other`.
 */
export function refusalCause(code: string, outageStatus?: string): RefusalCause {
  if (code === 'aaa_unavailable') return outageStatus === 'timeout' ? 'aaa_timeout' : 'aaa_unreachable';
  return SAME_NAME.has(code) ? (code as RefusalCause) : 'other';
}
