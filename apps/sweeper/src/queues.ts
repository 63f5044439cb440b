/**
 * BullMQ names. Every key of both queues starts with the same `{…}` hash tag, so BullMQ's multi-key
 * scripts stay in one slot of a Redis Cluster. (BullMQ takes a `prefix` option for this; ioredis's
 * `keyPrefix` must not be used with it.) The tag includes REDIS_KEY_PREFIX, so deployments that share
 * a Redis do not share queues.
 */
export function bullPrefix(keyPrefix: string): string {
  return `{${keyPrefix}:sweeper}`;
}

/** Ticks from the job scheduler, and one job per bucket that a tick fans out. */
export const SWEEP_QUEUE = 'sweep';
/** One job per expired session that needs a TACACS+ accounting STOP. */
export const ACCOUNTING_QUEUE = 'accounting';

/** The job scheduler's id (BullMQ types it as a job name). */
export const TICK_SCHEDULER_ID = 'tick';

export const JobName = {
  tick: 'tick',
  bucket: 'bucket',
  stop: 'stop',
} as const;

export interface TickJobData {
  readonly kind: 'tick';
}

export interface BucketJobData {
  readonly kind: 'bucket';
  readonly bucket: number;
}

export type SweepJobData = TickJobData | BucketJobData;

/** At most one waiting and one active job per bucket (BullMQ deduplication id). */
export function bucketDedupId(bucket: number): string {
  return `bucket-${bucket}`;
}

/** A STOP job's id: enqueueing the same session twice while its job exists adds nothing. */
export function stopJobId(sessionId: string): string {
  return `stop-${sessionId}`;
}
