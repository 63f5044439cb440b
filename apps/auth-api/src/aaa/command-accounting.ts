import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { CommandAuthorization, CommandRecord } from './commands';

/**
 * Command accounting (TACACS_ACCOUNTING=true): one record per decided command, permitted or denied,
 * sent in the background so the answer never waits for the accounting server. A record that is not
 * recorded (the server refused it, none answered, or it could not be sent) is counted in
 * sessiond_tacacs_accounting_total{flag="command"} and logged at warn with the user and command, so
 * nothing is lost silently.
 */
export class CommandAccounting {
  constructor(
    private readonly commands: CommandAuthorization | undefined,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  get enabled(): boolean {
    return this.commands?.accounting === true;
  }

  /** Sends the record unless accounting is off; returns at once. */
  record(record: CommandRecord): void {
    const commands = this.commands;
    if (commands === undefined || !commands.accounting) return;
    const fields = {
      event: 'command-accounting',
      username: record.username,
      command: record.words.join(' '),
      task_id: record.taskId,
      permit: record.permitted,
    };
    commands.account(record, AbortSignal.timeout(this.timeoutMs)).then(
      (outcome) => {
        this.metrics.accounting.inc({ flag: 'command', outcome });
        if (outcome !== 'pass')
          this.logger.warn({ ...fields, outcome }, 'tacacs command accounting not recorded');
      },
      (error: unknown) => {
        this.metrics.accounting.inc({ flag: 'command', outcome: 'error' });
        this.logger.warn(
          { ...fields, outcome: 'error', error: (error as Error).message },
          'tacacs command accounting failed',
        );
      },
    );
  }
}
