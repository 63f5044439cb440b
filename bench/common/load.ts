/**
 * Runs `callers` concurrent loops of `operation` for `durationMs` and returns operations per second.
 * Each loop awaits its own call, so concurrency is exactly `callers` (like 100 concurrent clients).
 */
export async function closedLoop(
  callers: number,
  durationMs: number,
  operation: (caller: number, i: number) => Promise<unknown>,
): Promise<{ perSecond: number; count: number; errors: number }> {
  const deadline = performance.now() + durationMs;
  let count = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      for (let i = 0; performance.now() < deadline; i += 1) {
        try {
          await operation(caller, i);
          count += 1;
        } catch {
          errors += 1;
        }
      }
    }),
  );
  const elapsed = performance.now() - started;
  return { perSecond: (count * 1000) / elapsed, count, errors };
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function inBatches<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next];
        next += 1;
        if (item !== undefined) await work(item);
      }
    }),
  );
}
