import type { SessionStore } from '@sessiond/session-store';

export type ThrottleCheck =
  { readonly throttled: false } | { readonly throttled: true; readonly retryAfterMs: number };

/** Pairs remembered at most (oldest forgotten first): an attacker's random names cannot grow it. */
const MAX_REMEMBERED = 10_000;

/**
 * Failed logins per user and source address (LOGIN_MAX_FAILURES within LOGIN_FAILURE_WINDOW_S,
 * counted from the first failure). The count lives in Redis under the user's hash tag: an AAA
 * reject adds one (one script), and the login's create script refuses a throttled pair and clears
 * the count on success, in the same round trip as the session limit. So that a throttled pair stops
 * reaching the AAA servers (and their own lockout counters), this process remembers the pairs it
 * saw throttled and refuses them before AAA without asking Redis; with several replicas, each may
 * let one more attempt through to AAA before it learns. Timeouts and limit refusals never count.
 */
export class LoginThrottle {
  private readonly throttledUntil = new Map<string, number>();

  constructor(
    private readonly store: SessionStore,
    private readonly options: { readonly maxFailures: number; readonly windowMs: number },
  ) {}

  /** What create() needs to enforce the throttle (0: off). */
  get maxFailures(): number {
    return this.options.maxFailures;
  }

  /** Before AAA: refuses a pair this process saw throttled. No Redis call. */
  check(username: string, address: string): ThrottleCheck {
    const key = pairKey(username, address);
    const until = this.throttledUntil.get(key);
    if (until === undefined) return { throttled: false };
    const left = until - Date.now();
    if (left > 0) return { throttled: true, retryAfterMs: left };
    this.throttledUntil.delete(key);
    return { throttled: false };
  }

  /** After an AAA reject: counts the failure (one Redis script) and remembers a pair it throttles. */
  async recordFailure(username: string, address: string): Promise<void> {
    if (this.options.maxFailures === 0) return;
    const { failures, windowEndsInMs } = await this.store.recordLoginFailure(
      username,
      address,
      this.options.windowMs,
    );
    if (failures >= this.options.maxFailures) this.remember(username, address, windowEndsInMs);
  }

  /** Remembers a pair the store refused as throttled. */
  remember(username: string, address: string, retryAfterMs: number): void {
    const key = pairKey(username, address);
    this.throttledUntil.delete(key);
    this.throttledUntil.set(key, Date.now() + retryAfterMs);
    if (this.throttledUntil.size > MAX_REMEMBERED) {
      const oldest = this.throttledUntil.keys().next().value;
      if (oldest !== undefined) this.throttledUntil.delete(oldest);
    }
  }
}

function pairKey(username: string, address: string): string {
  return `${username}\0${address}`;
}
