import type { IRouter } from 'express';
import { TOP_USERS_LIMIT, USERS_PATH } from '@sessiond/protocol';
import type { SessionStore } from '@sessiond/session-store';
import type { AdminAuth } from '../auth/require-admin';
import type { Config } from '../config';
import { integerParam } from '../http/query';
import { noStore } from './token-services';

/**
 * GET /api/v1/auth/users?limit=N (admins): the users with the most live sessions, most first, ties
 * by name; `complete: false` when the store's bound on the work was reached (SessionStore.topUsers).
 */
export function topUsersRoute(
  router: IRouter,
  { config, store }: { readonly config: Config; readonly store: SessionStore },
  auth: AdminAuth,
): void {
  router.get(USERS_PATH, auth.session, auth.admin, async (req, res) => {
    const limit = integerParam(req, 'limit', {
      min: TOP_USERS_LIMIT.min,
      max: TOP_USERS_LIMIT.max,
      fallback: TOP_USERS_LIMIT.default,
    });
    const top = await store.topUsers({ limit });
    noStore(res).json({
      kind: 'collection#user',
      items: top.users.map(({ username, sessions }) => ({ username, sessions })),
      'session-limit': config.session.limitPerUser,
      'users-scanned': top.usersScanned,
      complete: top.complete,
    });
  });
}
