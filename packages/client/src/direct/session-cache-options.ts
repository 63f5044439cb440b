import { InvalidOptionsError } from '../errors';
import { integer } from '../options';
import type { SessionCacheOptions } from './options';
import type { RedisClient } from './redis-types';

/** The session cache's defaults (README: "The session cache"). */
export const SESSION_CACHE_DEFAULTS = Object.freeze({
  maxEntries: 100_000,
  maxBytes: 64 * 1024 * 1024,
  heartbeatMs: 1000,
  /** Upper bound of the back-off between attempts to re-establish tracking. */
  maxRetryDelayMs: 5000,
});

export interface ResolvedSessionCache {
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly heartbeatMs: number;
  readonly maxRetryDelayMs: number;
  /** The client to duplicate: `sessionCache.redis` with `store`, undefined with `redis` (its own). */
  readonly redis: RedisClient | undefined;
}

/**
 * Checks `sessionCache` (errors name the option); undefined when the cache is off. On by default when
 * the middleware builds its own Redis client (`ownsClient`), which it can duplicate; with `store` only
 * when a client is given to duplicate.
 */
export function resolveSessionCache(option: unknown, ownsClient: boolean): ResolvedSessionCache | undefined {
  if (option === false || (option === undefined && !ownsClient)) return undefined;
  if (option !== undefined && option !== true && (typeof option !== 'object' || option === null)) {
    throw new InvalidOptionsError('sessionCache', 'must be true, false or { maxEntries?, maxBytes?, … }');
  }
  const given: SessionCacheOptions = typeof option === 'object' ? option : {};
  const redis = given.redis;
  if (ownsClient && redis !== undefined) {
    throw new InvalidOptionsError(
      'sessionCache.redis',
      'only with `store` (with `redis` the middleware uses its own client)',
    );
  }
  if (!ownsClient && typeof (redis as { duplicate?: unknown } | undefined)?.duplicate !== 'function') {
    throw new InvalidOptionsError(
      'sessionCache.redis',
      'with `store`, the session cache needs an ioredis client of the store’s Redis to duplicate',
    );
  }
  return {
    maxEntries: integer(
      'sessionCache.maxEntries',
      given.maxEntries ?? SESSION_CACHE_DEFAULTS.maxEntries,
      1,
      10_000_000,
    ),
    maxBytes: integer(
      'sessionCache.maxBytes',
      given.maxBytes ?? SESSION_CACHE_DEFAULTS.maxBytes,
      65_536,
      2 ** 40,
    ),
    heartbeatMs: integer(
      'sessionCache.heartbeatMs',
      given.heartbeatMs ?? SESSION_CACHE_DEFAULTS.heartbeatMs,
      50,
      60_000,
    ),
    maxRetryDelayMs: SESSION_CACHE_DEFAULTS.maxRetryDelayMs,
    redis,
  };
}
