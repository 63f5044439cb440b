import { resolveCommon } from '../middleware/options';
import { sessionMiddleware, type SessionMiddleware } from '../middleware/session-middleware';
import { buildDirectValidator } from './build-validator';
import type { DirectSessionOptions } from './options';

/**
 * Express middleware (direct mode): validates the token in-process against the auth-api's Redis with
 * @sessiond/session-store (one round trip, no call to the auth-api), puts the session on
 * `req.sessiond` and calls next(). The same answers as introspection mode, except that refusals say
 * why (token_revoked, session_evicted, session_lifetime_exceeded) and an outage is 503
 * session_store_unavailable. Needs @sessiond/session-store installed (it brings ioredis).
 */
export function requireSession(options: DirectSessionOptions): SessionMiddleware {
  const common = resolveCommon(options);
  return sessionMiddleware(buildDirectValidator(options, common.touch, common.onError), common);
}
