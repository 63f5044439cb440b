import type { RedisConnectionOptions, SessionStore } from '@sessiond/session-store';
import type { CommonOptions } from '../middleware/options';
import type { SessionClient } from '../session-client';
import type { RedisClient } from './redis-types';

/** What direct mode needs of a SessionStore. */
export type TokenStore = Pick<SessionStore, 'validate'>;

/** What both direct variants share. */
export interface DirectCommonOptions extends CommonOptions {
  /**
   * Direct mode validates tokens without the auth-api, but only the auth-api can ask TACACS+: with
   * `command`, give a SessionClient with clientId and clientSecret (an INTROSPECTION_CLIENTS_FILE
   * client) to ask it (POST /api/v1/auth/authorize). Required with `command`, unused without.
   */
  readonly authorizeClient?: SessionClient;
  /**
   * The session cache: validated sessions kept in-process and served without Redis, dropped the moment
   * Redis reports a write to their keys (server-assisted client-side caching). `true` or options: on;
   * `false`: off. Default: on with `redis`, off with `store` (give `sessionCache.redis` to turn it on).
   */
  readonly sessionCache?: boolean | SessionCacheOptions;
}

/** The session cache's settings (README: "The session cache"). */
export interface SessionCacheOptions {
  /** Most sessions kept (default 100,000); the least recently used go first. */
  readonly maxEntries?: number;
  /** Most memory the entries may take, estimated, in bytes (default 64 MiB). */
  readonly maxBytes?: number;
  /**
   * With `store`: a client of the store's Redis (the store's own is fine; a Cluster client for a
   * cluster). It is not used itself: it is duplicated for the two connections of each master. With
   * `redis`, leave it out (the middleware duplicates its own client).
   */
  readonly redis?: RedisClient;
  /**
   * ms between heartbeats of those connections (default 1000). A pair that misses one is down: the
   * cache is dropped, and rebuilt once the pair is back. It bounds how long a silently broken
   * connection (a network partition) can hide a revocation.
   */
  readonly heartbeatMs?: number;
}

/** Direct mode with a SessionStore on the auth-api's Redis (same keyPrefix, buckets, indexShards). */
export interface DirectStoreOptions extends DirectCommonOptions {
  readonly mode: 'direct';
  readonly store: TokenStore;
  readonly redis?: never;
}

/**
 * Direct mode, building its own Redis client and SessionStore; close() ends the connection. The
 * store settings must equal the auth-api's REDIS_KEY_PREFIX, SESSION_STORE_BUCKETS and
 * SESSION_STORE_INDEX_SHARDS.
 */
export interface DirectRedisOptions extends DirectCommonOptions {
  readonly mode: 'direct';
  readonly redis: RedisStoreOptions;
  readonly store?: never;
}

export interface RedisStoreOptions extends RedisConnectionOptions {
  /** The auth-api's REDIS_KEY_PREFIX (default `sessiond`). */
  readonly keyPrefix?: string;
  /** The auth-api's SESSION_STORE_BUCKETS (default 64). */
  readonly buckets?: number;
  /** The auth-api's SESSION_STORE_INDEX_SHARDS (default 32). */
  readonly indexShards?: number;
  /** Every validation settles within this many ms, else 503 (default 1000). */
  readonly operationTimeoutMs?: number;
}

/** The options of `@sessiond/client/direct`'s requireSession. */
export type DirectSessionOptions = DirectStoreOptions | DirectRedisOptions;
