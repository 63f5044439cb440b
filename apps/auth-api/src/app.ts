import express, { type Express, type RequestHandler } from 'express';
import type { SessionStore } from '@sessiond/session-store';
import type { Accounting } from './aaa/accounting';
import type { AaaChain } from './aaa/chain';
import type { IntrospectionClients } from './auth/introspection-clients';
import type { LoginThrottle } from './auth/login-throttle';
import type { Config } from './config';
import { TOKEN_SERVICES_PATH } from './http/cisco';
import { errorHandler, notFound } from './http/error-handler';
import { requestLog } from './http/request-log';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { OPENAPI_DOCUMENT } from './openapi/document';
import { adminRouter } from './routes/admin';
import { introspectRouter } from './routes/introspect';
import { loginHandlers } from './routes/login';
import { opsRouter, type Lifecycle } from './routes/ops';
import { tokenServicesRouter } from './routes/token-services';

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

/** The HTTP application (no listening: main.ts owns the server, tests use supertest). */
export function createApp(deps: AppDeps): Express {
  const { config, store, metrics, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);
  app.use(requestLog(logger, metrics));
  // While draining for shutdown, each answer closes its connection, so keep-alive clients let go.
  app.use((_req, res, next) => {
    if (deps.lifecycle.draining) res.setHeader('Connection', 'close');
    next();
  });

  const countLogin: RequestHandler = (_req, res, next) => {
    res.on('finish', () => metrics.logins.inc({ code: (res.locals['code'] as string | undefined) ?? 'ok' }));
    next();
  };
  app.post(TOKEN_SERVICES_PATH, countLogin, ...loginHandlers(deps));
  app.use(tokenServicesRouter(deps));
  app.use(introspectRouter({ store, clients: deps.introspectionClients, metrics }));
  app.use(adminRouter(deps));
  app.use(opsRouter({ store, aaa: deps.aaa, metrics, lifecycle: deps.lifecycle }));
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(OPENAPI_DOCUMENT);
  });
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
