// `@sessiond/client`: SessionClient, and requireSession in introspection mode. Nothing here loads
// @sessiond/session-store or ioredis; direct mode is `@sessiond/client/direct` (src/direct/).
export {
  InvalidArgumentError,
  InvalidOptionsError,
  SessiondError,
  SessiondResponseError,
  SessiondUnavailableError,
} from './errors';
export { SessiondProblemError } from './problem-error';
export { CLIENT_DEFAULTS, type SessionClientOptions } from './options';
export { SessionClient, type AuthorizeOptions, type IntrospectOptions } from './session-client';
export type { AaaFailure, CommandAuthorization, Introspection, LoginResult, SessionInfo } from './types';
export type { CommandOption } from './middleware/command-check';
export type { CacheOptions } from './middleware/cache';
export {
  CACHE_DEFAULTS,
  type CommonOptions,
  type IntrospectionClientOptions,
  type IntrospectionUrlOptions,
  type RequireSessionOptions,
} from './middleware/options';
export { MIDDLEWARE_PROBLEMS, type MiddlewareProblemCode } from './middleware/problems';
export { requireSession } from './middleware/require-session';
export type { SessionMiddleware } from './middleware/session-middleware';
export { sessionOf, type SessiondSession } from './middleware/session';
// The wire contract the client speaks, from @sessiond/protocol (its one owner).
export {
  AUTHORIZE_PATH,
  INTROSPECT_PATH,
  TOKEN_SERVICES_PATH,
  readToken,
  type ServerProblemCode,
  type TokenParse,
} from '@sessiond/protocol';
