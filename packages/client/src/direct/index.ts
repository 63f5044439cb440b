// `@sessiond/client/direct`: direct mode, validating tokens in-process against the auth-api's Redis.
// Kept out of the main entry point so that introspection users never load @sessiond/session-store
// and ioredis (an optional peer dependency, needed here only).
export { requireSession, type DirectSessionMiddleware } from './require-session';
export {
  createDirectValidator,
  type DirectValidator,
  type DirectValidatorOptions,
} from './create-direct-validator';
export type { SessionCacheStats } from './cached-validation';
export { SESSION_CACHE_DEFAULTS } from './session-cache-options';
export type { Verdict } from '../middleware/validators';
export type {
  DirectCommonOptions,
  DirectRedisOptions,
  DirectSessionOptions,
  DirectStoreOptions,
  RedisStoreOptions,
  SessionCacheOptions,
  TokenStore,
} from './options';
