import { waitFor } from '@sessiond/test-utils';
import {
  createSessions,
  duplicates,
  indexState,
  openStore,
  startSweeper,
  storeOptions,
  type Target,
  type TestSweeper,
} from './harness';
import { untilSweptAgain } from './sweep-progress';

/**
 * `sessions` sessions idle out; `workers` sweepers start at once on the same Redis and sweep them.
 * Returns what each worker reported and the index state afterwards.
 */
export async function sweepWithWorkers(
  target: Target,
  keyPrefix: string,
  { sessions, workers }: { sessions: number; workers: number },
): Promise<{
  created: string[];
  perWorker: string[][];
  index: { indexed: number; counted: number };
  sweptMetric: number;
}> {
  const setup = await openStore(target, keyPrefix, { idleTimeoutMs: 200 });
  const sweepers: TestSweeper[] = [];
  try {
    // Two sessions per user, so a user's sessions are reported by one script call.
    const created = await createSessions(setup.store, sessions, { perUser: 2 });
    sweepers.push(
      ...(await Promise.all(
        Array.from({ length: workers }, () => startSweeper(target, { keyPrefix, batch: 100 })),
      )),
    );
    const reported = (): number => sweepers.reduce((sum, s) => sum + s.expiredIds().length, 0);
    await waitFor(() => reported() >= sessions, {
      timeoutMs: 60_000,
      intervalMs: 50,
      message: `${sessions} expiries to be reported`,
    });
    // Every bucket swept again: a second report of anything would show up now.
    await untilSweptAgain(sweepers, storeOptions(keyPrefix).buckets);
    let sweptMetric = 0;
    for (const s of sweepers) {
      const metric = await s.metrics.swept.get();
      sweptMetric += metric.values.reduce((sum, v) => sum + v.value, 0);
    }
    return {
      created,
      perWorker: sweepers.map((s) => s.expiredIds()),
      index: await indexState(setup.redis, storeOptions(keyPrefix)),
      sweptMetric,
    };
  } finally {
    await Promise.all(sweepers.map((s) => s.close()));
    await setup.close();
  }
}

export { duplicates };
