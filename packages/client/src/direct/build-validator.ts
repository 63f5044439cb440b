import { createRedisClient, SessionStore, waitUntilReady } from '@sessiond/session-store';
import { InvalidOptionsError } from '../errors';
import type { TokenValidator } from '../middleware/validators';
import { directValidator } from './direct-validator';
import type { DirectSessionOptions, RedisStoreOptions } from './options';

/** Builds the direct validator a DirectSessionOptions describes; errors name the option. */
export function buildDirectValidator(
  options: DirectSessionOptions,
  touch: boolean,
  onError: (error: Error) => void,
): TokenValidator {
  const mode: unknown = options.mode;
  if (mode === 'introspection') {
    throw new InvalidOptionsError('mode', "introspection mode is requireSession from '@sessiond/client'");
  }
  if (mode !== 'direct') throw new InvalidOptionsError('mode', "must be 'direct'");
  if (options.store !== undefined) {
    if (typeof (options.store as { validate?: unknown }).validate !== 'function') {
      throw new InvalidOptionsError('store', 'must be a SessionStore');
    }
    return directValidator(options.store, touch, {
      ready: () => Promise.resolve(),
      close: () => Promise.resolve(),
    });
  }
  if (typeof options.redis !== 'object' || options.redis === null) {
    throw new InvalidOptionsError('store', 'direct mode needs a store (SessionStore) or redis options');
  }
  return redisValidator(options.redis, touch, onError);
}

function redisValidator(
  options: RedisStoreOptions,
  touch: boolean,
  onError: (error: Error) => void,
): TokenValidator {
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
  return directValidator(store, touch, {
    ready: (timeoutMs) => waitUntilReady(redis, timeoutMs),
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  });
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
