import type { Outcome } from './http-load';

/** Answers that ended in [from, to) (performance.now() ms). */
export function endedBetween(outcomes: readonly Outcome[], from: number, to = Infinity): Outcome[] {
  return outcomes.filter((o) => o.endedAt >= from && o.endedAt < to);
}

/** Requests that started in [from, to). */
export function startedBetween(outcomes: readonly Outcome[], from: number, to = Infinity): Outcome[] {
  return outcomes.filter((o) => o.startedAt >= from && o.startedAt < to);
}

/** How long after `since` the first answer matching `match` ended (undefined: none). */
export function firstAfter(
  outcomes: readonly Outcome[],
  since: number,
  match: (o: Outcome) => boolean,
): number | undefined {
  let first: number | undefined;
  for (const o of outcomes) {
    if (o.endedAt >= since && match(o) && (first === undefined || o.endedAt - since < first))
      first = o.endedAt - since;
  }
  return first;
}

/** How long after `since` the last answer matching `match` ended (undefined: none). */
export function lastAfter(
  outcomes: readonly Outcome[],
  since: number,
  match: (o: Outcome) => boolean,
): number | undefined {
  let last: number | undefined;
  for (const o of outcomes) {
    if (o.endedAt >= since && match(o) && (last === undefined || o.endedAt - since > last))
      last = o.endedAt - since;
  }
  return last;
}

/** The longest time a request waited for its answer. */
export function slowest(outcomes: readonly Outcome[]): number | undefined {
  let max: number | undefined;
  for (const o of outcomes)
    if (max === undefined || o.endedAt - o.startedAt > max) max = o.endedAt - o.startedAt;
  return max;
}

/** `promise`'s value, or undefined if it has not settled within `timeoutMs` (the timer is cleared). */
export async function within<T>(promise: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
