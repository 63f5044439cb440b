import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { createContext, type RequestContext } from './request-context';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const INTROSPECT_ROUTE = '/api/v1/auth/introspect';

export interface Tracking {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly lifecycle: { readonly draining: boolean };
}

/**
 * Starts tracking a request: request id (X-Request-Id in and out), and when the answer is sent,
 * the duration metric and one log line (method, route pattern, status, outcome code, session id,
 * duration; never a header, token or password). Successful reads (token validations, listings,
 * introspection, health) log at debug: at thousands per second they would drown the lines that
 * matter, which stay at info (logins, logouts, admin actions, every refusal and error);
 * LOG_LEVEL=debug shows them all. While draining for shutdown, answers close their connection so
 * keep-alive clients let go. `routeOf` names the route pattern once the request is answered.
 */
export function trackRequest(
  req: IncomingMessage,
  res: ServerResponse,
  { logger, metrics, lifecycle }: Tracking,
  routeOf: () => string,
): RequestContext {
  const started = performance.now();
  const incoming = req.headers['x-request-id'];
  const context = createContext(
    res,
    typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID(),
  );
  res.setHeader('X-Request-Id', context.reqId);
  if (lifecycle.draining) res.setHeader('Connection', 'close');
  res.on('finish', () => {
    const route = routeOf();
    context.route = route;
    const seconds = (performance.now() - started) / 1000;
    metrics.httpDuration.observe({ method: req.method ?? '', route, status: res.statusCode }, seconds);
    const routine = res.statusCode < 400 && (req.method === 'GET' || route === INTROSPECT_ROUTE);
    if (routine && !logger.isLevelEnabled('debug')) return;
    const sessionId = context.sessionId ?? context.current?.session.sessionId;
    logger[routine ? 'debug' : 'info'](
      {
        req_id: context.reqId,
        method: req.method,
        route,
        status: res.statusCode,
        code: context.code ?? 'ok',
        ...(sessionId !== undefined ? { session_id: sessionId } : {}),
        ms: Math.round(seconds * 10_000) / 10,
      },
      'request',
    );
  });
  return context;
}
