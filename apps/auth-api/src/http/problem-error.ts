import { CHALLENGES, PROBLEMS, problemType, type ProblemCode } from './problems';

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
    const spec: { status: number; challenge?: keyof typeof CHALLENGES } = PROBLEMS[code];
    this.status = spec.status;
    this.headers = { ...headers };
    if (spec.challenge !== undefined) this.headers['WWW-Authenticate'] = CHALLENGES[spec.challenge];
  }

  body(): Record<string, unknown> {
    return {
      type: problemType(this.code),
      title: PROBLEMS[this.code].title,
      status: this.status,
      detail: this.detail,
      code: this.code,
      ...this.extras,
    };
  }
}

/** `Retry-After` in whole seconds (at least 1), from milliseconds. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
