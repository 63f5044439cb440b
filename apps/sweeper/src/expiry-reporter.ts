import type { SweepResult } from '@sessiond/session-store';
import type { AccountingQueue } from './accounting-queue';
import type { EventLog, Logger } from './logger';
import type { SweeperMetrics } from './metrics';

/**
 * Reports what one sweep step removed. The store hands each expiry to exactly one sweep call, so
 * reporting it here, once, is all exactly-once needs. Log lines and metrics are written
 * synchronously before anything else is awaited (once they are out, a crash cannot take them
 * back); the accounting STOPs follow in one round trip.
 */
export class ExpiryReporter {
  constructor(
    private readonly events: EventLog,
    private readonly logger: Logger,
    private readonly metrics: SweeperMetrics,
    private readonly accounting: AccountingQueue | undefined,
  ) {}

  async report(bucket: number, result: SweepResult): Promise<void> {
    let idle = 0;
    for (const session of result.expired) {
      if (session.reason === 'idle') idle += 1;
      this.events.logger.info(
        {
          event: 'session.expired',
          session_id: session.sessionId,
          username: session.username,
          reason: session.reason,
          duration_ms: session.durationMs,
          expired_at: new Date(session.expiredAtMs).toISOString(),
          source_ip: session.sourceIp,
          aaa: session.aaa,
          bucket,
        },
        'session.expired',
      );
    }
    this.events.flush();
    const lifetime = result.expired.length - idle;
    if (idle > 0) this.metrics.swept.inc({ reason: 'idle' }, idle);
    if (lifetime > 0) this.metrics.swept.inc({ reason: 'lifetime' }, lifetime);
    if (result.lost > 0) {
      this.metrics.lostUsers.inc(result.lost);
      this.logger.warn(
        { event: 'sessions.lost', bucket, users: result.lost },
        'expired sessions left Redis unreported: no sweep ran within the retention period',
      );
    }
    await this.accounting?.enqueue(result.expired);
  }
}
