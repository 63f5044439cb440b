import type { RequestHandler, Response } from 'express';
import type { InvalidReason, SessionDescriptor, SessionStore } from '@sessiond/session-store';
import { ProblemError } from '../http/problem-error';
import { DETAILS, TOKEN_REFUSALS, readToken, type TokenRefusalCode } from '@sessiond/protocol';
import type { Metrics } from '../metrics';

const REASON_CODE: Record<InvalidReason, TokenRefusalCode> = {
  invalid: 'token_invalid',
  revoked: 'token_revoked',
  evicted: 'session_evicted',
  lifetime_exceeded: 'session_lifetime_exceeded',
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
  const code = REASON_CODE[reason];
  return new ProblemError(code, TOKEN_REFUSALS[code]);
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
      throw new ProblemError('token_missing', DETAILS.tokenMissing);
    }
    const result = await store.validate(parsed.token);
    metrics.validations.inc({ result: result.valid ? 'valid' : result.reason });
    if (!result.valid) throw invalidTokenProblem(result.reason);
    res.locals['current'] = { session: result.session, token: parsed.token } satisfies CurrentSession;
    next();
  };
}
