import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { WriteBatchingRedis } from './write-batching-redis';
import {
  DEFAULT_REDIS_URL,
  backoff,
  connectionOptions,
  urlCredentials,
  type RedisTarget,
} from './redis-target';

export interface RedisConnectionOptions extends RedisTarget {
  /** A command not answered within this time fails (default 500 ms). */
  readonly commandTimeoutMs?: number;
  /** Connecting gives up after this time (default 1000 ms); reconnects continue in the background. */
  readonly connectTimeoutMs?: number;
  /** Upper bound of the reconnect back-off (default 500 ms), so service resumes soon after Redis returns. */
  readonly maxReconnectDelayMs?: number;
  /** Client name shown by CLIENT LIST. */
  readonly connectionName?: string;
  /**
   * Send the commands of one event-loop turn in one write (default false; a single node or
   * Sentinel's master, not a cluster). For a server answering many clients at once: each write is a
   * system call here and a read for Redis, the largest cost of a validation on loopback
   * (write-batching-redis.ts, bench/results/profile.md).
   */
  readonly batchWrites?: boolean;
}

/**
 * An ioredis client configured to fail fast: no offline queue (a command while disconnected fails at
 * once instead of waiting), no per-request retries, a command timeout, and quick reconnects. The
 * store's own operation timeout is the last guard; this keeps failures well inside it.
 */
export function createRedisClient(options: RedisConnectionOptions): Redis | Cluster {
  const timing = {
    connectTimeoutMs: options.connectTimeoutMs ?? 1000,
    maxReconnectDelayMs: options.maxReconnectDelayMs ?? 500,
  };
  const common: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 500,
    connectTimeout: timing.connectTimeoutMs,
    retryStrategy: (attempt: number) => backoff(attempt, timing.maxReconnectDelayMs),
    ...(options.connectionName !== undefined ? { connectionName: options.connectionName } : {}),
  };
  const url = options.url ?? DEFAULT_REDIS_URL;
  if (options.clusterNodes !== undefined && options.clusterNodes.length > 0) {
    return new Cluster(
      options.clusterNodes.map(({ host, port }) => ({ host, port })),
      {
        enableOfflineQueue: false,
        enableReadyCheck: true,
        scaleReads: 'master',
        maxRedirections: 16,
        retryDelayOnFailover: 100,
        retryDelayOnClusterDown: 100,
        slotsRefreshTimeout: timing.connectTimeoutMs,
        clusterRetryStrategy: (attempt: number) => backoff(attempt, timing.maxReconnectDelayMs, 100),
        redisOptions: { ...common, ...urlCredentials(url, options.tls) },
      },
    );
  }
  // A single node, or the master the Sentinels name (the URL's host and port are then unused).
  const client = options.batchWrites === true ? WriteBatchingRedis : Redis;
  return new client(url, { ...common, ...connectionOptions(options, timing) });
}

/** Resolves once the client is ready, or rejects after `timeoutMs` (it keeps reconnecting regardless). */
export function waitUntilReady(redis: Redis | Cluster, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis not ready within ${timeoutMs} ms (status ${redis.status})`));
    }, timeoutMs);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
