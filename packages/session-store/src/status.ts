import type { InvalidReason } from './types';

/** The first element of every script reply: 0, or a small negative failure code (see lua/*.lua). */
export const ScriptStatus = {
  Ok: 0,
  LimitReached: -1,
  IdTaken: -2,
  Invalid: -3,
  Revoked: -4,
  Evicted: -5,
  LifetimeExceeded: -6,
  NotFound: -7,
  UserTagCollision: -8,
  LoginThrottled: -9,
  /** The caller's deadline had passed when the script ran: it did nothing. */
  DeadlinePassed: -10,
} as const;

export function invalidReason(status: number): InvalidReason {
  switch (status) {
    case ScriptStatus.Revoked:
      return 'revoked';
    case ScriptStatus.Evicted:
      return 'evicted';
    case ScriptStatus.LifetimeExceeded:
      return 'lifetime_exceeded';
    default:
      return 'invalid';
  }
}
