import type { IRouter, Request, RequestHandler } from 'express';
import { USER_SESSIONS_PATH, routePattern } from '@sessiond/protocol';
import type { SessionStore } from '@sessiond/session-store';
import type { Accounting } from '../aaa/accounting';
import type { AddressLimits, LoginThrottle } from '../auth/login-throttle';
import { adminAuth } from '../auth/require-admin';
import { currentSession } from '../auth/require-session';
import type { Config } from '../config';
import { linkBase, type TrustProxy } from '../http/request-base';
import { sessionItem } from '../http/cisco';
import { contextOf } from '../http/request-context';
import type { Metrics } from '../metrics';
import type { RefusalLog } from '../stats/refusal-log';
import { refusalsRoute } from './admin-refusals';
import { statusRoute } from './admin-status';
import { unlockRoute } from './admin-unlock';
import { topUsersRoute } from './admin-users';
import type { OpsDeps } from './ops';
import { noStore } from './token-services';

export const USERS_SESSIONS_PATH = routePattern(USER_SESSIONS_PATH);

export interface AdminDeps extends OpsDeps {
  readonly config: Config;
  readonly store: SessionStore;
  readonly accounting: Accounting;
  readonly metrics: Metrics;
  readonly trust: TrustProxy;
  readonly throttle: LoginThrottle;
  readonly addressLimits: AddressLimits;
  readonly refusals: RefusalLog;
}

/**
 * Admin routes (ADMIN_USERS): any user's sessions, listed or revoked; and the operator console's
 * (issue 16): the users with the most sessions, unlocking a throttled user, Redis and AAA status,
 * and the refused logins of the last hour.
 */
export function adminRoutes(router: IRouter, deps: AdminDeps): void {
  const { config, store, accounting } = deps;
  const auth = adminAuth(store, deps.metrics, config.adminUsers);
  const audit: RequestHandler = (req, res, next) => {
    contextOf(res).audit = {
      event: req.method === 'DELETE' ? 'revoke-all' : 'admin-list',
      username: currentSession(res).session.username,
      targetUser: String(req.params['username'] ?? '').slice(0, 256),
    };
    next();
  };

  router.get(
    USERS_SESSIONS_PATH,
    auth.session,
    audit,
    auth.admin,
    async (req: Request<{ username: string }>, res) => {
      const sessions = await store.listByUser(req.params.username);
      const base = linkBase(config.publicBaseUrl);
      const current = currentSession(res);
      noStore(res).json({
        kind: 'collection#auth-token',
        items: sessions.map((s) => sessionItem(s, base, current)),
        'session-limit': config.session.limitPerUser,
        'limit-policy': config.session.limitPolicy,
      });
    },
  );

  router.delete(
    USERS_SESSIONS_PATH,
    auth.session,
    audit,
    auth.admin,
    async (req: Request<{ username: string }>, res) => {
      const revoked = await store.revokeAll(req.params.username, 'admin');
      const record = contextOf(res).audit;
      if (record !== undefined) record.revoked = revoked.map((session) => session.sessionId);
      for (const session of revoked) accounting.stop(session, 'admin');
      res.status(200).json({ revoked: revoked.length });
    },
  );

  topUsersRoute(router, deps, auth);
  unlockRoute(router, deps, auth);
  statusRoute(router, deps, auth);
  refusalsRoute(router, deps, auth);
}
