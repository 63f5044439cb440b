import type { RequestHandler } from 'express';
import type { SessionStore } from '@sessiond/session-store';
import { ProblemError } from '../http/problem-error';
import type { Metrics } from '../metrics';
import { currentSession, requireSession } from './require-session';

/**
 * The two checks of every admin route, in this order: a live token (401 token_* otherwise), then a
 * user listed in ADMIN_USERS (403 forbidden otherwise). A route that audits puts its record between
 * them, so that a non-admin's attempt is on the record too.
 */
export interface AdminAuth {
  readonly session: RequestHandler;
  readonly admin: RequestHandler;
}

export function adminAuth(store: SessionStore, metrics: Metrics, adminUsers: readonly string[]): AdminAuth {
  const admins = new Set(adminUsers);
  return {
    session: requireSession(store, metrics),
    admin: (_req, res, next) => {
      if (!admins.has(currentSession(res).session.username)) {
        throw new ProblemError('forbidden', 'this route is for the users listed in ADMIN_USERS');
      }
      next();
    },
  };
}
