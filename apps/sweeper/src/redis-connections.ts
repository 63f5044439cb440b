import {
  connectionOptions,
  createRedisClient,
  urlCredentials,
  type RedisSentinelOptions,
  type RedisTlsFiles,
} from '@sessiond/session-store';
import { Cluster, Redis } from 'ioredis';
import type { HostPort } from './config';

/** Where Redis is (config.redis): a URL, a cluster, or Sentinels; TLS files for `rediss://`. */
export interface RedisTarget {
  readonly url: string;
  readonly clusterNodes?: readonly HostPort[] | undefined;
  readonly sentinel?: RedisSentinelOptions | undefined;
  readonly tls?: RedisTlsFiles | undefined;
}

/**
 * The store's client: the fail-fast settings of createRedisClient (no offline queue, quick
 * reconnects, Sentinel failover detection), but a command timeout long enough for a full sweep
 * step. A step whose reply is given up on after Redis ran it would leave its expiries unreported, so
 * the sweeper waits rather than abandon one; latency matters to logins, not to sweeping.
 */
export function createStoreRedis(target: RedisTarget): Redis | Cluster {
  return createRedisClient({
    url: target.url,
    clusterNodes: target.clusterNodes,
    sentinel: target.sentinel,
    tls: target.tls,
    commandTimeoutMs: STORE_COMMAND_TIMEOUT_MS,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    connectionName: 'sessiond-sweeper',
  });
}

export const STORE_COMMAND_TIMEOUT_MS = 10_000;
/** The store's own guard sits above the client's command timeout. */
export const STORE_OPERATION_TIMEOUT_MS = 15_000;
const CONNECT_TIMEOUT_MS = 2000;
/** BullMQ's reconnects (and Sentinel look-ups) back off to at most this. */
const BULL_MAX_RECONNECT_DELAY_MS = 2000;

/**
 * BullMQ's connection: a separate client, because BullMQ needs `maxRetriesPerRequest: null` (its
 * blocking commands must not fail on a retry count) and an offline queue, the opposite of the
 * store's settings. It reaches Redis as the store's client does: the URL's credentials and database,
 * the same TLS files, the same Sentinels and failover detection (connectionOptions). Workers
 * duplicate it for their blocking connection, with these same options.
 */
export function createBullConnection(target: RedisTarget): Redis | Cluster {
  const name = 'sessiond-sweeper-bullmq';
  if (target.clusterNodes !== undefined && target.clusterNodes.length > 0) {
    return new Cluster(
      target.clusterNodes.map(({ host, port }) => ({ host, port })),
      {
        scaleReads: 'master',
        enableReadyCheck: true,
        redisOptions: {
          maxRetriesPerRequest: null,
          connectionName: name,
          ...urlCredentials(target.url, target.tls),
        },
      },
    );
  }
  return new Redis(target.url, {
    maxRetriesPerRequest: null,
    connectionName: name,
    connectTimeout: CONNECT_TIMEOUT_MS,
    ...connectionOptions(target, {
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      maxReconnectDelayMs: BULL_MAX_RECONNECT_DELAY_MS,
    }),
  });
}
