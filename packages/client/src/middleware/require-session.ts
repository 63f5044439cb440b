import { buildIntrospectionClient } from './build-validator';
import { resolveCommon, type RequireSessionOptions } from './options';
import { sessionMiddleware, type SessionMiddleware } from './session-middleware';
import { introspectionValidator } from './validators';

/**
 * Express middleware (introspection mode): reads the token like the auth-api (X-auth-token or
 * Authorization: Bearer), asks the auth-api (RFC 7662), puts the session on `req.sessiond` and calls
 * next(). Refusals are the auth-api's problem+json bodies (400 invalid_request, 401 token_*, 403
 * insufficient_privilege). When the answer cannot be had it is 503 sessiond_unavailable with
 * Retry-After: never 401 because sessiond is down. With `command`, the session's user must also be
 * authorized to run it (403 command_denied otherwise). Unexpected errors go to next(error). Direct
 * mode (the shared Redis) is `@sessiond/client/direct`.
 */
export function requireSession(options: RequireSessionOptions): SessionMiddleware {
  const common = resolveCommon(options);
  const client = buildIntrospectionClient(options);
  return sessionMiddleware(introspectionValidator(client, common.touch), common, client);
}
