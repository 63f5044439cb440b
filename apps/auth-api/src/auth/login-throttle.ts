import type { FailureKind, SessionStore } from '@sessiond/session-store';
import type { FailureThrottle } from './failure-throttle';
import { ThrottledKeys, type ThrottleCheck } from './throttled-keys';

export type { ThrottleCheck };

/**
 * Failed logins per user and source address (LOGIN_MAX_FAILURES within LOGIN_FAILURE_WINDOW_S,
 * counted from the first failure), in two separate counts:
 *
 * - `login`: rejects by the method that decided (a TACACS+ FAIL, a local reject when local is the
 *   primary method). The count lives in Redis under the user's hash tag; the login's create script
 *   refuses a throttled pair and clears the count on success, in the same round trip as the session
 *   limit. An AAA outage never adds to it.
 * - `fallback`: rejects by a fallback method (local break-glass users) while an earlier method was
 *   down. Checked only before asking the fallback during an outage, so brute force on break-glass
 *   accounts stays bounded, but it can never refuse a login the primary method decides: once
 *   TACACS+ is back, nobody is locked out by what happened during the outage.
 *
 * So that a throttled pair stops reaching the AAA servers (and their own lockout counters), this
 * process remembers the pairs it saw throttled and refuses them without asking Redis; with several
 * replicas, each may let one more attempt through before it learns. The limits per source address
 * across usernames are FailureThrottles (routes/login.ts).
 */
export class LoginThrottle {
  private readonly throttled: Record<FailureKind, ThrottledKeys> = {
    login: new ThrottledKeys(),
    fallback: new ThrottledKeys(),
  };

  constructor(
    private readonly store: SessionStore,
    private readonly options: { readonly maxFailures: number; readonly windowMs: number },
  ) {}

  /** What create() needs to enforce the throttle (0: off). */
  get maxFailures(): number {
    return this.options.maxFailures;
  }

  /** Before AAA (`login`), or before a fallback method (`fallback`). No Redis call. */
  check(username: string, address: string, kind: FailureKind = 'login'): ThrottleCheck {
    return this.throttled[kind].check(pairKey(username, address));
  }

  /** Counts a reject (one Redis script) and remembers a pair it throttles. */
  async recordFailure(username: string, address: string, kind: FailureKind = 'login'): Promise<void> {
    if (this.options.maxFailures === 0) return;
    const { failures, windowEndsInMs } = await this.store.recordLoginFailure(
      username,
      address,
      this.options.windowMs,
      kind,
    );
    if (failures >= this.options.maxFailures) this.remember(username, address, windowEndsInMs, kind);
  }

  /**
   * An admin unlocks the pair: both counts in Redis and what this process remembers (another
   * replica that saw the pair throttled refuses it until the window it remembers ends). Returns how
   * many counts existed in Redis.
   */
  async clear(username: string, address: string): Promise<number> {
    const key = pairKey(username, address);
    this.throttled.login.forget(key);
    this.throttled.fallback.forget(key);
    return this.store.clearLoginFailures(username, address);
  }

  /** Remembers a throttled pair (the store refused it, or a count reached the limit). */
  remember(username: string, address: string, retryAfterMs: number, kind: FailureKind = 'login'): void {
    this.throttled[kind].remember(pairKey(username, address), retryAfterMs);
  }
}

/**
 * Failed logins per source address across usernames (LOGIN_MAX_FAILURES_PER_ADDRESS within
 * LOGIN_FAILURE_WINDOW_S: password spraying), in two counts like the per-user ones: rejects by the
 * method that decided (`login`: at the limit the address gets 429 before AAA, whatever the username),
 * and rejects by the fallback during an AAA outage (`fallback`: at the limit the fallback is no longer
 * asked for that address during the outage; it never refuses a login the primary method decides).
 * One pair for the process (services.ts), so the login route and an admin's unlock share them.
 */
export interface AddressLimits {
  readonly login: FailureThrottle;
  readonly fallback: FailureThrottle;
}

function pairKey(username: string, address: string): string {
  return `${username}\0${address}`;
}
