import type { TacacsClient } from '@sessiond/tacacs-plus';
import { UnrecoverableError, type Job } from 'bullmq';
import type { StopJobData } from './accounting-queue';
import { AccountingUnavailableError } from './errors';
import type { Logger } from './logger';
import type { SweeperMetrics } from './metrics';

export interface StopProcessorDeps {
  readonly client: Pick<TacacsClient, 'accounting'>;
  /** The `port` field of the records (TACACS_PORT_NAME): the auth-api sends START with the same. */
  readonly portName: string;
  readonly logger: Logger;
  readonly metrics: SweeperMetrics;
}

/**
 * Sends one accounting STOP (RFC 8907 §8.3: task_id, start_time, stop_time, elapsed_time). When no
 * server answers, the job throws and BullMQ retries it with exponential back-off; a server that
 * answers FAIL (FOLLOW) is authoritative, so that job ends without a retry.
 */
export function createStopProcessor({ client, portName, logger, metrics }: StopProcessorDeps) {
  return async (job: Job<StopJobData>): Promise<void> => {
    const data = job.data;
    const result = await client.accounting({
      flag: 'stop',
      username: data.username,
      taskId: data.sessionId,
      remAddr: data.sourceIp,
      port: portName,
      privLvl: data.privLvl,
      startTime: new Date(data.createdAtMs),
      stopTime: new Date(data.expiredAtMs),
      elapsedSeconds: (data.expiredAtMs - data.createdAtMs) / 1000,
      args: [`disc-cause=${data.reason}`],
    });
    const log = { event: 'accounting.stop', session_id: data.sessionId, username: data.username };
    switch (result.status) {
      case 'pass':
        metrics.accountingStops.inc({ outcome: 'pass' });
        logger.debug({ ...log, outcome: 'pass', server: result.server }, 'accounting.stop');
        return;
      case 'fail':
        metrics.accountingStops.inc({ outcome: 'fail' });
        logger.warn(
          { ...log, outcome: 'fail', server: result.server, reason: result.reason },
          'accounting.stop',
        );
        throw new UnrecoverableError(`accounting STOP refused by ${result.server} (${result.reason})`);
      case 'unavailable': {
        const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        const outcome = lastAttempt ? 'gave_up' : 'retry';
        metrics.accountingStops.inc({ outcome });
        logger[lastAttempt ? 'error' : 'warn'](
          { ...log, outcome, attempt: job.attemptsMade + 1, error: result.error.message },
          'accounting.stop',
        );
        throw new AccountingUnavailableError(`no TACACS+ server recorded the STOP: ${result.error.message}`);
      }
    }
  };
}
