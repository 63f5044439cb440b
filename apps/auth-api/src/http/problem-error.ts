import { PROBLEMS, challengeOf, problemBody, type ProblemCode } from '@sessiond/protocol';

export type ProblemExtras = Readonly<Record<string, unknown>>;

/**
 * An RFC 9457 problem a handler raises; the error middleware renders it. `extras` are the extension
 * members of the contract (limit, retry_after, sessions, aaa, …): never a secret.
 */
export class ProblemError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly extras: ProblemExtras = {},
    headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
    this.status = PROBLEMS[code].status;
    this.headers = { ...headers };
    const challenge = challengeOf(code);
    if (challenge !== undefined) this.headers['WWW-Authenticate'] = challenge;
  }

  body(): Record<string, unknown> {
    return problemBody(this.code, this.detail, this.extras);
  }
}

/** `Retry-After` in whole seconds (at least 1), from milliseconds. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
