import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Cluster, type Redis, type RedisOptions } from 'ioredis';
import { ClosingSentinelConnector } from './sentinel-connector';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface RedisNode {
  readonly host: string;
  readonly port: number;
}

/** Redis Sentinel: the Sentinels to ask, the name of the master they monitor, their own credentials. */
export interface RedisSentinelOptions {
  readonly sentinels: readonly RedisNode[];
  readonly masterName: string;
  /** The Sentinels' ACL user (the data nodes' user and password come from the URL). */
  readonly username?: string | undefined;
  readonly password?: string | undefined;
}

/** PEM files for a `rediss://` URL: a private CA, and a client certificate when Redis asks for one. */
export interface RedisTlsFiles {
  readonly caFile?: string | undefined;
  readonly certFile?: string | undefined;
  readonly keyFile?: string | undefined;
}

/** Where Redis is and how to authenticate and encrypt: a URL, a cluster, or Sentinels. */
export interface RedisTarget {
  /**
   * `redis://` or `rediss://` URL with user, password and database. With `clusterNodes` or
   * `sentinel`, its host and port are not used; its credentials and TLS setting still are.
   */
  readonly url?: string | undefined;
  /** Redis Cluster seed nodes. */
  readonly clusterNodes?: readonly RedisNode[] | undefined;
  /** The master that these Sentinels name (and follow through failovers). */
  readonly sentinel?: RedisSentinelOptions | undefined;
  /** Only with a `rediss://` URL: files read once, when the client is created. */
  readonly tls?: RedisTlsFiles | undefined;
}

export interface ReconnectTiming {
  /** Connecting (to a data node or a Sentinel) gives up after this time. */
  readonly connectTimeoutMs: number;
  /** Upper bound of every reconnect back-off. */
  readonly maxReconnectDelayMs: number;
}

/** 50, 100, 200 … ms, at most `maxMs`. */
export function backoff(attempt: number, maxMs: number, firstMs = 50): number {
  return Math.min(firstMs * 2 ** Math.min(attempt, 10), maxMs);
}

/**
 * What ioredis needs, besides the URL itself (`new Redis(url, options)`), to reach the master of
 * `target`: TLS material for `rediss://`, and the Sentinel settings. Shared by createRedisClient and
 * any other client of the same Redis (the sweeper's BullMQ connection), so both find the same master.
 *
 * Under Sentinel, a failover is noticed within about a second: the client subscribes to the
 * Sentinels' `+switch-master` (failoverDetector) and reconnects when it comes; a connection that
 * meets READONLY (its master was demoted while connected) reconnects at once, the command failing
 * rather than being resent; each reconnect asks the Sentinels for the master again, with short
 * back-offs and a timeout on every Sentinel command, so a hung Sentinel is skipped, not waited on.
 */
export function connectionOptions(target: RedisTarget, timing: ReconnectTiming): RedisOptions {
  const tls = tlsOptions(target);
  const sentinel = target.sentinel;
  if (sentinel === undefined) return tls === undefined ? {} : { tls };
  return {
    ...(tls === undefined ? {} : { tls, enableTLSForSentinelMode: true, sentinelTLS: tls }),
    sentinels: sentinel.sentinels.map(({ host, port }) => ({ host, port })),
    name: sentinel.masterName,
    role: 'master',
    ...(sentinel.username !== undefined ? { sentinelUsername: sentinel.username } : {}),
    ...(sentinel.password !== undefined ? { sentinelPassword: sentinel.password } : {}),
    sentinelCommandTimeout: timing.connectTimeoutMs,
    sentinelRetryStrategy: (attempt: number) => backoff(attempt, timing.maxReconnectDelayMs),
    // The failover detector's subscriptions: a Sentinel that went away is asked again soon.
    sentinelReconnectStrategy: () => Math.max(1000, timing.maxReconnectDelayMs),
    failoverDetector: true,
    // ioredis's, except that a client that quits also ends its failover detector's subscriptions.
    Connector: ClosingSentinelConnector,
    reconnectOnError: (error: Error) => (/^READONLY\b/.test(error.message) ? 1 : false),
  };
}

/** `tls` options for a `rediss://` target (undefined for `redis://`): the files' contents. */
export function tlsOptions(target: Pick<RedisTarget, 'url' | 'tls'>): ConnectionOptions | undefined {
  if (new URL(target.url ?? DEFAULT_REDIS_URL).protocol !== 'rediss:') return undefined;
  const files = target.tls ?? {};
  return {
    ...(files.caFile !== undefined ? { ca: readFileSync(files.caFile) } : {}),
    ...(files.certFile !== undefined ? { cert: readFileSync(files.certFile) } : {}),
    ...(files.keyFile !== undefined ? { key: readFileSync(files.keyFile) } : {}),
  };
}

/**
 * The user, password and TLS setting of a `redis://` / `rediss://` URL, for the nodes of a cluster
 * client (ioredis takes a URL for a single node only); `tls` adds the CA and client certificate.
 */
export function urlCredentials(
  url: string,
  tls?: RedisTlsFiles,
): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  const parsed = new URL(url);
  const tlsSettings = tlsOptions({ url, tls });
  return {
    ...(parsed.username !== '' ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password !== '' ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(tlsSettings !== undefined ? { tls: tlsSettings } : {}),
  };
}

/** How a client reaches Redis: one node (its URL), a Redis Cluster, or the master Sentinels name. */
export type RedisMode = 'single' | 'cluster' | 'sentinel';

export function redisMode(redis: Redis | Cluster): RedisMode {
  if (redis instanceof Cluster) return 'cluster';
  return redis.options.sentinels == null ? 'single' : 'sentinel';
}

/**
 * The master a Sentinel client is connected to now (`undefined` when it is not connected, or not a
 * Sentinel client): the address of its connection, which the Sentinels named at the last connect.
 */
export function currentMaster(redis: Redis | Cluster): RedisNode | undefined {
  if (redis instanceof Cluster || redisMode(redis) !== 'sentinel' || redis.status !== 'ready') {
    return undefined;
  }
  const { remoteAddress, remotePort } = redis.stream;
  return remoteAddress === undefined || remotePort === undefined
    ? undefined
    : { host: remoteAddress, port: remotePort };
}
