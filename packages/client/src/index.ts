export {
  InvalidArgumentError,
  InvalidOptionsError,
  SessiondError,
  SessiondResponseError,
  SessiondUnavailableError,
} from './errors';
export { SessiondProblemError, type ServerProblemCode } from './problem-error';
export { CLIENT_DEFAULTS, type SessionClientOptions } from './options';
export {
  INTROSPECT_PATH,
  SessionClient,
  TOKEN_SERVICES_PATH,
  type IntrospectOptions,
} from './session-client';
export type { AaaFailure, Introspection, LoginResult, SessionInfo } from './types';
export type { CacheOptions } from './middleware/cache';
export {
  CACHE_DEFAULTS,
  type DirectRedisOptions,
  type DirectStoreOptions,
  type IntrospectionClientOptions,
  type IntrospectionUrlOptions,
  type RedisStoreOptions,
  type RequireSessionOptions,
} from './middleware/options';
export { MIDDLEWARE_PROBLEMS, type MiddlewareProblemCode } from './middleware/problems';
export { requireSession, type SessionMiddleware } from './middleware/require-session';
export { sessionOf, type SessiondSession } from './middleware/session';
export { readToken, type TokenParse } from '@sessiond/protocol';
