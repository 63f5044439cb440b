import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Request id (X-Request-Id in and out), one log line per request (method, route pattern, status,
 * outcome code, session id, duration; never a header, token or password) and the duration metric.
 */
export function requestLog(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const incoming = req.headers['x-request-id'];
    const reqId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals['reqId'] = reqId;
    res.setHeader('X-Request-Id', reqId);
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      const seconds = (performance.now() - started) / 1000;
      metrics.httpDuration.observe({ method: req.method, route, status: res.statusCode }, seconds);
      const current = res.locals['current'] as { session: { sessionId: string } } | undefined;
      logger.info(
        {
          req_id: reqId,
          method: req.method,
          route,
          status: res.statusCode,
          code: (res.locals['code'] as string | undefined) ?? 'ok',
          ...(current !== undefined ? { session_id: current.session.sessionId } : {}),
          ...(res.locals['sessionId'] !== undefined ? { session_id: res.locals['sessionId'] as string } : {}),
          ms: Math.round(seconds * 10_000) / 10,
        },
        'request',
      );
    });
    next();
  };
}
