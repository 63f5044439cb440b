/**
 * Every error this package throws. `code` is stable and safe to switch on: the server's problem
 * `code` when sessiond answered with one (SessiondProblemError), else one of the client-side codes
 * below. No message ever contains a token, a password or a client secret.
 */
export abstract class SessiondError extends Error {
  abstract readonly code: string;
  /** HTTP status sessiond (or a proxy in front of it) answered; undefined when nothing was answered. */
  readonly status: number | undefined;
  /** Seconds to wait before retrying, when the response carried `Retry-After`. */
  readonly retryAfter: number | undefined;

  constructor(
    message: string,
    details: { status?: number | undefined; retryAfter?: number | undefined; cause?: unknown } = {},
  ) {
    super(message, details.cause !== undefined ? { cause: details.cause } : undefined);
    this.name = new.target.name;
    this.status = details.status;
    this.retryAfter = details.retryAfter;
  }
}

/**
 * sessiond could not be asked: the connection failed (refused, reset, DNS, TLS) or no complete answer
 * came within the timeout. Says nothing about the token or the credentials.
 */
export class SessiondUnavailableError extends SessiondError {
  constructor(
    readonly code: 'sessiond_unreachable' | 'sessiond_timeout',
    message: string,
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}

/**
 * sessiond (or something in front of it, such as a proxy's HTML 502) answered outside the contract:
 * a status without a problem body, a body that is not JSON, or a member missing or of the wrong type.
 */
export class SessiondResponseError extends SessiondError {
  readonly code = 'sessiond_bad_response';
}

/** A constructor or factory option is invalid; `option` names it (its value is never echoed). */
export class InvalidOptionsError extends SessiondError {
  readonly code = 'invalid_options';

  constructor(
    readonly option: string,
    reason: string,
  ) {
    super(`@sessiond/client option ${option}: ${reason}`);
  }
}

/** A method argument cannot be sent (e.g. a username with a colon); `argument` names it. */
export class InvalidArgumentError extends SessiondError {
  readonly code = 'invalid_argument';

  constructor(
    readonly argument: string,
    reason: string,
  ) {
    super(`${argument}: ${reason}`);
  }
}
