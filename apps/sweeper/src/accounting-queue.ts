import type { ExpiredSession } from '@sessiond/session-store';
import type { Queue } from 'bullmq';
import { JobName, stopJobId } from './queues';

/** What a STOP needs, and nothing else: no token, no secret (they are never in the store anyway). */
export interface StopJobData {
  readonly sessionId: string;
  readonly username: string;
  readonly privLvl: number;
  readonly sourceIp: string;
  readonly reason: 'idle' | 'lifetime';
  readonly createdAtMs: number;
  /** When the session died (its deadline), not when it was swept: elapsed_time is its true length. */
  readonly expiredAtMs: number;
}

export type StopQueue = Queue<StopJobData, void, typeof JobName.stop>;

/** First retry after 1 s, then 2 s, 4 s, … (BullMQ's exponential back-off). */
const BACKOFF_DELAY_MS = 1000;
/** Failed STOPs stay in Redis for a week for inspection (and at most this many). */
const KEEP_FAILED = { age: 7 * 86_400, count: 100_000 } as const;

/** Enqueues accounting STOPs in one round trip per sweep step. */
export class AccountingQueue {
  constructor(
    private readonly queue: StopQueue,
    private readonly attempts: number,
  ) {}

  async enqueue(sessions: readonly ExpiredSession[]): Promise<void> {
    if (sessions.length === 0) return;
    await this.queue.addBulk(
      sessions.map((session) => ({
        name: JobName.stop,
        data: stopData(session),
        opts: {
          jobId: stopJobId(session.sessionId),
          attempts: this.attempts,
          backoff: { type: 'exponential', delay: BACKOFF_DELAY_MS },
          removeOnComplete: true,
          removeOnFail: KEEP_FAILED,
        },
      })),
    );
  }
}

export function stopData(session: ExpiredSession): StopJobData {
  return {
    sessionId: session.sessionId,
    username: session.username,
    privLvl: session.privLvl,
    sourceIp: session.sourceIp,
    reason: session.reason,
    createdAtMs: session.createdAtMs,
    expiredAtMs: session.expiredAtMs,
  };
}
