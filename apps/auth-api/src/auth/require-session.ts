import type { RequestHandler, Response } from 'express';
import type { InvalidReason, SessionDescriptor, SessionStore } from '@sessiond/session-store';
import { ProblemError } from '../http/problem-error';
import type { ProblemCode } from '../http/problems';
import { readToken } from '../http/token-header';
import type { Metrics } from '../metrics';

const REASON_CODE: Record<InvalidReason, ProblemCode> = {
  invalid: 'token_invalid',
  revoked: 'token_revoked',
  evicted: 'session_evicted',
  lifetime_exceeded: 'session_lifetime_exceeded',
};

const REASON_DETAIL: Record<InvalidReason, string> = {
  invalid: 'the token is unknown or its session idled out; log in again',
  revoked: 'the session was logged out or revoked; log in again',
  evicted: 'a newer login of the same user ended this session (session limit, policy evict-oldest)',
  lifetime_exceeded: 'the session reached its absolute lifetime; log in again',
};

export interface CurrentSession {
  readonly session: SessionDescriptor;
  readonly token: string;
}

/** The authenticated session of a token route (set by requireSession). */
export function currentSession(res: Response): CurrentSession {
  const current = res.locals['current'] as CurrentSession | undefined;
  if (current === undefined) throw new Error('requireSession did not run for this route');
  return current;
}

export function invalidTokenProblem(reason: InvalidReason): ProblemError {
  return new ProblemError(REASON_CODE[reason], REASON_DETAIL[reason]);
}

/**
 * Token routes: reads `X-auth-token` or `Authorization: Bearer` and validates it (one Redis round
 * trip, counting as activity). A Redis outage propagates as StoreUnavailableError (503), never 401.
 */
export function requireSession(store: SessionStore, metrics: Metrics): RequestHandler {
  return async (req, res, next) => {
    const parsed = readToken(req.headers['x-auth-token'], req.headers.authorization);
    if (parsed.kind === 'conflict') {
      throw new ProblemError(
        'invalid_request',
        'X-auth-token and Authorization: Bearer carry different tokens',
      );
    }
    if (parsed.kind === 'missing') {
      throw new ProblemError('token_missing', 'send the token in X-auth-token (or Authorization: Bearer)');
    }
    const result = await store.validate(parsed.token);
    metrics.validations.inc({ result: result.valid ? 'valid' : result.reason });
    if (!result.valid) throw invalidTokenProblem(result.reason);
    res.locals['current'] = { session: result.session, token: parsed.token } satisfies CurrentSession;
    next();
  };
}
