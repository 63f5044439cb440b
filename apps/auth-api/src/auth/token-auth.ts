import type { IncomingHttpHeaders } from 'node:http';
import {
  DETAILS,
  TOKEN_REFUSALS,
  TOKEN_REFUSAL_OF_REASON,
  readPresentedToken,
  type TokenParse,
} from '@sessiond/protocol';
import type { InvalidReason, SessionStore } from '@sessiond/session-store';
import { ProblemError } from '../http/problem-error';
import type { CurrentSession } from '../http/request-context';
import type { Metrics } from '../metrics';

export function invalidTokenProblem(reason: InvalidReason): ProblemError {
  const code = TOKEN_REFUSAL_OF_REASON[reason];
  return new ProblemError(code, TOKEN_REFUSALS[code]);
}

/** The presented token, or the 400 / 401 problem for a conflicting or missing one. */
function presentedToken(headers: IncomingHttpHeaders, cookieName?: string): string {
  const parsed: TokenParse = readPresentedToken(headers, cookieName);
  if (parsed.kind === 'conflict') throw new ProblemError('invalid_request', DETAILS.tokenConflict);
  if (parsed.kind === 'missing') throw new ProblemError('token_missing', DETAILS.tokenMissing);
  return parsed.token;
}

/**
 * Reads `X-auth-token` or `Authorization: Bearer` (or, for forward-auth, its cookie) and validates it
 * (one Redis round trip, counting as activity). Refusals are ProblemErrors; a Redis outage propagates
 * as StoreUnavailableError (503), never a 401.
 */
export async function authenticateToken(
  headers: IncomingHttpHeaders,
  store: SessionStore,
  metrics: Metrics,
  cookieName?: string,
): Promise<CurrentSession> {
  const token = presentedToken(headers, cookieName);
  const result = await store.validate(token);
  metrics.validations.inc({ result: result.valid ? 'valid' : result.reason });
  if (!result.valid) throw invalidTokenProblem(result.reason);
  return { session: result.session, token };
}
