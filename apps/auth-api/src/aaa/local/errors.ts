/**
 * The login's HTTP client went away (its connection closed) before its local password check ran:
 * nothing was hashed, and nothing counts toward any limit, since nobody will read the answer.
 */
export class LoginAbandonedError extends Error {
  readonly code = 'login_abandoned';

  constructor() {
    super('the client went away before its password was checked');
    this.name = 'LoginAbandonedError';
  }
}

/**
 * The local method cannot check a password now: too many checks are waiting for a hashing thread
 * (`queue-full`, LOCAL_HASH_QUEUE_MAX), or the login's AAA deadline passed before its check gave a
 * verdict (`deadline`). Never a reject: the HTTP answer is 503 aaa_overloaded with Retry-After.
 */
export class LocalOverloadedError extends Error {
  readonly code = 'aaa_overloaded';

  constructor(
    readonly reason: 'queue-full' | 'deadline',
    /** When the waiting checks should have drained (at least a second is advised). */
    readonly retryAfterMs: number,
  ) {
    super(
      reason === 'queue-full'
        ? 'too many local password checks are waiting'
        : 'the login deadline passed before its local password check gave a verdict',
    );
    this.name = 'LocalOverloadedError';
  }
}
