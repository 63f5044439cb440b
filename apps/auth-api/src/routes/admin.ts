import type { IRouter, Request, RequestHandler } from 'express';
import { USER_SESSIONS_PATH, routePattern } from '@sessiond/protocol';
import type { SessionStore } from '@sessiond/session-store';
import type { Accounting } from '../aaa/accounting';
import { currentSession, requireSession } from '../auth/require-session';
import type { Config } from '../config';
import { linkBase, type TrustProxy } from '../http/request-base';
import { sessionItem } from '../http/cisco';
import { ProblemError } from '../http/problem-error';
import { contextOf } from '../http/request-context';
import type { Metrics } from '../metrics';
import { noStore } from './token-services';

export const USERS_SESSIONS_PATH = routePattern(USER_SESSIONS_PATH);

/** Admin routes (ADMIN_USERS): any user's sessions, listed or revoked. */
export function adminRoutes(
  router: IRouter,
  deps: { config: Config; store: SessionStore; accounting: Accounting; metrics: Metrics; trust: TrustProxy },
): void {
  const { config, store, accounting } = deps;
  const admins = new Set(config.adminUsers);
  const requireAdmin: RequestHandler = (req, res, next) => {
    const username = currentSession(res).session.username;
    contextOf(res).audit = {
      event: req.method === 'DELETE' ? 'revoke-all' : 'admin-list',
      username,
      targetUser: String(req.params['username'] ?? '').slice(0, 256),
    };
    if (!admins.has(username)) {
      throw new ProblemError('forbidden', 'this route is for the users listed in ADMIN_USERS');
    }
    next();
  };
  const auth = [requireSession(store, deps.metrics), requireAdmin];

  router.get(USERS_SESSIONS_PATH, ...auth, async (req: Request<{ username: string }>, res) => {
    const sessions = await store.listByUser(req.params.username);
    const base = linkBase(config.publicBaseUrl);
    const current = currentSession(res);
    noStore(res).json({
      kind: 'collection#auth-token',
      items: sessions.map((s) => sessionItem(s, base, current)),
    });
  });

  router.delete(USERS_SESSIONS_PATH, ...auth, async (req: Request<{ username: string }>, res) => {
    const revoked = await store.revokeAll(req.params.username, 'admin');
    const audit = contextOf(res).audit;
    if (audit !== undefined) audit.revoked = revoked.map((session) => session.sessionId);
    for (const session of revoked) accounting.stop(session, 'admin');
    res.status(200).json({ revoked: revoked.length });
  });
}
