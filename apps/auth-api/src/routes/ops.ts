import type { IRouter } from 'express';
import { HEALTHZ_PATH, METRICS_PATH, READYZ_PATH } from '@sessiond/protocol';
import { formatHostPort } from '@sessiond/env-config';
import { currentMaster, redisMode, type RedisMode, type SessionStore } from '@sessiond/session-store';
import type { Cluster, Redis } from 'ioredis';
import type { AaaChain } from '../aaa/chain';
import { contextOf } from '../http/request-context';
import type { Metrics } from '../metrics';

export const READY_REDIS_TIMEOUT_MS = 250;

/** Readiness is withdrawn while the process drains for shutdown. */
export interface Lifecycle {
  readonly draining: boolean;
}

export interface OpsDeps {
  readonly store: SessionStore;
  readonly aaa: AaaChain;
  readonly metrics: Metrics;
  readonly lifecycle: Lifecycle;
  /** The store's client: the management /readyz says how Redis is reached (and, under Sentinel, where). */
  readonly redis?: Redis | Cluster | undefined;
}

type Readiness = 'ready' | 'not_ready' | 'draining';

/**
 * The public port's probes: /healthz (the process runs) and a minimal /readyz (Redis answers within
 * 250 ms and the process is not draining) that says no more than the status: which AAA servers
 * exist, their state and the users file's path are for operators (managementRoutes).
 */
export function publicOpsRoutes(router: IRouter, deps: OpsDeps): void {
  router.get(HEALTHZ_PATH, (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get(READYZ_PATH, async (_req, res) => {
    const { status } = await readiness(deps);
    if (status !== 'ready') contextOf(res).code = 'not_ready';
    res
      .status(status === 'ready' ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status });
  });
}

/**
 * The management listener (MANAGEMENT_HOST:MANAGEMENT_PORT, loopback by default): /healthz, the
 * detailed /readyz (Redis latency, each AAA server's state) and /metrics (Prometheus).
 */
export function managementRoutes(router: IRouter, deps: OpsDeps): void {
  const { aaa, metrics } = deps;
  router.get(HEALTHZ_PATH, (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get(READYZ_PATH, async (_req, res) => {
    const { status, redis } = await readiness(deps);
    if (status !== 'ready') contextOf(res).code = 'not_ready';
    res
      .status(status === 'ready' ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({
        status,
        redis: readyzRedis(redis),
        aaa: aaa.methods.map((method) => ({ method: method.name, sources: method.states() })),
      });
  });
  router.get(METRICS_PATH, async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

/** How Redis answered the readiness check (the management /readyz and the admin GET /status). */
export interface RedisReadiness {
  readonly status: 'up' | 'down';
  /** The PING's round trip, in ms (0.1 ms precision), when it answered. */
  readonly latencyMs?: number;
  /** Why not, when it did not. */
  readonly detail?: string;
  /** How Redis is reached, when the store's client is known. */
  readonly mode?: RedisMode;
  /**
   * Under Sentinel: the master this process writes to now (after a failover, the promoted replica);
   * null while it is not connected to one (a failover in progress).
   */
  readonly master?: string | null;
}

/** Readiness: Redis answers a PING within 250 ms and the process is not draining. */
export async function readiness({
  store,
  lifecycle,
  redis: client,
}: OpsDeps): Promise<{ status: Readiness; redis: RedisReadiness }> {
  let redis: RedisReadiness;
  try {
    const latency = await store.ping(READY_REDIS_TIMEOUT_MS);
    redis = { status: 'up', latencyMs: Math.round(latency * 10) / 10 };
  } catch (error) {
    redis = { status: 'down', detail: (error as Error).message };
  }
  if (client !== undefined) {
    const mode = redisMode(client);
    const master = mode === 'sentinel' ? currentMaster(client) : undefined;
    redis = {
      ...redis,
      mode,
      ...(mode === 'sentinel' ? { master: master === undefined ? null : formatHostPort(master) } : {}),
    };
  }
  const status: Readiness = lifecycle.draining ? 'draining' : redis.status === 'up' ? 'ready' : 'not_ready';
  return { status, redis };
}

/** The management /readyz's `redis` member. */
function readyzRedis(redis: RedisReadiness): Record<string, unknown> {
  return {
    status: redis.status,
    ...(redis.latencyMs !== undefined ? { latency_ms: redis.latencyMs } : {}),
    ...(redis.detail !== undefined ? { detail: redis.detail } : {}),
    ...(redis.mode !== undefined ? { mode: redis.mode } : {}),
    ...(redis.master !== undefined ? { master: redis.master } : {}),
  };
}
