import { createRedisClient, urlCredentials } from '@sessiond/session-store';
import { Cluster, Redis } from 'ioredis';
import type { HostPort } from './config';

export interface RedisTarget {
  readonly url: string;
  readonly clusterNodes?: readonly HostPort[] | undefined;
}

/**
 * The store's client: the fail-fast settings of createRedisClient (no offline queue, quick
 * reconnects), but a command timeout long enough for a full sweep step. A step whose reply is given
 * up on after Redis ran it would leave its expiries unreported, so the sweeper waits rather than
 * abandon one; latency matters to logins, not to sweeping.
 */
export function createStoreRedis(target: RedisTarget): Redis | Cluster {
  return createRedisClient({
    url: target.url,
    ...(target.clusterNodes !== undefined ? { clusterNodes: target.clusterNodes } : {}),
    commandTimeoutMs: STORE_COMMAND_TIMEOUT_MS,
    connectTimeoutMs: 2000,
    connectionName: 'sessiond-sweeper',
  });
}

export const STORE_COMMAND_TIMEOUT_MS = 10_000;
/** The store's own guard sits above the client's command timeout. */
export const STORE_OPERATION_TIMEOUT_MS = 15_000;

/**
 * BullMQ's connection: a separate client, because BullMQ needs `maxRetriesPerRequest: null` (its
 * blocking commands must not fail on a retry count) and an offline queue, the opposite of the
 * store's settings. Workers duplicate it for their blocking connection.
 */
export function createBullConnection(target: RedisTarget): Redis | Cluster {
  const name = 'sessiond-sweeper-bullmq';
  if (target.clusterNodes !== undefined && target.clusterNodes.length > 0) {
    return new Cluster(
      target.clusterNodes.map(({ host, port }) => ({ host, port })),
      {
        scaleReads: 'master',
        enableReadyCheck: true,
        redisOptions: { maxRetriesPerRequest: null, connectionName: name, ...urlCredentials(target.url) },
      },
    );
  }
  return new Redis(target.url, { maxRetriesPerRequest: null, connectionName: name });
}
