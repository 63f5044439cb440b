import type { IncomingHttpHeaders } from 'node:http';
import { DETAILS, TOKEN_REFUSALS, readToken, type TokenRefusalCode } from '@sessiond/protocol';
import type { InvalidReason, SessionStore } from '@sessiond/session-store';
import { ProblemError } from '../http/problem-error';
import type { CurrentSession } from '../http/request-context';
import type { Metrics } from '../metrics';

const REASON_CODE: Record<InvalidReason, TokenRefusalCode> = {
  invalid: 'token_invalid',
  revoked: 'token_revoked',
  evicted: 'session_evicted',
  lifetime_exceeded: 'session_lifetime_exceeded',
};

export function invalidTokenProblem(reason: InvalidReason): ProblemError {
  const code = REASON_CODE[reason];
  return new ProblemError(code, TOKEN_REFUSALS[code]);
}

/**
 * Reads `X-auth-token` or `Authorization: Bearer` and validates it (one Redis round trip, counting
 * as activity). Refusals are ProblemErrors; a Redis outage propagates as StoreUnavailableError
 * (503), never a 401.
 */
export async function authenticateToken(
  headers: IncomingHttpHeaders,
  store: SessionStore,
  metrics: Metrics,
): Promise<CurrentSession> {
  const parsed = readToken(headers['x-auth-token'], headers.authorization);
  if (parsed.kind === 'conflict') throw new ProblemError('invalid_request', DETAILS.tokenConflict);
  if (parsed.kind === 'missing') throw new ProblemError('token_missing', DETAILS.tokenMissing);
  const result = await store.validate(parsed.token);
  metrics.validations.inc({ result: result.valid ? 'valid' : result.reason });
  if (!result.valid) throw invalidTokenProblem(result.reason);
  return { session: result.session, token: parsed.token };
}
