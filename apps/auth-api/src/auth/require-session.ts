import type { RequestHandler, Response } from 'express';
import type { SessionStore } from '@sessiond/session-store';
import { contextOf, type CurrentSession } from '../http/request-context';
import type { Metrics } from '../metrics';
import { authenticateToken } from './token-auth';

/** The authenticated session of a token route (set by requireSession). */
export function currentSession(res: Response): CurrentSession {
  const current = contextOf(res).current;
  if (current === undefined) throw new Error('requireSession did not run for this route');
  return current;
}

/** Express middleware of the token routes: the session of the presented token, or a refusal. */
export function requireSession(store: SessionStore, metrics: Metrics): RequestHandler {
  return async (req, res, next) => {
    contextOf(res).current = await authenticateToken(req.headers, store, metrics);
    next();
  };
}
