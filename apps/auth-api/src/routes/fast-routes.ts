import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  FORWARD_AUTH_PATH,
  INTROSPECT_PATH,
  SESSION_PATH as SESSION_TEMPLATE,
  routePattern,
} from '@sessiond/protocol';
import { sameUser, type SessionStore } from '@sessiond/session-store';
import { authenticateServiceClient } from '../auth/client-authentication';
import type { CommandDecisions } from '../auth/command-decisions';
import type { FailureThrottle } from '../auth/failure-throttle';
import type { IntrospectionClients } from '../auth/introspection-clients';
import { authenticateToken } from '../auth/token-auth';
import type { Config } from '../config';
import { introspectionJson, sessionItemJson } from '../http/hot-json';
import { problemFor } from '../http/error-handler';
import { ProblemError } from '../http/problem-error';
import { readObjectBody } from '../http/read-body';
import { linkBase, type TrustProxy } from '../http/request-base';
import type { RequestContext } from '../http/request-context';
import { trackRequest, type Tracking } from '../http/request-tracking';
import { sendJsonText, sendProblem } from '../http/respond';
import { forwardAuthHandler } from './forward-auth';

export const SESSION_PATH = routePattern(SESSION_TEMPLATE);
export { FORWARD_AUTH_PATH, INTROSPECT_PATH };
/** Envoy's ext_authz appends the original path to the configured path_prefix. */
export const FORWARD_AUTH_SUFFIX_PATH = `${FORWARD_AUTH_PATH}/:path`;
/** forward-auth answers any method; these are the ones the OpenAPI document lists. */
const FORWARD_AUTH_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** The routes served here, outside Express (the OpenAPI test checks them with Express's). */
export const FAST_ROUTES = [
  { method: 'GET', path: SESSION_PATH },
  { method: 'POST', path: INTROSPECT_PATH },
  ...FORWARD_AUTH_METHODS.flatMap((method) => [
    { method, path: FORWARD_AUTH_PATH },
    { method, path: FORWARD_AUTH_SUFFIX_PATH },
  ]),
] as const;

export interface FastRouteDeps extends Tracking {
  readonly config: Config;
  readonly store: SessionStore;
  readonly introspectionClients: IntrospectionClients;
  /** Failed client authentications per client id and address (auth/client-authentication.ts). */
  readonly clientThrottle: FailureThrottle;
  readonly trust: TrustProxy;
  /** forward-auth's `?command=tacacs` (shared with POST /authorize). */
  readonly decisions: CommandDecisions;
}

// Case-insensitive, one optional trailing slash: what Express's default routing matches.
const SESSION_ROUTE = /^\/api\/v1\/auth\/token-services\/([^/]+)\/?$/i;
const INTROSPECT_ROUTE = /^\/api\/v1\/auth\/introspect\/?$/i;
// The path itself, or with Envoy's suffix (the original path, kept as sent).
const FORWARD_AUTH_ROUTE = /^\/api\/v1\/auth\/forward-auth(?:\/(.*))?$/i;
const BODY = { maxBytes: 8 * 1024, maxFields: 20 };
const NO_STORE = { 'Cache-Control': 'no-store' } as const;
const INACTIVE = JSON.stringify({ active: false });

type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  context: RequestContext,
  param: string,
) => Promise<void>;

/**
 * The token validations other services and proxies call all day, `GET /token-services/{id}`,
 * `POST /introspect` and forward-auth (any method), served straight on node:http: Express 5 costs ~57 µs of CPU per request here
 * (a constant-JSON route: 70 µs in Express, 13 µs without; bench/results), more than the rest of a
 * validation. Same contract, problems, logging and metrics as every other route; everything else
 * goes to Express. Returns false for requests it does not serve.
 */
export function fastRoutes(deps: FastRouteDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const getSession = getSessionHandler(deps);
  const introspect = introspectHandler(deps);
  const forwardAuth = forwardAuthHandler(deps);
  return (req, res) => {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (req.method === 'GET' || req.method === 'HEAD') {
      const match = SESSION_ROUTE.exec(path);
      if (match !== null) return serve(deps, req, res, SESSION_PATH, getSession, match[1] ?? '');
    } else if (req.method === 'POST' && INTROSPECT_ROUTE.test(path)) {
      return serve(deps, req, res, INTROSPECT_PATH, introspect, '');
    }
    const forward = FORWARD_AUTH_ROUTE.exec(path);
    if (forward !== null) {
      // Envoy's suffix is the original path with its query: take it from the raw URL.
      const suffix = forward[1] === undefined ? undefined : url.slice(FORWARD_AUTH_PATH.length + 1);
      const ownQuery = suffix === undefined && query >= 0 ? url.slice(query + 1) : '';
      return serve(deps, req, res, FORWARD_AUTH_PATH, (rq, rs, context) =>
        forwardAuth(rq, rs, context, suffix, ownQuery),
      );
    }
    return false;
  };
}

function serve(
  deps: FastRouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  route: string,
  handler: Handler,
  param = '',
): true {
  const context = trackRequest(req, res, deps, () => route);
  handler(req, res, context, param).catch((error: unknown) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(res, problemFor(error, deps.logger, context.reqId));
  });
  return true;
}

function getSessionHandler({ config, store, metrics }: FastRouteDeps): Handler {
  return async (req, res, context, encodedId) => {
    let sessionId: string;
    try {
      sessionId = decodeURIComponent(encodedId);
    } catch {
      throw new ProblemError('invalid_request', 'the session id is not valid percent-encoding');
    }
    const current = await authenticateToken(req.headers, store, metrics);
    context.current = current;
    // The caller's current session costs nothing more; another of theirs one lookup; anyone else's none.
    let session = sessionId === current.session.sessionId ? current.session : undefined;
    if (session === undefined && sameUser(sessionId, current.session.sessionId))
      session = await store.get(sessionId);
    if (session === undefined)
      throw new ProblemError('session_not_found', 'no live session with this id belongs to you');
    sendJsonText(res, 200, sessionItemJson(session, linkBase(config.publicBaseUrl), current), NO_STORE);
  };
}

function introspectHandler(deps: FastRouteDeps): Handler {
  const { store, metrics } = deps;
  return async (req, res, context) => {
    // Refusals are audited (a service probing with wrong secrets, tokens found dead); answers with an
    // active token are routine and stay at debug.
    const audit = await authenticateServiceClient(req.headers, context, deps, 'introspect', 'introspection');
    const { token, touch } = await readObjectBody(req, BODY);
    if (typeof token !== 'string' || token === '')
      throw new ProblemError('invalid_request', 'the body needs a "token" string');
    const touchFlag = touch === undefined || touch === true || touch === 'true';
    if (!touchFlag && touch !== false && touch !== 'false')
      throw new ProblemError('invalid_request', '"touch" must be true or false');
    const result = await store.validate(token, { touch: touchFlag });
    metrics.validations.inc({ result: result.valid ? 'valid' : result.reason });
    if (result.valid) {
      // Unset rather than deleted: a delete turns the context into a slow dictionary object.
      context.audit = undefined;
      context.sessionId = result.session.sessionId;
    } else audit.reason = result.reason;
    sendJsonText(res, 200, result.valid ? introspectionJson(result.session) : INACTIVE, NO_STORE);
  };
}
