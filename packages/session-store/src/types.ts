import type { SessionPolicy } from './options';

/** What create() records about a login. */
export interface NewSession {
  readonly username: string;
  /** TACACS+ privilege level, 0–15. */
  readonly privLvl: number;
  /** Which AAA method authenticated the user, e.g. `tacacs+` or `local`. */
  readonly aaa: string;
  /** The client's address ('' when unknown). */
  readonly sourceIp: string;
  /** The client's User-Agent (kept to its first 64 bytes). */
  readonly userAgent?: string;
}

/** A session as listings and validations show it. Never carries the token. Times are ms since the epoch. */
export interface SessionDescriptor {
  readonly sessionId: string;
  readonly username: string;
  readonly privLvl: number;
  readonly aaa: string;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly createdAtMs: number;
  readonly lastAccessAtMs: number;
  /** When the session dies unless used: min(last access + idle timeout, absolute deadline). */
  readonly expiresAtMs: number;
  readonly absoluteExpiresAtMs: number;
  readonly idleTimeoutMs: number;
}

export interface CreatedSession {
  /** The bearer token: shown to the client once, stored nowhere (Redis keeps its SHA-256). */
  readonly token: string;
  readonly session: SessionDescriptor;
  /** Sessions this login ended under `evict-oldest` (empty otherwise). */
  readonly evicted: readonly SessionDescriptor[];
  /** The policy applied. */
  readonly policy: SessionPolicy;
}

/** create()'s login throttle: refuse while the user has this many failed logins from the session's source address. */
export interface CreateOptions {
  /** 0 (the default) turns the throttle off. */
  readonly maxFailures?: number;
}

export interface LoginFailure {
  /** Failed logins of the user from the address in the current window. */
  readonly failures: number;
  /** Milliseconds until the window ends. */
  readonly windowEndsInMs: number;
}

export type InvalidReason = 'invalid' | 'revoked' | 'evicted' | 'lifetime_exceeded';

export type ValidationResult =
  | { readonly valid: true; readonly session: SessionDescriptor; readonly touched: boolean }
  | { readonly valid: false; readonly reason: InvalidReason };

export interface ValidateOptions {
  /** Count this use as activity and slide the idle deadline (default true). */
  readonly touch?: boolean;
}

export type RevokeReason = 'logout' | 'admin';

export interface RevokedSession extends SessionDescriptor {
  readonly reason: RevokeReason;
}

export interface ExpiredSession extends SessionDescriptor {
  /** Whether the idle timeout or the absolute lifetime ended it. */
  readonly reason: 'idle' | 'lifetime';
  readonly expiredAtMs: number;
  readonly durationMs: number;
}

export interface SweepOptions {
  readonly bucket: number;
  /** Users looked at in this step (default 500). */
  readonly batch?: number;
  /** Never treat anything as due after this time (ms), even when the Redis clock is later. */
  readonly now?: number;
}

export interface SweepResult {
  /** Sessions whose expiry this call recorded; no other call reports them. */
  readonly expired: readonly ExpiredSession[];
  /**
   * Users who were due but whose records had already left Redis: the sweeper stayed away longer than
   * the retention period, and what expired there can no longer be reported.
   */
  readonly lost: number;
  /** Users examined; when it equals the batch size, more may be due. */
  readonly examined: number;
  readonly more: boolean;
}

export interface TopUsersOptions {
  /** How many users to return (the most sessions first). */
  readonly limit: number;
  /** Users scanned at most (default 100,000); beyond, the result says `complete: false`. */
  readonly maxUsers?: number;
}

export interface UserSessionCount {
  readonly username: string;
  /** Live sessions now. */
  readonly sessions: number;
}

export interface TopUsers {
  /** The users with the most live sessions, most first, ties by username. */
  readonly users: readonly UserSessionCount[];
  /** Users looked at in the expiry indexes. */
  readonly usersScanned: number;
  /** False when a bound stopped the scan or the exact counts: the list may then miss a user. */
  readonly complete: boolean;
}
