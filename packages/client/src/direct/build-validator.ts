import { createRedisClient, SessionStore, waitUntilReady } from '@sessiond/session-store';
import { InvalidOptionsError } from '../errors';
import type { TokenValidator } from '../middleware/validators';
import { CachedValidation, type CacheableStore, type SessionCacheStats } from './cached-validation';
import { directOutage, directValidator, type OwnConnection } from './direct-validator';
import type { DirectSessionOptions, RedisStoreOptions, TokenStore } from './options';
import type { RedisClient } from './redis-types';
import { resolveSessionCache, type ResolvedSessionCache } from './session-cache-options';

/** A direct validator, and what its session cache has done (undefined when the cache is off). */
export interface DirectTokenValidator extends TokenValidator {
  sessionCache(): SessionCacheStats | undefined;
}

type ValidatorSource = Pick<DirectSessionOptions, 'mode' | 'store' | 'redis' | 'sessionCache'>;

/** Builds the direct validator a DirectSessionOptions describes; errors name the option. */
export function buildDirectValidator(
  options: ValidatorSource,
  touch: boolean,
  onError: (error: Error) => void,
): DirectTokenValidator {
  const mode: unknown = options.mode;
  if (mode === 'introspection') {
    throw new InvalidOptionsError('mode', "introspection mode is requireSession from '@sessiond/client'");
  }
  if (mode !== 'direct') throw new InvalidOptionsError('mode', "must be 'direct'");
  const connectionless: OwnConnection = { ready: () => Promise.resolve(), close: () => Promise.resolve() };
  if (options.store !== undefined) {
    if (typeof (options.store as { validate?: unknown }).validate !== 'function') {
      throw new InvalidOptionsError('store', 'must be a SessionStore');
    }
    const cache = resolveSessionCache(options.sessionCache, false);
    if (cache?.redis === undefined) return uncached(directValidator(options.store, touch, connectionless));
    return cachedValidator(
      cacheable(options.store),
      cache.redis,
      { ...cache, touch },
      onError,
      connectionless,
    );
  }
  if (typeof options.redis !== 'object' || options.redis === null) {
    throw new InvalidOptionsError('store', 'direct mode needs a store (SessionStore) or redis options');
  }
  // Checked before a Redis client is built, so that a bad option leaves no connection behind.
  const cache = resolveSessionCache(options.sessionCache, true);
  return redisValidator(options.redis, touch, cache, onError);
}

function redisValidator(
  options: RedisStoreOptions,
  touch: boolean,
  cache: ResolvedSessionCache | undefined,
  onError: (error: Error) => void,
): DirectTokenValidator {
  const { keyPrefix, buckets, indexShards, operationTimeoutMs, ...connection } = options;
  if (connection.url !== undefined) checkRedisUrl(connection.url);
  const redis = createRedisClient({ connectionName: 'sessiond-client', ...connection });
  // ioredis prints unhandled 'error' events to the console; they go to onError instead.
  redis.on('error', (error: Error) => onError(error));
  let store: SessionStore;
  try {
    store = new SessionStore(redis, {
      ...(keyPrefix !== undefined ? { keyPrefix } : {}),
      ...(buckets !== undefined ? { buckets } : {}),
      ...(indexShards !== undefined ? { indexShards } : {}),
      ...(operationTimeoutMs !== undefined ? { operationTimeoutMs } : {}),
    });
  } catch (error) {
    redis.disconnect();
    const option = (error as { option?: unknown }).option;
    if (typeof option !== 'string') throw error;
    throw new InvalidOptionsError(`redis.${option}`, (error as Error).message.replace(/^.*?: /, ''));
  }
  const own: OwnConnection = {
    ready: (timeoutMs) => waitUntilReady(redis, timeoutMs),
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
  if (cache === undefined) return uncached(directValidator(store, touch, own));
  return cachedValidator(store, redis, { ...cache, touch }, onError, own);
}

function cachedValidator(
  store: CacheableStore,
  redis: RedisClient,
  settings: ResolvedSessionCache & { touch: boolean },
  onError: (error: Error) => void,
  connection: OwnConnection,
): DirectTokenValidator {
  const cached = new CachedValidation(store, redis, settings, onError);
  return {
    mode: 'direct',
    validate: (token) => cached.validate(token),
    outage: directOutage,
    ready: (timeoutMs) => connection.ready(timeoutMs),
    close: async () => {
      cached.close();
      await connection.close();
    },
    sessionCache: () => cached.stats(),
  };
}

function uncached(validator: TokenValidator): DirectTokenValidator {
  return { ...validator, sessionCache: () => undefined };
}

/** A store the cache can follow: it must say its key prefix, buckets and touch granularity. */
function cacheable(store: TokenStore): CacheableStore {
  const settings = (store as Partial<CacheableStore>).options;
  if (typeof settings?.keyPrefix !== 'string' || typeof settings.buckets !== 'number') {
    throw new InvalidOptionsError(
      'store',
      'the session cache needs a SessionStore (its options name the keys)',
    );
  }
  return store as CacheableStore;
}

function checkRedisUrl(url: unknown): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(String(url));
  } catch {
    parsed = undefined;
  }
  if (typeof url !== 'string' || (parsed?.protocol !== 'redis:' && parsed?.protocol !== 'rediss:')) {
    throw new InvalidOptionsError('redis.url', 'must be a redis:// or rediss:// URL');
  }
}
