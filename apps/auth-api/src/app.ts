import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import type { SessionStore } from '@sessiond/session-store';
import type { Accounting } from './aaa/accounting';
import type { AaaChain } from './aaa/chain';
import type { IntrospectionClients } from './auth/introspection-clients';
import type { LoginThrottle } from './auth/login-throttle';
import type { Config } from './config';
import { TOKEN_SERVICES_PATH } from './http/cisco';
import { errorHandler, notFound } from './http/error-handler';
import type { TrustProxy } from './http/request-base';
import { contextOf } from './http/request-context';
import { trackRequest } from './http/request-tracking';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { OPENAPI_DOCUMENT } from './openapi/document';
import { adminRoutes } from './routes/admin';
import { fastRoutes } from './routes/fast-routes';
import { loginHandlers } from './routes/login';
import { opsRoutes, type Lifecycle } from './routes/ops';
import { tokenServicesRoutes } from './routes/token-services';

export interface AppDeps {
  readonly config: Config;
  readonly store: SessionStore;
  readonly aaa: AaaChain;
  readonly throttle: LoginThrottle;
  readonly accounting: Accounting;
  readonly introspectionClients: IntrospectionClients;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The service's request handler (no listening: main.ts owns the server, tests use supertest):
 * the two token validations on node:http (routes/fast-routes.ts), every other route on Express.
 */
export function createHandler(deps: AppDeps): Handler {
  const app = createApp(deps);
  const fast = fastRoutes({ ...deps, trust: trustOf(app) });
  return (req, res) => {
    if (!fast(req, res)) app(req, res);
  };
}

/** The Express application: login (passport), the other token routes, admin, operations. */
export function createApp(deps: AppDeps): Express {
  const { config, store, metrics, logger } = deps;
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
  adminRoutes(app, { ...deps, trust });
  opsRoutes(app, { store, aaa: deps.aaa, metrics, lifecycle: deps.lifecycle });
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(OPENAPI_DOCUMENT);
  });
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}

/** Express's compiled TRUST_PROXY function, shared with the routes served outside Express. */
function trustOf(app: Express): TrustProxy {
  return app.get('trust proxy fn') as TrustProxy;
}
