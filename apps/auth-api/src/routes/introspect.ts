import express, { Router, type RequestHandler } from 'express';
import type { SessionStore } from '@sessiond/session-store';
import type { IntrospectionClients } from '../auth/introspection-clients';
import { parseBasicAuthorization } from '../http/basic-credentials';
import { introspectionBody } from '../http/cisco';
import { ProblemError } from '../http/problem-error';
import type { Metrics } from '../metrics';
import { noStore } from './token-services';

export const INTROSPECT_PATH = '/api/v1/auth/introspect';
const BODY_LIMIT = '8kb';

/**
 * RFC 7662 introspection for other services: client credentials (Basic) from the introspection
 * clients file, the token in a JSON or form body. An unknown or dead token is exactly
 * `{"active":false}`; a Redis outage is a 503, never `active:false`.
 */
export function introspectRouter(deps: {
  store: SessionStore;
  clients: IntrospectionClients;
  metrics: Metrics;
}): Router {
  const { store, clients, metrics } = deps;
  const router = Router();

  const authenticateClient: RequestHandler = async (req, _res, next) => {
    const parsed = parseBasicAuthorization(req.headers.authorization);
    if (parsed.kind === 'malformed') throw new ProblemError('invalid_request', parsed.reason);
    if (parsed.kind === 'missing' || !(await clients.verify(parsed.username, parsed.password))) {
      throw new ProblemError(
        'invalid_client',
        'introspection needs the Basic credentials of a client in INTROSPECTION_CLIENTS_FILE',
      );
    }
    next();
  };
  const requireBody: RequestHandler = (req, _res, next) => {
    const kind = req.is(['application/json', 'application/x-www-form-urlencoded']);
    if (kind === null || req.headers['content-type'] === undefined) {
      throw new ProblemError('invalid_request', 'the body needs a "token"');
    }
    if (kind === false) {
      throw new ProblemError(
        'unsupported_media_type',
        'send application/json or application/x-www-form-urlencoded',
      );
    }
    next();
  };

  router.post(
    INTROSPECT_PATH,
    authenticateClient,
    requireBody,
    express.json({ limit: BODY_LIMIT, strict: true }),
    express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 20 }),
    async (req, res) => {
      const body: unknown = req.body;
      const { token, touch } = (typeof body === 'object' && body !== null ? body : {}) as {
        token?: unknown;
        touch?: unknown;
      };
      if (typeof token !== 'string' || token === '') {
        throw new ProblemError('invalid_request', 'the body needs a "token" string');
      }
      const touchFlag = touch === undefined || touch === true || touch === 'true';
      if (!touchFlag && touch !== false && touch !== 'false') {
        throw new ProblemError('invalid_request', '"touch" must be true or false');
      }
      const result = await store.validate(token, { touch: touchFlag });
      metrics.validations.inc({ result: result.valid ? 'valid' : result.reason });
      noStore(res).json(result.valid ? introspectionBody(result.session) : { active: false });
    },
  );
  return router;
}
