/** Base of the sweeper's errors: each subclass carries a stable `code` for logs and tests. */
export abstract class SweeperError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A bad environment: the message names every bad variable (never a secret's value). */
export class ConfigError extends SweeperError {
  readonly code = 'invalid_config';

  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** No TACACS+ server recorded an accounting STOP; BullMQ retries the job with back-off. */
export class AccountingUnavailableError extends SweeperError {
  readonly code = 'accounting_unavailable';
}
