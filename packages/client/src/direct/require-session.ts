import { checkAuthorizer } from '../middleware/command-check';
import { resolveCommon } from '../middleware/options';
import { sessionMiddleware, type SessionMiddleware } from '../middleware/session-middleware';
import { buildDirectValidator } from './build-validator';
import type { DirectSessionOptions } from './options';

/**
 * Express middleware (direct mode): validates the token in-process against the auth-api's Redis with
 * @sessiond/session-store (one round trip, no call to the auth-api), puts the session on
 * `req.sessiond` and calls next(). The same answers as introspection mode, except that refusals say
 * why (token_revoked, session_evicted, session_lifetime_exceeded) and an outage is 503
 * session_store_unavailable. Needs @sessiond/session-store installed (it brings ioredis). A required
 * `command` is still asked of the auth-api, through `authorizeClient` (TACACS+ is only reachable there).
 */
export function requireSession(options: DirectSessionOptions): SessionMiddleware {
  const common = resolveCommon(options);
  // Checked before a Redis client is built, so that a bad option leaves no connection behind.
  const authorizer =
    common.command !== undefined ? checkAuthorizer(options.authorizeClient, 'authorizeClient') : undefined;
  return sessionMiddleware(buildDirectValidator(options, common.touch, common.onError), common, authorizer);
}
