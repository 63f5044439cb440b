export type ThrottleCheck =
  { readonly throttled: false } | { readonly throttled: true; readonly retryAfterMs: number };

/** Keys remembered at most per limit (oldest forgotten first): random names or ids cannot grow it. */
const MAX_REMEMBERED = 10_000;

/**
 * The keys this process saw reach a limit, each until its window ends: refused without a Redis call.
 * Bounded, so an attacker's random names forget the oldest key; a forgotten key that is still over
 * its limit is learnt again at its next failure.
 */
export class ThrottledKeys {
  private readonly until = new Map<string, number>();

  /** No key is held: callers can skip building one (the usual case, checked on every request). */
  get empty(): boolean {
    return this.until.size === 0;
  }

  check(key: string): ThrottleCheck {
    const until = this.until.get(key);
    if (until === undefined) return { throttled: false };
    const left = until - Date.now();
    if (left > 0) return { throttled: true, retryAfterMs: left };
    this.until.delete(key);
    return { throttled: false };
  }

  /** An admin unlocked the key: refused no longer (until it reaches its limit again). */
  forget(key: string): void {
    this.until.delete(key);
  }

  remember(key: string, retryAfterMs: number): void {
    this.until.delete(key);
    this.until.set(key, Date.now() + retryAfterMs);
    if (this.until.size > MAX_REMEMBERED) {
      const oldest = this.until.keys().next().value;
      if (oldest !== undefined) this.until.delete(oldest);
    }
  }
}
