import { createRedisClient, SessionStore, waitUntilReady } from '@sessiond/session-store';
import { InvalidOptionsError } from '../errors';
import { SessionClient } from '../session-client';
import type { RedisStoreOptions, RequireSessionOptions } from './options';
import { directValidator, introspectionValidator, type TokenValidator } from './validators';

/** Picks and builds the validator a RequireSessionOptions describes; errors name the option. */
export function buildValidator(
  options: RequireSessionOptions,
  touch: boolean,
  onError: (error: Error) => void,
): TokenValidator {
  switch (options.mode) {
    case 'introspection': {
      if (options.client !== undefined) {
        if (!(options.client instanceof SessionClient)) {
          throw new InvalidOptionsError('client', 'must be a SessionClient');
        }
        if (!options.client.canIntrospect) {
          throw new InvalidOptionsError('client', 'the SessionClient needs clientId and clientSecret');
        }
        return introspectionValidator(options.client, touch);
      }
      if (options.clientId === undefined || options.clientSecret === undefined) {
        throw new InvalidOptionsError(
          options.clientId === undefined ? 'clientId' : 'clientSecret',
          'introspection mode needs clientId and clientSecret (or a client)',
        );
      }
      return introspectionValidator(new SessionClient(options), touch);
    }
    case 'direct': {
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
    default:
      throw new InvalidOptionsError('mode', "must be 'introspection' or 'direct'");
  }
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
