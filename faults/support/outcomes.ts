import type { Outcome } from './http-load';

/** How a result line names an outcome: `200`, `503 session_store_unavailable`, `timeout`, `ECONNRESET`. */
export function outcomeKey(outcome: Pick<Outcome, 'status' | 'code' | 'error'>): string {
  if (outcome.status === 0) return outcome.error ?? 'no response';
  return outcome.code === undefined ? String(outcome.status) : `${outcome.status} ${outcome.code}`;
}

/** Counts outcomes by key, most frequent first. */
export function tally(outcomes: readonly Pick<Outcome, 'status' | 'code' | 'error'>[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const outcome of outcomes) {
    const key = outcomeKey(outcome);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

/** `200×9,120, 503 session_store_unavailable×9,222` (or `none`). */
export function formatTally(counts: ReadonlyMap<string, number>): string {
  if (counts.size === 0) return 'none';
  return [...counts].map(([key, count]) => `${key}×${count.toLocaleString('en-US')}`).join(', ');
}

/** A count with thousands separators. */
export function n(count: number): string {
  return count.toLocaleString('en-US');
}

/** Milliseconds, rounded, for a result line (`–` when there was nothing to measure). */
export function ms(value: number | undefined): string {
  return value === undefined ? '–' : `${Math.round(value).toLocaleString('en-US')} ms`;
}

/** Outcomes that got no response: the client timed out (a hang) or the connection failed. */
export function unanswered(outcomes: readonly Outcome[]): Outcome[] {
  return outcomes.filter((o) => o.status === 0);
}

/** A few outcomes, shown in an assertion message: method, path, status, code, error. */
export function describeOutcomes(outcomes: readonly Outcome[], limit = 5): string {
  return outcomes
    .slice(0, limit)
    .map((o) => `${o.spec.method} ${o.spec.path.slice(0, 120)} → ${outcomeKey(o)}`)
    .join('; ');
}

/** Prints a case's one result line (process.stdout: jest keeps console.* for its own reports). */
export function printResult(line: string): void {
  process.stdout.write(`fault: ${line}\n`);
}
