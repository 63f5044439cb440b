import type { IncomingMessage } from 'node:http';

/** The session requireSession() puts on `req.sessiond`. Never carries the token. */
export interface SessiondSession {
  /** The public, non-secret handle of the session (safe in logs). */
  readonly sessionId: string;
  readonly username: string;
  /** TACACS+ privilege level, 0–15. */
  readonly privLvl: number;
  /** Which AAA method authenticated the login: `tacacs+` or `local`. */
  readonly aaa: string;
  /** When the session was created. */
  readonly issuedAt: Date;
  /** When it idles out unless used (as of this validation). */
  readonly expiresAt: Date;
  /** When it ends whatever happens. */
  readonly absoluteExpiresAt: Date;
  /**
   * Where this answer came from: the auth-api (`introspection`, times in whole seconds), Redis
   * (`direct`, times in milliseconds), or the positive cache (`cache`: as of the cached validation).
   */
  readonly source: 'introspection' | 'direct' | 'cache';
}

// Types `req.sessiond` in Express handlers (merged into Express.Request by @types/express) without
// a .d.ts file; harmless when Express is not used.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- the way Express's Request is augmented
  namespace Express {
    interface Request {
      /** Set by @sessiond/client's requireSession() before the next handler runs. */
      sessiond?: SessiondSession;
    }
  }
}

/** A request that went through requireSession(). */
export type RequestWithSession = IncomingMessage & { sessiond?: SessiondSession };

/** The session of a request that passed requireSession(); throws if the middleware did not run. */
export function sessionOf(req: IncomingMessage): SessiondSession {
  const session = (req as RequestWithSession).sessiond;
  if (session === undefined) throw new Error('requireSession() did not run for this request');
  return session;
}
