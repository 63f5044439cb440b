import type { IRouter, Request, Response } from 'express';
import { SESSION_PATH, TOKEN_SERVICES_PATH, routePattern } from '@sessiond/protocol';
import { sameUser, type SessionStore } from '@sessiond/session-store';
import type { Accounting } from '../aaa/accounting';
import { currentSession, requireSession } from '../auth/require-session';
import type { Config } from '../config';
import { linkBase, type TrustProxy } from '../http/request-base';
import { sessionItem } from '../http/cisco';
import type { AuditFields } from '../http/audit';
import { ProblemError } from '../http/problem-error';
import { contextOf } from '../http/request-context';
import type { Metrics } from '../metrics';

export interface TokenRouteDeps {
  readonly config: Config;
  readonly store: SessionStore;
  readonly accounting: Accounting;
  readonly metrics: Metrics;
  readonly trust: TrustProxy;
}

const notFound = (): ProblemError =>
  new ProblemError('session_not_found', 'no live session with this id belongs to you');

/**
 * The token routes of the Cisco API served by Express: list and delete the caller's sessions.
 * Reading one session (the hot path) is in fast-routes.ts.
 */
export function tokenServicesRoutes(router: IRouter, deps: TokenRouteDeps): void {
  const { config, store, accounting } = deps;
  const admins = new Set(config.adminUsers);
  const auth = requireSession(store, deps.metrics);

  router.get(TOKEN_SERVICES_PATH, auth, async (req, res) => {
    const current = currentSession(res);
    const sessions = await store.listByUser(current.session.username);
    const base = linkBase(config.publicBaseUrl);
    noStore(res).json({
      kind: 'collection#auth-token',
      items: sessions.map((s) => sessionItem(s, base, current)),
    });
  });

  router.delete(routePattern(SESSION_PATH), auth, async (req: Request<{ sessionId: string }>, res) => {
    const current = currentSession(res);
    const context = contextOf(res);
    const { sessionId } = req.params;
    const own = sameUser(sessionId, current.session.sessionId);
    const audit: AuditFields = { event: own ? 'logout' : 'revoke', username: current.session.username };
    context.audit = audit;
    // The record names the session acted on, not the caller's own.
    context.sessionId = sessionId.slice(0, 64);
    if (!own && !admins.has(current.session.username)) throw notFound();
    const revoked = await store.revoke(sessionId, own ? 'logout' : 'admin');
    if (revoked === undefined) throw notFound();
    if (!own) audit.targetUser = revoked.username;
    accounting.stop(revoked, revoked.reason);
    res.status(204).end();
  });

  router.delete(TOKEN_SERVICES_PATH, auth, async (_req, res) => {
    const current = currentSession(res);
    const audit: AuditFields = { event: 'logout-all', username: current.session.username };
    contextOf(res).audit = audit;
    const revoked = await store.revokeAll(current.session.username, 'logout');
    audit.revoked = revoked.map((session) => session.sessionId);
    for (const session of revoked) accounting.stop(session, 'logout');
    res.status(200).json({ revoked: revoked.length });
  });
}

export function noStore(res: Response): Response {
  return res.set('Cache-Control', 'no-store');
}
