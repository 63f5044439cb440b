import type { IRouter } from 'express';
import type { SessionStore } from '@sessiond/session-store';
import type { AaaChain } from '../aaa/chain';
import { contextOf } from '../http/request-context';
import type { Metrics } from '../metrics';

export const READY_REDIS_TIMEOUT_MS = 250;

/** Readiness is withdrawn while the process drains for shutdown. */
export interface Lifecycle {
  readonly draining: boolean;
}

/** /healthz (the process runs), /readyz (Redis answers within 250 ms; AAA state reported), /metrics. */
export function opsRoutes(
  router: IRouter,
  deps: {
    store: SessionStore;
    aaa: AaaChain;
    metrics: Metrics;
    lifecycle: Lifecycle;
  },
): void {
  const { store, aaa, metrics, lifecycle } = deps;

  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    let redis: Record<string, unknown>;
    try {
      const latency = await store.ping(READY_REDIS_TIMEOUT_MS);
      redis = { status: 'up', latency_ms: Math.round(latency * 10) / 10 };
    } catch (error) {
      redis = { status: 'down', detail: (error as Error).message };
    }
    const ready = redis['status'] === 'up' && !lifecycle.draining;
    if (!ready) contextOf(res).code = 'not_ready';
    res
      .status(ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({
        status: ready ? 'ready' : lifecycle.draining ? 'draining' : 'not_ready',
        redis,
        aaa: aaa.methods.map((method) => ({ method: method.name, sources: method.states() })),
      });
  });

  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
