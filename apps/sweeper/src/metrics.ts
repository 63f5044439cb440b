import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type AccountingOutcome = 'pass' | 'fail' | 'retry' | 'gave_up';

/** The sweeper's Prometheus metrics, on their own registry (tests run several sweepers in one process). */
export interface SweeperMetrics {
  readonly registry: Registry;
  /** Expired sessions this process reported, by reason (`idle` or `lifetime`). */
  readonly swept: Counter<'reason'>;
  /** Wall time of one bucket job: sweep steps until nothing was due (or the job's time cap). */
  readonly sweepDuration: Histogram;
  /** Users whose records left Redis before anyone swept them (the store's `lost`). */
  readonly lostUsers: Counter;
  /** Unix time of the last bucket job that left its bucket with nothing due. */
  readonly lastSuccess: Gauge;
  /** Accounting STOP attempts by outcome. */
  readonly accountingStops: Counter<'outcome'>;
  /** Bucket jobs that failed (Redis unavailable, …); the next tick sweeps the bucket again. */
  readonly sweepErrors: Counter;
}

/** `backlog` is read on every scrape; when it fails, the gauge keeps its last value. */
export function createMetrics(backlog: () => Promise<number>): SweeperMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sessiond_sweeper_' });
  new Gauge({
    name: 'sessiond_sweeper_backlog_users',
    help:
      'Users with at least one session or tombstone due for sweeping, summed over the buckets of the expiry ' +
      'index. It counts users, not sessions, and is an upper bound (a touched session can make a user due early).',
    registers: [registry],
    async collect() {
      try {
        this.set(await backlog());
      } catch {
        // Redis unavailable: keep the last value; /healthz reports the outage.
      }
    },
  });
  return {
    registry,
    swept: new Counter({
      name: 'sessiond_sweeper_sessions_swept_total',
      help: 'Expired sessions reported by this process (each expiry is reported by exactly one sweeper), by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    sweepDuration: new Histogram({
      name: 'sessiond_sweeper_sweep_duration_seconds',
      help: 'Time to sweep one bucket: sweep steps until nothing was due or the per-job cap was reached',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    lostUsers: new Counter({
      name: 'sessiond_sweeper_lost_users_total',
      help: 'Users who were due but whose records had already left Redis (no sweep ran within the retention period)',
      registers: [registry],
    }),
    lastSuccess: new Gauge({
      name: 'sessiond_sweeper_last_success_timestamp_seconds',
      help: 'Unix time at which this process last finished a bucket with nothing due left',
      registers: [registry],
    }),
    accountingStops: new Counter({
      name: 'sessiond_sweeper_accounting_stop_total',
      help: 'TACACS+ accounting STOP attempts for expired sessions: pass, fail (refused, not retried), retry, gave_up',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    sweepErrors: new Counter({
      name: 'sessiond_sweeper_sweep_errors_total',
      help: 'Bucket jobs that failed; the bucket is swept again on the next tick',
      registers: [registry],
    }),
  };
}
