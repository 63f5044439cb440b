import { Cluster, Redis, type RedisOptions } from 'ioredis';

export interface RedisConnectionOptions {
  /** `redis://` or `rediss://` URL (user and password allowed); ignored when clusterNodes is set. */
  readonly url?: string;
  /** Redis Cluster seed nodes; the URL's credentials and TLS setting still apply to every node. */
  readonly clusterNodes?: readonly { readonly host: string; readonly port: number }[];
  /** A command not answered within this time fails (default 500 ms). */
  readonly commandTimeoutMs?: number;
  /** Connecting gives up after this time (default 1000 ms); reconnects continue in the background. */
  readonly connectTimeoutMs?: number;
  /** Upper bound of the reconnect back-off (default 500 ms), so service resumes soon after Redis returns. */
  readonly maxReconnectDelayMs?: number;
  /** Client name shown by CLIENT LIST. */
  readonly connectionName?: string;
}

/**
 * An ioredis client configured to fail fast: no offline queue (a command while disconnected fails at
 * once instead of waiting), no per-request retries, a command timeout, and quick reconnects. The
 * store's own operation timeout is the last guard; this keeps failures well inside it.
 */
export function createRedisClient(options: RedisConnectionOptions): Redis | Cluster {
  const common: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 500,
    connectTimeout: options.connectTimeoutMs ?? 1000,
    retryStrategy: (attempt: number) =>
      Math.min(50 * 2 ** Math.min(attempt, 10), options.maxReconnectDelayMs ?? 500),
    ...(options.connectionName !== undefined ? { connectionName: options.connectionName } : {}),
  };
  const url = options.url ?? 'redis://127.0.0.1:6379';
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
        slotsRefreshTimeout: options.connectTimeoutMs ?? 1000,
        clusterRetryStrategy: (attempt: number) =>
          Math.min(100 * 2 ** Math.min(attempt, 10), options.maxReconnectDelayMs ?? 500),
        redisOptions: { ...common, ...urlCredentials(url) },
      },
    );
  }
  return new Redis(url, common);
}

/**
 * The user, password and TLS setting of a `redis://` / `rediss://` URL, for the nodes of a cluster
 * client (ioredis takes a URL for a single node only).
 */
export function urlCredentials(url: string): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  const parsed = new URL(url);
  return {
    ...(parsed.username !== '' ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password !== '' ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
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
