import type { FailureScope, SessionStore } from '@sessiond/session-store';
import type { Metrics } from '../metrics';
import { ThrottledKeys, type ThrottleCheck } from './throttled-keys';

/**
 * Failures of a subject that is not one user (a source address across usernames; a client id and
 * address), at most `maxFailures` within `windowMs` counted from the first failure (0: off). The
 * count lives in Redis (one script per failure, SessionStore.recordFailure), so replicas agree; the
 * process remembers subjects it saw reach the limit and refuses them without a Redis call until the
 * window ends, whatever they present (the right password or secret included). A replica that never
 * saw the subject fail learns at its first failure there, so each replica may let one more attempt
 * through. Successes cost nothing and clear nothing.
 *
 * One class for every such limit: the login's per-address limits and client authentication
 * (introspection; a future /authorize asks the same instance with the same subject).
 */
export class FailureThrottle {
  private readonly throttled = new ThrottledKeys();

  constructor(
    private readonly store: SessionStore,
    readonly scope: FailureScope,
    private readonly options: { readonly maxFailures: number; readonly windowMs: number },
    private readonly metrics?: Metrics,
  ) {}

  get enabled(): boolean {
    return this.options.maxFailures > 0;
  }

  /** Before the attempt: no Redis call. Counts a refusal in the metrics. */
  check(...subject: readonly string[]): ThrottleCheck {
    if (!this.enabled || this.throttled.empty) return NOT_THROTTLED;
    const check = this.throttled.check(subjectKey(subject));
    if (check.throttled) this.metrics?.throttled.inc({ limit: this.scope });
    return check;
  }

  /** An admin clears the subject's count (Redis and this process); returns whether one existed. */
  async clear(...subject: readonly string[]): Promise<number> {
    const key = subjectKey(subject);
    this.throttled.forget(key);
    return this.store.clearFailures([this.scope], key);
  }

  /** Counts a failure (one Redis script); remembers the subject when it reaches the limit. */
  async recordFailure(...subject: readonly string[]): Promise<void> {
    if (!this.enabled) return;
    const key = subjectKey(subject);
    const { failures, windowEndsInMs } = await this.store.recordFailure(
      this.scope,
      key,
      this.options.windowMs,
    );
    this.metrics?.failuresCounted.inc({ limit: this.scope });
    if (failures >= this.options.maxFailures) this.throttled.remember(key, windowEndsInMs);
  }
}

const NOT_THROTTLED: ThrottleCheck = { throttled: false };

/** The parts of a subject in one unambiguous string (a client id may hold any character). */
function subjectKey(subject: readonly string[]): string {
  return JSON.stringify(subject);
}
