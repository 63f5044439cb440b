import { waitFor } from '@sessiond/test-utils';
import { Queue } from 'bullmq';
import { ACCOUNTING_QUEUE, bullPrefix } from '../../src/queues';
import { createBullConnection } from '../../src/redis-connections';
import type { Target, TestSweeper } from './harness';

/** Bucket jobs these sweepers have finished: the count of their sweep-duration histograms. */
export async function bucketJobsDone(sweepers: readonly TestSweeper[]): Promise<number> {
  let done = 0;
  for (const sweeper of sweepers) {
    const metric = await sweeper.metrics.sweepDuration.get();
    done += metric.values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
  }
  return done;
}

/**
 * Waits until the sweepers have swept every one of `buckets` buckets again, from now on: by then a
 * second report of anything would have shown up, however slowly this machine runs (a fixed "two
 * more ticks" sleep only hoped so). Each tick queues every bucket once (deduplicated, first in first
 * out), so the `2 × buckets` jobs that start from now cover each bucket at least once; the jobs
 * already running now (at most `slots`: workers × concurrency, 2 per test sweeper by default) may
 * finish first and are not counted.
 */
export async function untilSweptAgain(
  sweepers: readonly TestSweeper[],
  buckets: number,
  slots = sweepers.length * 2,
): Promise<void> {
  const target = (await bucketJobsDone(sweepers)) + 2 * buckets + slots;
  await waitFor(async () => (await bucketJobsDone(sweepers)) >= target, {
    timeoutMs: 30_000,
    intervalMs: 50,
    message: `${2 * buckets + slots} more bucket jobs`,
  });
}

/** The accounting STOP queue, read through a connection of the test's own. */
export interface StopQueueView {
  /** Jobs by state: waiting, active, delayed (a retry after back-off), prioritized, failed. */
  counts(): Promise<Record<string, number>>;
  /** Failed jobs: how many attempts each made, and why it failed. */
  failed(): Promise<{ attemptsMade: number; failedReason: string }[]>;
  close(): Promise<void>;
}

export function openStopQueue(target: Target, keyPrefix: string): StopQueueView {
  const connection = createBullConnection(target);
  connection.on('error', () => undefined);
  const queue = new Queue(ACCOUNTING_QUEUE, { connection, prefix: bullPrefix(keyPrefix) });
  return {
    counts: () => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed'),
    failed: async () =>
      (await queue.getFailed()).map((job) => ({
        attemptsMade: job.attemptsMade,
        failedReason: job.failedReason,
      })),
    async close() {
      await queue.close();
      await connection.quit().catch(() => undefined);
    },
  };
}

/** Waits until no STOP is waiting, running or due for a retry: nothing more can reach the server. */
export async function untilStopsSettled(queue: StopQueueView): Promise<void> {
  await waitFor(
    async () => {
      const { waiting = 0, active = 0, delayed = 0, prioritized = 0 } = await queue.counts();
      return waiting + active + delayed + prioritized === 0;
    },
    { timeoutMs: 30_000, intervalMs: 50, message: 'the accounting queue to settle' },
  );
}
