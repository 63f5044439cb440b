import type { Request, Response } from 'express';
import { auditMembers, userAgentOf } from '../http/audit';
import { contextOf } from '../http/request-context';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';

// Issue 12: a login whose client has gone away is not worth finishing. Its signal reaches the local
// method (a check not yet started leaves the hash queue), and routes/login.ts then counts nothing
// and creates no session.

interface AbandonDeps {
  readonly metrics: Metrics;
  readonly logger: Logger;
}

/** Fires when the HTTP client goes away (its connection closes) before the answer is sent. */
export function clientGone(res: Response): AbortSignal {
  const controller = new AbortController();
  if (res.destroyed) controller.abort();
  else
    res.once('close', () => {
      if (!res.writableEnded) controller.abort();
    });
  return controller.signal;
}

/** A login whose client went away: nothing is sent; the metric and an audit line say so. */
export function dropAbandoned({ metrics, logger }: AbandonDeps, req: Request, res: Response): void {
  metrics.loginsAbandoned.inc();
  const context = contextOf(res);
  logger.info(
    {
      ...auditMembers(context.audit ?? { event: 'login' }),
      req_id: context.reqId,
      method: req.method,
      route: req.route !== undefined ? (req.route as { path: string }).path : undefined,
      code: 'abandoned',
      client_ip: context.clientIp,
      user_agent: userAgentOf(req),
    },
    'audit',
  );
}
