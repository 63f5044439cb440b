import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import type { SessionStore } from '@sessiond/session-store';
import type { Cluster, Redis } from 'ioredis';
import type { Accounting } from './aaa/accounting';
import type { AaaChain } from './aaa/chain';
import { CommandDecisions } from './auth/command-decisions';
import type { FailureThrottle } from './auth/failure-throttle';
import type { IntrospectionClients } from './auth/introspection-clients';
import type { AddressLimits, LoginThrottle } from './auth/login-throttle';
import type { Config } from './config';
import { API_PREFIX, OPENAPI_PATH, TOKEN_SERVICES_PATH } from '@sessiond/protocol';
import { errorHandler, notFound } from './http/error-handler';
import { methodNotAllowed } from './http/method-not-allowed';
import type { TrustProxy } from './http/request-base';
import { contextOf } from './http/request-context';
import { trackRequest } from './http/request-tracking';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { OPENAPI_DOCUMENT } from './openapi/document';
import { adminRoutes } from './routes/admin';
import { authorizeRoutes } from './routes/authorize';
import { consoleFiles } from './routes/console-files';
import { FAST_ROUTES, fastRoutes } from './routes/fast-routes';
import { loginHandlers } from './routes/login';
import { managementRoutes, publicOpsRoutes, type Lifecycle } from './routes/ops';
import { tokenServicesRoutes } from './routes/token-services';
import type { RefusalLog } from './stats/refusal-log';

export interface AppDeps {
  readonly config: Config;
  readonly store: SessionStore;
  readonly aaa: AaaChain;
  readonly throttle: LoginThrottle;
  /** Failed logins per source address (LOGIN_MAX_FAILURES_PER_ADDRESS): the login route and unlocks. */
  readonly addressLimits: AddressLimits;
  /** Failed client authentications per client id and address: introspection and /authorize. */
  readonly clientThrottle: FailureThrottle;
  readonly accounting: Accounting;
  readonly introspectionClients: IntrospectionClients;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  /** The store's Redis client, when the caller has it: the management /readyz describes it. */
  readonly redis?: Redis | Cluster | undefined;
  /** The refused logins this process saw (GET /refusals), fed by every audit record. */
  readonly refusals: RefusalLog;
  /** The built console's files (default: CONSOLE_DIR, apps/auth-api/dist/console). */
  readonly consoleDir?: string | undefined;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The service's request handler (no listening: main.ts owns the server, tests use supertest):
 * the token validations and forward-auth on node:http (routes/fast-routes.ts), every other route on
 * Express.
 */
export function createHandler(deps: AppDeps): Handler {
  // One decision cache and accounting path for POST /authorize and forward-auth's command check.
  const decisions = new CommandDecisions(deps);
  const app = createApp(deps, decisions);
  const fast = fastRoutes({ ...deps, decisions, trust: trustOf(app) });
  const consolePage =
    deps.config.console === 'public'
      ? consoleFiles({ ...deps, trust: trustOf(app) }, deps.consoleDir)
      : undefined;
  const headers = securityHeaders(deps.config);
  return (req, res) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    if (consolePage?.(req, res) === true) return;
    if (!fast(req, res)) app(req, res);
  };
}

/**
 * Headers on every answer of the public port: `nosniff` (every body is JSON; no browser should guess
 * otherwise), and HSTS when clients reach us over HTTPS (TLS here, or an https PUBLIC_BASE_URL in
 * front), so browsers never fall back to plain HTTP with a token.
 */
function securityHeaders(config: Config): [string, string][] {
  const headers: [string, string][] = [['X-Content-Type-Options', 'nosniff']];
  if (config.tls !== undefined || config.publicBaseUrl?.startsWith('https://') === true) {
    headers.push(['Strict-Transport-Security', 'max-age=31536000']);
  }
  return headers;
}

/**
 * The management listener's handler (MANAGEMENT_HOST:MANAGEMENT_PORT, loopback by default): metrics
 * and the detailed readiness, kept off the public port. With CONSOLE=management it also serves the
 * operator console, and hands every /api/v1/… request to `publicHandler` (the public port's own
 * handler function, so the page's same-origin calls take the one code path; issue 16). Without a
 * `publicHandler` nothing is handed over.
 */
export function createManagementApp(deps: AppDeps, publicHandler?: Handler): Handler {
  const app = managementExpress(deps);
  if (deps.config.console !== 'management') return app;
  const consolePage = consoleFiles({ ...deps, trust: () => false }, deps.consoleDir);
  return (req, res) => {
    if (consolePage(req, res)) return;
    if (publicHandler !== undefined && (req.url ?? '').startsWith(API_PREFIX)) publicHandler(req, res);
    else app(req, res);
  };
}

function managementExpress(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const tracking = { ...deps, trust: () => false };
  app.use((req, res, next) => {
    trackRequest(req, res, tracking, () => (req.route as { path?: string } | undefined)?.path ?? 'unmatched');
    next();
  });
  managementRoutes(app, deps);
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}

/** The Express application: login (passport), the other token routes, admin, operations. */
export function createApp(deps: AppDeps, decisions = new CommandDecisions(deps)): Express {
  const { config, metrics, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);
  const trust = trustOf(app);
  const tracking = { ...deps, trust };
  app.use((req, res, next) => {
    trackRequest(req, res, tracking, () => (req.route as { path?: string } | undefined)?.path ?? 'unmatched');
    next();
  });

  const countLogin: RequestHandler = (_req, res, next) => {
    res.on('finish', () => metrics.logins.inc({ code: contextOf(res).code ?? 'ok' }));
    next();
  };
  app.post(TOKEN_SERVICES_PATH, countLogin, ...loginHandlers({ ...deps, trust }));
  tokenServicesRoutes(app, { ...deps, trust });
  authorizeRoutes(app, { ...deps, decisions });
  adminRoutes(app, { ...deps, trust });
  publicOpsRoutes(app, deps);
  app.get(OPENAPI_PATH, (_req, res) => {
    res.json(OPENAPI_DOCUMENT);
  });
  app.use(methodNotAllowed(app, FAST_ROUTES));
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}

/** Express's compiled TRUST_PROXY function, shared with the routes served outside Express. */
function trustOf(app: Express): TrustProxy {
  return app.get('trust proxy fn') as TrustProxy;
}
