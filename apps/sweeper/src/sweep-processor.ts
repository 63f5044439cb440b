import type { SessionStore } from '@sessiond/session-store';
import type { Job, Queue } from 'bullmq';
import type { ExpiryReporter } from './expiry-reporter';
import type { SweeperMetrics } from './metrics';
import { JobName, bucketDedupId, type BucketJobData, type SweepJobData } from './queues';

export type SweepQueue = Queue<SweepJobData, SweepJobResult, (typeof JobName)['tick' | 'bucket']>;

export interface SweepJobResult {
  /** Buckets queued by a tick. */
  readonly queued?: number;
  /** For a bucket job: sessions reported, sweep steps, and whether the bucket was left with nothing due. */
  readonly swept?: number;
  readonly steps?: number;
  readonly done?: boolean;
}

export interface SweepProcessorOptions {
  readonly store: Pick<SessionStore, 'sweep'>;
  readonly queue: SweepQueue;
  readonly reporter: ExpiryReporter;
  readonly metrics: SweeperMetrics;
  readonly buckets: number;
  /** Users per sweep step. */
  readonly batch: number;
  /** A bucket job stops after this long and queues its continuation, so no job runs unbounded. */
  readonly maxJobMs: number;
  /** True once shutdown began: a bucket job stops after its current step. */
  readonly stopping: () => boolean;
}

/**
 * The sweep worker's processor. A tick (from the job scheduler) queues one job per bucket; a bucket
 * job runs sweep steps until the store says nothing more is due. Jobs are deduplicated per bucket
 * (at most one waiting and one active), so any number of workers share the buckets without
 * piling up work, and a job cut short (time cap, shutdown) queues its own continuation.
 */
export class SweepProcessor {
  constructor(private readonly options: SweepProcessorOptions) {}

  readonly process = async (job: Job<SweepJobData>): Promise<SweepJobResult> => {
    const data = job.data;
    if (data.kind === 'bucket') return this.sweepBucket(data.bucket);
    await this.queueAllBuckets();
    return { queued: this.options.buckets };
  };

  /** One job per bucket, deduplicated: a bucket already waiting is not queued twice. */
  queueAllBuckets(): Promise<void> {
    return this.queueBuckets(Array.from({ length: this.options.buckets }, (_, bucket) => bucket));
  }

  private async sweepBucket(bucket: number): Promise<SweepJobResult> {
    const { store, reporter, metrics, batch, maxJobMs, stopping } = this.options;
    const endTimer = metrics.sweepDuration.startTimer();
    const deadline = performance.now() + maxJobMs;
    let swept = 0;
    let steps = 0;
    try {
      for (;;) {
        const result = await store.sweep({ bucket, batch });
        steps += 1;
        swept += result.expired.length;
        await reporter.report(bucket, result);
        if (!result.more) {
          metrics.lastSuccess.setToCurrentTime();
          return { swept, steps, done: true };
        }
        if (stopping() || performance.now() >= deadline) {
          await this.queueBuckets([bucket]);
          return { swept, steps, done: false };
        }
      }
    } finally {
      endTimer();
    }
  }

  private async queueBuckets(buckets: readonly number[]): Promise<void> {
    await this.options.queue.addBulk(
      buckets.map((bucket) => ({
        name: JobName.bucket,
        data: { kind: 'bucket', bucket } satisfies BucketJobData,
        opts: {
          // A bucket being swept gets one follow-up run queued, never more.
          deduplication: { id: bucketDedupId(bucket), keepLastIfActive: true },
          removeOnComplete: true,
          removeOnFail: true,
        },
      })),
    );
  }
}
