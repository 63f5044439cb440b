// `@sessiond/client/direct`: direct mode, validating tokens in-process against the auth-api's Redis.
// Kept out of the main entry point so that introspection users never load @sessiond/session-store
// and ioredis (an optional peer dependency, needed here only).
export { requireSession } from './require-session';
export type {
  DirectCommonOptions,
  DirectRedisOptions,
  DirectSessionOptions,
  DirectStoreOptions,
  RedisStoreOptions,
  TokenStore,
} from './options';
