import type { SessionStore } from '@sessiond/session-store';
import type { TacacsClient } from '@sessiond/tacacs-plus';
import { Queue } from 'bullmq';
import { SweeperWorker } from './sweeper-worker';
import type { Cluster, Redis } from 'ioredis';
import { createStopProcessor } from './accounting-processor';
import { AccountingQueue, type StopJobData, type StopQueue } from './accounting-queue';
import { ExpiryReporter } from './expiry-reporter';
import type { Health } from './http-server';
import type { EventLog, Logger } from './logger';
import type { SweeperMetrics } from './metrics';
import {
  ACCOUNTING_QUEUE,
  JobName,
  SWEEP_QUEUE,
  TICK_SCHEDULER_ID,
  bullPrefix,
  type SweepJobData,
} from './queues';
import { SweepProcessor, type SweepJobResult, type SweepQueue } from './sweep-processor';

export interface SweeperDeps {
  readonly store: SessionStore;
  /** BullMQ's own connection (`maxRetriesPerRequest: null`); the caller closes it. */
  readonly connection: Redis | Cluster;
  readonly keyPrefix: string;
  readonly intervalMs: number;
  readonly concurrency: number;
  readonly batch: number;
  readonly logger: Logger;
  /** Where `session.expired` events go (see createEventLog). */
  readonly events: EventLog;
  readonly metrics: SweeperMetrics;
  /** Accounting STOP for each expiry (TACACS_ACCOUNTING=true); the caller closes the client. */
  readonly accounting?:
    | {
        readonly client: Pick<TacacsClient, 'accounting'>;
        /** The `port` field of the STOP records (TACACS_PORT_NAME). */
        readonly portName: string;
        readonly attempts: number;
        readonly concurrency: number;
      }
    | undefined;
  /** A bucket job yields after this long (default 10 s) and queues its continuation. */
  readonly maxJobMs?: number;
  /** Pause between an emptied queue and the next poll, in s (BullMQ `drainDelay`; default 5). */
  readonly drainDelayS?: number;
}

export interface Sweeper {
  /** Starts the workers and registers the tick scheduler (idempotent across processes). */
  start(): Promise<void>;
  health(): Promise<Health>;
  /**
   * Graceful stop: no new jobs; running bucket jobs finish their current step, report it and queue
   * their continuation; in-flight STOPs finish; then the workers and queues close.
   */
  close(): Promise<void>;
}

const DEFAULT_MAX_JOB_MS = 10_000;
const SWEEP_LOCK_MS = 10_000;
const HEALTH_PING_TIMEOUT_MS = 1000;
/** How much longer than the longest job a worker's close may take before it is given up on. */
const WORKER_CLOSE_MARGIN_MS = 2000;

