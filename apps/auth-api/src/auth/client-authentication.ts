import { ProblemError, retryAfterSeconds } from '../http/problem-error';
import type { FailureThrottle } from './failure-throttle';

/** A service's HTTP Basic client credentials. */
export interface ClientCredentials {
  readonly id: string;
  readonly secret: string;
}

/**
 * Authenticates a service client (introspection now; the /authorize route will call it with its
 * own clients and the same throttle) behind the client throttle: INTROSPECTION_MAX_FAILURES wrong
 * secrets for one client id from one address within INTROSPECTION_FAILURE_WINDOW_S, and the pair is
 * refused (429 client_throttled, Retry-After) until the window ends, even with the right secret.
 * Unknown ids count like wrong secrets, so the answer never tells them apart. The pair is the
 * subject, so an attacker elsewhere cannot lock a real client out, and the address is the one
 * TRUST_PROXY resolves. Resolves when the client is authenticated; otherwise throws the problem
 * (`invalid`, built by the route, for wrong credentials).
 */
export async function authenticateClient(
  throttle: FailureThrottle,
  verify: (id: string, secret: string) => Promise<boolean>,
  { id, secret }: ClientCredentials,
  address: string,
  invalid: () => ProblemError,
): Promise<void> {
  const throttled = throttle.check(id, address);
  if (throttled.throttled) {
    const seconds = retryAfterSeconds(throttled.retryAfterMs);
    throw new ProblemError(
      'client_throttled',
      `too many failed authentications of this client from ${address}; try again in ${seconds} s`,
      { retry_after: seconds },
      { 'Retry-After': String(seconds) },
    );
  }
  if (await verify(id, secret)) return;
  await throttle.recordFailure(id, address);
  throw invalid();
}
