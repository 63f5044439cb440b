import type { TacacsUnavailableError, UnavailableReason } from '../errors';

/** A server answered PASS. `server` is host:port of the server that answered. */
export interface TacacsPassBase {
  readonly status: 'pass';
  readonly server: string;
  readonly serverMsg: string;
}

/**
 * A server answered FAIL (authoritative: no retry, no failover). `reason` tells FAIL from FOLLOW,
 * RESTART, GETDATA or an unexpected reply, which the client also ends as a FAIL.
 */
export interface TacacsFail {
  readonly status: 'fail';
  readonly server: string;
  readonly serverMsg: string;
  readonly reason: 'fail' | 'follow' | 'restart' | 'getdata' | 'unexpected';
}

/** No server answered: the error lists every attempt's cause. */
export interface TacacsUnavailable {
  readonly status: 'unavailable';
  readonly error: TacacsUnavailableError;
  readonly reason: UnavailableReason;
  readonly serversTried: number;
  readonly attempts: number;
  /** Servers not contacted because they were held down (or another operation was probing them). */
  readonly skipped: readonly string[];
  /**
   * When every server is held down after this operation: the epoch ms at which the soonest one may
   * be probed again (a caller's Retry-After). Undefined when some server is not held down.
   */
  readonly retryAt: number | undefined;
}

export type AuthenticationResult = TacacsPassBase | TacacsFail | TacacsUnavailable;

export interface AuthorizationPass extends TacacsPassBase {
  /** From the server's arguments; missing or invalid = 0. */
  readonly privLvl: number;
  readonly args: readonly string[];
  /** True for PASS_REPL (the server's arguments replace the request's). */
  readonly replaced: boolean;
}

export type AuthorizationResult = AuthorizationPass | TacacsFail | TacacsUnavailable;

export type AccountingResult = TacacsPassBase | TacacsFail | TacacsUnavailable;
