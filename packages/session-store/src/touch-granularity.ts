/** The `auto` granularity's bounds (validateSession-2.lua): 1 % of the idle timeout, at least 1 s, at most a tenth. */
const AUTO = { share: 1 / 100, minMs: 1000, maxShare: 1 / 10 } as const;

/**
 * How far a touch must move a session's idle deadline before validateSession-2.lua writes it, in ms:
 * the store's `touchGranularityMs` as resolved (ResolvedOptions; -1 = `auto`), for a session with this
 * idle timeout. Mirrors the script (a test ties the two), so that a cache of validations asks Redis for
 * a touch exactly when the script would write one.
 */
export function touchGranularityOf(resolvedGranularityMs: number, idleTimeoutMs: number): number {
  if (resolvedGranularityMs >= 0) return resolvedGranularityMs;
  return Math.min(Math.max(AUTO.minMs, idleTimeoutMs * AUTO.share), idleTimeoutMs * AUTO.maxShare);
}

type TouchedSession = {
  readonly expiresAtMs: number;
  readonly absoluteExpiresAtMs: number;
  readonly idleTimeoutMs: number;
};

/**
 * The earliest Redis time at which validateSession-2.lua would write a touch for a session whose
 * idle deadline is `expiresAtMs` (Infinity: never, the absolute deadline is too near): from then on
 * min(now + idle, absolute) is later than the deadline by at least the granularity (and by 1 ms at
 * least, as the script needs it later at all).
 */
export function touchDueAt(session: TouchedSession, resolvedGranularityMs: number): number {
  const step = Math.max(1, touchGranularityOf(resolvedGranularityMs, session.idleTimeoutMs));
  if (session.absoluteExpiresAtMs - session.expiresAtMs < step) return Number.POSITIVE_INFINITY;
  return session.expiresAtMs + step - session.idleTimeoutMs;
}

/** Whether validateSession-2.lua, run at Redis time `nowMs` (ms, whole), would write a touch. */
export function touchDue(session: TouchedSession, resolvedGranularityMs: number, nowMs: number): boolean {
  return nowMs >= touchDueAt(session, resolvedGranularityMs);
}
