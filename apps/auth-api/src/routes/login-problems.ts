import type { LocalOverloadedError } from '../aaa/local/errors';
import { ProblemError, retryAfterSeconds } from '../http/problem-error';

/** 429 login_throttled: `scope` says which count reached its limit (the OpenAPI LoginThrottledProblem). */
export function throttledProblem(
  scope: 'user' | 'address',
  address: string,
  retryAfterMs: number,
): ProblemError {
  const seconds = retryAfterSeconds(retryAfterMs);
  const why =
    scope === 'user'
      ? `too many failed logins for this user from ${address} (LOGIN_MAX_FAILURES)`
      : `too many failed logins from ${address}, whatever the username (LOGIN_MAX_FAILURES_PER_ADDRESS)`;
  return new ProblemError(
    'login_throttled',
    `${why}; try again in ${seconds} s`,
    { retry_after: seconds, scope },
    { 'Retry-After': String(seconds) },
  );
}

/** 503 aaa_overloaded: the local method's queue was full, or the deadline passed first. */
export function overloadedProblem(error: LocalOverloadedError): ProblemError {
  const seconds = retryAfterSeconds(error.retryAfterMs);
  return new ProblemError(
    'aaa_overloaded',
    error.reason === 'queue-full'
      ? `too many local password checks are waiting (LOCAL_HASH_QUEUE_MAX); try again in ${seconds} s`
      : `the login's AAA deadline (AAA_DEADLINE_MS) passed before its local password check gave a verdict; try again in ${seconds} s`,
    { retry_after: seconds },
    { 'Retry-After': String(seconds) },
  );
}
