import type { LoadSpec } from '../http/load';
import type { HttpTarget } from './http-costs';
import { INTROSPECTION_CLIENT, tacacsUser, type Measured } from './services';

export const CONNECTIONS = 50;

/** The loads measured, by name (the model looks its inputs up by these). */
export const TARGETS = {
  get: 'validation: GET /token-services/{id} (X-auth-token)',
  introspect: 'validation: POST /introspect',
  login: 'TACACS+ login, a connection per login (default)',
  loginSingle: 'TACACS+ login, TACACS_SINGLE_CONNECT=true',
  floor: 'reference: raw node:http + one GET (bench/http floor)',
} as const;

export interface Tokens {
  readonly token: string;
  readonly sessionId: string;
}

/**
 * Pure loads, one kind of request each: validations of `tokens` (sessions the store wrote, as logins
 * write them) against the single-connect auth-api, TACACS+ logins (PAP authentication then
 * authorization, the defaults, then one Redis script) of `users` users against each auth-api, and
 * the same tokens against the raw floor (it reads `bare:<token>`).
 */
export function httpTargets(
  apis: { readonly single: Measured; readonly perLogin: Measured; readonly floor: Measured },
  tokens: readonly Tokens[],
  users: number,
  durationS: number,
): HttpTarget[] {
  const spec = (api: Measured, method: LoadSpec['method'], variants: LoadSpec['variants']): LoadSpec => ({
    url: `http://127.0.0.1:${api.port}`,
    method,
    connections: CONNECTIONS,
    durationS,
    variants,
  });
  const client = `Basic ${Buffer.from(`${INTROSPECTION_CLIENT.id}:${INTROSPECTION_CLIENT.secret}`).toString('base64')}`;
  const logins = Array.from({ length: users }, (_, i) => {
    const { username, password } = tacacsUser(i);
    return {
      path: '/api/v1/auth/token-services',
      headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` },
    };
  });
  return [
    {
      name: TARGETS.get,
      api: apis.single,
      spec: spec(
        apis.single,
        'GET',
        tokens.map((t) => ({
          path: `/api/v1/auth/token-services/${t.sessionId}`,
          headers: { 'x-auth-token': t.token },
        })),
      ),
    },
    {
      name: TARGETS.introspect,
      api: apis.single,
      spec: spec(
        apis.single,
        'POST',
        tokens.map((t) => ({
          path: '/api/v1/auth/introspect',
          headers: { authorization: client, 'content-type': 'application/json' },
          body: JSON.stringify({ token: t.token }),
        })),
      ),
    },
    { name: TARGETS.login, api: apis.perLogin, spec: spec(apis.perLogin, 'POST', logins) },
    { name: TARGETS.loginSingle, api: apis.single, spec: spec(apis.single, 'POST', logins) },
    {
      name: TARGETS.floor,
      api: apis.floor,
      spec: spec(
        apis.floor,
        'GET',
        tokens.map((t) => ({ path: `/validate/${encodeURIComponent(t.token)}` })),
      ),
    },
  ];
}
