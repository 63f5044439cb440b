import type { LimitPolicy } from './options';
import type { SessionDescriptor } from './types';

/** Base of every error the store throws; `code` is stable and safe to switch on. */
export abstract class SessionStoreError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Redis is down, unreachable, loading, or slower than the operation timeout. Never means "no session". */
export class StoreUnavailableError extends SessionStoreError {
  readonly code: string = 'store_unavailable';
}

/**
 * A state change ran on the master, but fewer replicas than `replication.replicas` confirmed it
 * within `replication.timeoutMs` (WAIT): not acknowledged, since a failover could lose it. A login
 * is undone before this is thrown (no usable session is left behind).
 */
export class ReplicationTimeoutError extends StoreUnavailableError {
  override readonly code = 'replication_timeout';

  constructor(
    operation: string,
    readonly replicas: number,
    readonly confirmed: number,
  ) {
    super(`${operation}: ${confirmed} of ${replicas} replicas confirmed the write in time`);
  }
}

/** The user already holds `limit` live sessions and the policy is `reject`. */
export class SessionLimitError extends SessionStoreError {
  readonly code = 'session_limit_reached';

  constructor(
    readonly limit: number,
    readonly policy: LimitPolicy,
    /** Milliseconds until the soonest of the live sessions idles out. */
    readonly retryAfterMs: number,
    /** The live sessions (descriptors only, never tokens), newest first. */
    readonly sessions: readonly SessionDescriptor[],
  ) {
    super(`session limit of ${limit} reached`);
  }

  get active(): number {
    return this.sessions.length;
  }
}

/** Too many failed logins of this user from this address (see SessionStore.recordLoginFailure). */
export class LoginThrottledError extends SessionStoreError {
  readonly code = 'login_throttled';

  constructor(
    /** Milliseconds until the failure window ends. */
    readonly retryAfterMs: number,
  ) {
    super('too many failed logins for this user from this address');
  }
}

/** A create() argument is out of range (the message names it). */
export class InvalidSessionInputError extends SessionStoreError {
  readonly code = 'invalid_session_input';

  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** A constructor option is out of range (the message names it). */
export class InvalidStoreOptionsError extends SessionStoreError {
  readonly code = 'invalid_store_options';

  constructor(
    readonly option: string,
    reason: string,
  ) {
    super(`SessionStore option ${option}: ${reason}`);
  }
}

/** Two usernames produced the same 64-bit user tag in one bucket; refused rather than mixed. */
export class UserTagCollisionError extends SessionStoreError {
  readonly code = 'user_tag_collision';
}

/** Redis answered something the store does not understand (a bug or a foreign script). */
export class StoreReplyError extends SessionStoreError {
  readonly code = 'store_reply_invalid';
}
