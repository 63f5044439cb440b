import type { IRouter } from 'express';
import { STATUS_PATH } from '@sessiond/protocol';
import type { AdminAuth } from '../auth/require-admin';
import type { AaaMethod, AaaSourceActivity, AaaSourceState } from '../aaa/types';
import { readiness, type OpsDeps, type RedisReadiness } from './ops';
import { noStore } from './token-services';

/**
 * GET /api/v1/auth/status (admins): Redis (the readiness check of /readyz: state, PING latency, how
 * it is reached, the Sentinel master) and each AAA server (its state, and for TACACS+ the last
 * latency and the attempts and errors of the last 5 minutes). Always 200: an outage is reported.
 */
export function statusRoute(router: IRouter, deps: OpsDeps, auth: AdminAuth): void {
  router.get(STATUS_PATH, auth.session, auth.admin, async (_req, res) => {
    const { redis } = await readiness(deps);
    noStore(res).json({
      redis: redisMember(redis),
      aaa: deps.aaa.methods.map((method) => ({ method: method.name, sources: sourcesOf(method) })),
      now: new Date().toISOString(),
    });
  });
}

function redisMember(redis: RedisReadiness): Record<string, unknown> {
  return {
    status: redis.status,
    ...(redis.latencyMs !== undefined ? { 'latency-ms': redis.latencyMs } : {}),
    mode: redis.mode === undefined || redis.mode === 'single' ? 'standalone' : redis.mode,
    ...(typeof redis.master === 'string' ? { master: redis.master } : {}),
    ...(redis.detail !== undefined ? { error: redis.detail } : {}),
  };
}

function sourcesOf(method: AaaMethod): Record<string, unknown>[] {
  const activity = method.activity?.();
  return method.states().map((state) => sourceMember(state, activity?.get(state.source)));
}

function sourceMember(
  state: AaaSourceState,
  activity: AaaSourceActivity | undefined,
): Record<string, unknown> {
  return {
    source: state.source,
    state: state.state,
    ...(state.since !== undefined ? { since: state.since } : {}),
    ...(state.until !== undefined ? { until: state.until } : {}),
    ...(state.detail !== undefined ? { detail: state.detail } : {}),
    ...(activity === undefined
      ? {}
      : {
          ...(activity.lastLatencyMs !== undefined ? { 'last-latency-ms': activity.lastLatencyMs } : {}),
          requests: activity.requests,
          errors: activity.errors,
          ...(activity.requests > 0
            ? { 'error-rate': Math.round((activity.errors / activity.requests) * 1000) / 1000 }
            : {}),
        }),
  };
}
