import { checkAuthorizer } from '../middleware/command-check';
import { resolveCommon } from '../middleware/options';
import { sessionMiddleware, type SessionMiddleware } from '../middleware/session-middleware';
import { buildDirectValidator } from './build-validator';
import type { SessionCacheStats } from './cached-validation';
import type { DirectSessionOptions } from './options';

/** Direct mode's middleware: also says what its session cache has done. */
export interface DirectSessionMiddleware extends SessionMiddleware {
  /** The session cache's counters and state, or undefined when it is off. */
  sessionCache(): SessionCacheStats | undefined;
}

/**
 * Express middleware (direct mode): validates the token in-process against the auth-api's Redis with
 * @sessiond/session-store (no call to the auth-api), puts the session on `req.sessiond` and calls
 * next(). With the session cache (on by default with `redis`), a session seen before is answered
 * without Redis until Redis reports a write to it; otherwise one round trip. The same answers as
 * introspection mode, except that refusals say why (token_revoked, session_evicted,
 * session_lifetime_exceeded) and an outage is 503 session_store_unavailable. Needs
 * @sessiond/session-store installed (it brings ioredis). A required `command` is still asked of the
 * auth-api, through `authorizeClient` (TACACS+ is only reachable there).
 */
export function requireSession(options: DirectSessionOptions): DirectSessionMiddleware {
  const common = resolveCommon(options);
  // Checked before a Redis client is built, so that a bad option leaves no connection behind.
  const authorizer =
    common.command !== undefined ? checkAuthorizer(options.authorizeClient, 'authorizeClient') : undefined;
  const validator = buildDirectValidator(options, common.touch, common.onError);
  return Object.assign(sessionMiddleware(validator, common, authorizer), {
    sessionCache: () => validator.sessionCache(),
  });
}
