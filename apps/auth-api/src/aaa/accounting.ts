import type { SessionDescriptor } from '@sessiond/session-store';
import type { TacacsClient } from '@sessiond/tacacs-plus';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';

export type StopReason = 'logout' | 'admin' | 'evicted';

/**
 * TACACS+ accounting (TACACS_ACCOUNTING=true): START when a session begins, STOP when it ends by
 * logout, revocation or eviction (the sweeper sends STOP for expiries). Records are sent in the
 * background: a slow accounting server never delays a login or a logout.
 */
export class Accounting {
  constructor(
    private readonly client: TacacsClient | undefined,
    private readonly timeoutMs: number,
    /** The NAS port name of the records (TACACS_PORT_NAME), the same as the logins'. */
    private readonly portName: string,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  get enabled(): boolean {
    return this.client !== undefined;
  }

  start(session: SessionDescriptor): void {
    this.send('start', session, { startTime: new Date(session.createdAtMs) });
  }

  stop(session: SessionDescriptor, reason: StopReason, endedAtMs = Date.now()): void {
    this.send('stop', session, {
      startTime: new Date(session.createdAtMs),
      stopTime: new Date(endedAtMs),
      elapsedSeconds: Math.max(0, Math.round((endedAtMs - session.createdAtMs) / 1000)),
      args: [`disc-cause=${reason}`],
    });
  }

  private send(
    flag: 'start' | 'stop',
    session: SessionDescriptor,
    extra: { startTime: Date; stopTime?: Date; elapsedSeconds?: number; args?: string[] },
  ): void {
    const client = this.client;
    if (client === undefined) return;
    client
      .accounting({
        flag,
        username: session.username,
        taskId: session.sessionId,
        remAddr: session.sourceIp,
        port: this.portName,
        privLvl: session.privLvl,
        signal: AbortSignal.timeout(this.timeoutMs),
        ...extra,
      })
      .then(
        (result) => {
          this.metrics.accounting.inc({ flag, outcome: result.status });
          if (result.status !== 'pass') {
            this.logger.warn(
              { session_id: session.sessionId, flag, outcome: result.status },
              'tacacs accounting not recorded',
            );
          }
        },
        (error: unknown) => {
          this.metrics.accounting.inc({ flag, outcome: 'error' });
          this.logger.warn(
            { session_id: session.sessionId, flag, error: (error as Error).message },
            'tacacs accounting failed',
          );
        },
      );
  }
}
