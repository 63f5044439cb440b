import { FORWARD_AUTH_PATH, INTROSPECT_PATH } from '@sessiond/protocol';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { RefusalLog } from '../stats/refusal-log';
import { auditMembers, userAgentOf } from './audit';
import { clientAddress } from './client-address';
import type { TrustProxy } from './request-base';
import { createContext, type RequestContext } from './request-context';
import { requestIdSource } from './request-id';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const INTROSPECT_ROUTE = INTROSPECT_PATH;
const nextRequestId = requestIdSource();

export interface Tracking {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly lifecycle: { readonly draining: boolean };
  readonly trust: TrustProxy;
  /** Sees every audit record; keeps the refused logins (GET /refusals). */
  readonly refusals?: Pick<RefusalLog, 'observe'>;
}

/**
 * Starts tracking a request: request id (X-Request-Id in and out), client address, and when the
 * answer is sent, the duration metric and one log line. An audited decision (login, logout,
 * revocation, admin action, introspection refusal: the handler sets `context.audit`) gets an `audit`
 * line at info with who, from where, what AAA said and the outcome (and `refusals` sees it: the
 * refused logins feed GET /refusals); a login that evicted sessions adds one `evict` record per
 * session. Other requests get a `request` line (method, route, status,
 * code, session id, duration); successful reads (validations, listings, health) at debug, since at
 * thousands per second they would drown the lines that matter. Never a header, token or password.
 * While draining for shutdown, answers close their connection so keep-alive clients let go.
 * `routeOf` names the route pattern once the request is answered.
 */
export function trackRequest(
  req: IncomingMessage,
  res: ServerResponse,
  { logger, metrics, lifecycle, trust, refusals }: Tracking,
  routeOf: () => string,
): RequestContext {
  const started = performance.now();
  const incoming = req.headers['x-request-id'];
  const context = createContext(
    res,
    typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : nextRequestId(),
    clientAddress(req, trust),
  );
  res.setHeader('X-Request-Id', context.reqId);
  if (lifecycle.draining) res.setHeader('Connection', 'close');
  res.on('finish', () => {
    const route = routeOf();
    context.route = route;
    const seconds = (performance.now() - started) / 1000;
    metrics.httpDuration.observe({ method: req.method ?? '', route, status: res.statusCode }, seconds);
    // forward-auth allows are routine whatever the proxied method; its refusals name the original request.
    const routine =
      context.audit === undefined &&
      res.statusCode < 400 &&
      (req.method === 'GET' || route === INTROSPECT_ROUTE || route === FORWARD_AUTH_PATH);
    // Decided before anything is built for the line: most answers are routine, and not logged at info.
    if (routine && !logger.isLevelEnabled('debug')) return;
    const ms = Math.round(seconds * 10_000) / 10;
    const sessionId = context.sessionId ?? context.current?.session.sessionId;
    const common = {
      req_id: context.reqId,
      method: req.method,
      route,
      status: res.statusCode,
      code: context.code ?? 'ok',
    };
    if (context.audit !== undefined) {
      const userAgent = userAgentOf(req);
      logger.info(
        {
          ...auditMembers(context.audit),
          ...common,
          client_ip: context.clientIp,
          user_agent: userAgent,
          ...(sessionId !== undefined ? { session_id: sessionId } : {}),
          ms,
        },
        'audit',
      );
      refusals?.observe({
        audit: context.audit,
        status: res.statusCode,
        code: common.code,
        address: context.clientIp,
        userAgent,
      });
      for (const evicted of context.evicted ?? []) {
        logger.info(
          {
            event: 'evict',
            req_id: context.reqId,
            code: 'session_evicted',
            username: evicted.username,
            session_id: evicted.sessionId,
            by_session_id: sessionId,
            client_ip: evicted.sourceIp,
          },
          'audit',
        );
      }
      return;
    }
    logger[routine ? 'debug' : 'info'](
      {
        ...common,
        client_ip: context.clientIp,
        ...(context.username !== undefined ? { username: context.username } : {}),
        ...(sessionId !== undefined ? { session_id: sessionId } : {}),
        ...(context.original !== undefined && Object.keys(context.original).length > 0
          ? { original: context.original }
          : {}),
        ms,
      },
      'request',
    );
  });
  return context;
}
