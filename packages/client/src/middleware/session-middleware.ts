import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidOptionsError } from '../errors';
import type { SessionClient } from '../session-client';
import { TokenCache } from './cache';
import { checkRouteCommand } from './command-check';
import type { ResolvedCommon } from './options';
import { DETAILS, TOKEN_REFUSALS, privilegeRefusal, readPresentedToken } from '@sessiond/protocol';
import { sendProblem } from './problems';
import type { RequestWithSession, SessiondSession } from './session';
import type { TokenValidator, Verdict } from './validators';

/** A Connect/Express middleware; also a plain `(req, res, next)` for node:http servers. */
export interface SessionMiddleware {
  (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void;
  readonly mode: 'introspection' | 'direct';
  /**
   * Resolves once the middleware can answer (direct mode with `redis` options: the connection is
   * ready); rejects after `timeoutMs` (default 5000). Until then requests get 503, never 401.
   */
  ready(timeoutMs?: number): Promise<void>;
  /** Ends what the middleware built itself (the Redis connection of `redis` options); idempotent. */
  close(): Promise<void>;
}

type Decision =
  | { readonly kind: 'pass'; readonly session: SessiondSession }
  | { readonly kind: 'answered' }
  | { readonly kind: 'error'; readonly error: unknown };

/**
 * The middleware both modes share, around the validator of one: reads the token like the auth-api
 * (X-auth-token or Authorization: Bearer, then the `tokenCookie` if set), validates it (through the cache, if any), puts the session
 * on `req.sessiond` and calls next(). Refusals are the auth-api's problem+json bodies; an answer that
 * cannot be had is a 503 with Retry-After, never a 401; unexpected errors go to next(error).
 */
export function sessionMiddleware(
  validator: TokenValidator,
  common: ResolvedCommon,
  authorizer?: SessionClient,
): SessionMiddleware {
  const { command } = common;
  if (command !== undefined && authorizer === undefined) {
    throw new InvalidOptionsError('command', 'needs a SessionClient that can ask the auth-api');
  }
  const cache = common.cache !== undefined ? new TokenCache(common.cache) : undefined;
  let closing: Promise<void> | undefined;

  const decide = async (req: IncomingMessage, res: ServerResponse): Promise<Decision> => {
    const parsed = readPresentedToken(req.headers, common.tokenCookie);
    if (parsed.kind === 'conflict') {
      sendProblem(res, 'invalid_request', DETAILS.tokenConflict);
      return { kind: 'answered' };
    }
    if (parsed.kind === 'missing') {
      sendProblem(res, 'token_missing', DETAILS.tokenMissing);
      return { kind: 'answered' };
    }
    let session = cache?.get(parsed.token);
    if (session === undefined) {
      let verdict: Verdict;
      try {
        verdict = await validator.validate(parsed.token);
      } catch (error) {
        return outage(validator, error, res, common.onError);
      }
      if (!verdict.valid) {
        sendProblem(res, verdict.code, TOKEN_REFUSALS[verdict.code]);
        return { kind: 'answered' };
      }
      session = verdict.session;
      cache?.set(parsed.token, session);
    }
    // The same rule as the auth-api's forward-auth (@sessiond/protocol's access module).
    const refusal = privilegeRefusal(session.privLvl, common.requiredPrivLvl);
    if (refusal !== undefined) {
      sendProblem(res, refusal.code, refusal.detail, refusal.extensions);
      return { kind: 'answered' };
    }
    if (command !== undefined && authorizer !== undefined) {
      // The route's command: asked every time (the auth-api has its own short decision cache).
      const check = await checkRouteCommand(authorizer, command, req, parsed.token, res, common.onError);
      if (check.kind !== 'permit') return check;
    }
    return { kind: 'pass', session };
  };

  const middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void => {
    decide(req, res).then(
      (decision) => {
        if (decision.kind === 'pass') {
          (req as RequestWithSession).sessiond = decision.session;
          next();
        } else if (decision.kind === 'error') {
          next(decision.error);
        }
      },
      (error: unknown) => next(error),
    );
  };
  return Object.assign(middleware, {
    mode: validator.mode,
    ready: (timeoutMs = 5000): Promise<void> => validator.ready(timeoutMs),
    close: (): Promise<void> => {
      cache?.clear();
      closing ??= validator.close();
      return closing;
    },
  });
}

function outage(
  validator: TokenValidator,
  error: unknown,
  res: ServerResponse,
  onError: (error: Error) => void,
): Decision {
  const found = validator.outage(error);
  if (found === undefined) return { kind: 'error', error };
  onError(error as Error);
  sendProblem(res, found.code, found.detail, {}, { 'Retry-After': String(found.retryAfter) });
  return { kind: 'answered' };
}