export function createSweeper(deps: SweeperDeps): Sweeper {
  const { connection, logger, metrics } = deps;
  const prefix = bullPrefix(deps.keyPrefix);
  let closing: Promise<void> | undefined;

  const sweepQueue: SweepQueue = new Queue<SweepJobData, SweepJobResult, 'tick' | 'bucket'>(SWEEP_QUEUE, {
    connection,
    prefix,
  });
  sweepQueue.on('error', (error) => logger.error({ err: error }, 'sweep queue error'));
  const stopQueue: StopQueue | undefined =
    deps.accounting === undefined
      ? undefined
      : new Queue<StopJobData, void, 'stop'>(ACCOUNTING_QUEUE, { connection, prefix });
  stopQueue?.on('error', (error) => logger.error({ err: error }, 'accounting queue error'));

  const reporter = new ExpiryReporter(
    deps.events,
    logger,
    metrics,
    stopQueue !== undefined && deps.accounting !== undefined
      ? new AccountingQueue(stopQueue, deps.accounting.attempts)
      : undefined,
  );
  const processor = new SweepProcessor({
    store: deps.store,
    queue: sweepQueue,
    reporter,
    metrics,
    buckets: deps.store.options.buckets,
    batch: deps.batch,
    maxJobMs: deps.maxJobMs ?? DEFAULT_MAX_JOB_MS,
    stopping: () => closing !== undefined,
  });

  let sweepWorker: SweeperWorker<SweepJobData, SweepJobResult> | undefined;
  let stopWorker: SweeperWorker<StopJobData, void> | undefined;
  let starting: Promise<void> | undefined;

  function start(): Promise<void> {
    starting ??= closing === undefined ? startWorkers() : Promise.resolve();
    return starting;
  }

  async function startWorkers(): Promise<void> {
    const drainDelay = deps.drainDelayS ?? 5;
    sweepWorker = new SweeperWorker<SweepJobData, SweepJobResult>(SWEEP_QUEUE, processor.process, {
      connection,
      prefix,
      concurrency: deps.concurrency,
      drainDelay,
      // A bucket job of a crashed process is taken over once its lock lapses: sooner than BullMQ's
      // 30 s default. A false alarm (a job that was in fact alive) is harmless: the store reports
      // each expiry to one sweep call only, so a bucket swept twice at once still reports it once.
      lockDuration: SWEEP_LOCK_MS,
      stalledInterval: SWEEP_LOCK_MS,
    });
    sweepWorker.on('error', (error) => logger.error({ err: error }, 'sweep worker error'));
    sweepWorker.on('completed', (job, result) => {
      if (job.data.kind === 'bucket') logger.debug({ bucket: job.data.bucket, ...result }, 'bucket swept');
    });
    sweepWorker.on('failed', (job, error) => {
      if (job?.data.kind !== 'bucket') {
        logger.error({ err: error, job: job?.name }, 'sweep job failed');
        return;
      }
      metrics.sweepErrors.inc();
      logger.error({ err: error, bucket: job.data.bucket }, 'bucket sweep failed; the next tick retries it');
    });
    if (deps.accounting !== undefined) {
      const accounting = deps.accounting;
      stopWorker = new SweeperWorker<StopJobData, void>(
        ACCOUNTING_QUEUE,
        createStopProcessor({ client: accounting.client, portName: accounting.portName, logger, metrics }),
        { connection, prefix, concurrency: accounting.concurrency, drainDelay },
      );
      stopWorker.on('error', (error) => logger.error({ err: error }, 'accounting worker error'));
    }
    await Promise.all([sweepWorker.waitUntilReady(), stopWorker?.waitUntilReady()]);
    // A (re)started sweeper catches up at once instead of waiting for the scheduler's next tick.
    await processor.queueAllBuckets();
    await sweepQueue.upsertJobScheduler(
      TICK_SCHEDULER_ID,
      { every: deps.intervalMs },
      { name: JobName.tick, data: { kind: 'tick' }, opts: { removeOnComplete: true, removeOnFail: true } },
    );
  }

  async function health(): Promise<Health> {
    const problems: string[] = [];
    if (closing !== undefined) problems.push('shutting_down');
    else if (sweepWorker?.isRunning() !== true) problems.push('worker_not_running');
    try {
      await deps.store.ping(HEALTH_PING_TIMEOUT_MS);
    } catch {
      problems.push('redis_unavailable');
    }
    return { ok: problems.length === 0, problems };
  }

  /**
   * Closes a worker, waiting for its running job. Bounded: when Redis went away and came back, a
   * worker's blocking connection can be left "reconnecting" so that BullMQ's close() never resolves
   * (BullMQ #4656: ioredis emits no 'end' for a client disconnected between reconnect attempts). Its
   * job has finished by then (a job lasts at most maxJobMs), so after that and a margin shutdown
   * goes on without it, after stopping what would otherwise keep the process alive: the worker's
   * lock renewal timer and its connections.
   */
  async function closeWorker<Data, Result>(
    worker: SweeperWorker<Data, Result> | undefined,
    which: string,
  ): Promise<void> {
    if (worker === undefined) return;
    const graceMs = (deps.maxJobMs ?? DEFAULT_MAX_JOB_MS) + WORKER_CLOSE_MARGIN_MS;
    const closed = await within(worker.close(), graceMs);
    if (closed) return;
    deps.logger.warn(
      { worker: which, grace_ms: graceMs },
      'a BullMQ worker connection did not close (stuck reconnecting after a Redis outage); shutting down without it',
    );
    await worker.stopLockRenewal();
    await within(worker.disconnect(), WORKER_CLOSE_MARGIN_MS);
  }

  function close(): Promise<void> {
    closing ??= (async () => {
      await starting?.catch(() => undefined);
      // Order matters: bucket jobs queue continuations and STOPs through the queues, so the workers
      // close (waiting for their jobs) before the queues do.
      await closeWorker(sweepWorker, 'sweep');
      await closeWorker(stopWorker, 'accounting');
      await Promise.all([sweepQueue.close(), stopQueue?.close()]);
    })();
    return closing;
  }

  return { start, health, close };
}

/** The backlog gauge: users with something due, over every bucket (an upper bound; see dueCount). */
export async function totalDue(store: Pick<SessionStore, 'dueCount' | 'options'>): Promise<number> {
  const counts = await Promise.all(
    Array.from({ length: store.options.buckets }, (_, bucket) => store.dueCount(bucket)),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

/** Whether `work` settled (either way) within `ms`; a timer that never holds the process open. */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    work.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
  return settled;
}
