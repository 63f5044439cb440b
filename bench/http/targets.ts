import type { LoadSpec } from './load';
import type { Reported } from './report';

/** One thing the bench loads: a route of sessiond or a peer's. */
export interface Target extends Reported {
  readonly spec: LoadSpec;
  /** The server process that answers it (its CPU time is read around each run). */
  readonly server: string;
  /** Redis commands whose commandstats usec_per_call the report gives (sessiond: its script). */
  readonly commands: readonly string[];
  /** Redis commands that mark one round trip each; counted per request answered. */
  readonly roundTrips: readonly string[];
}

export interface Fixture {
  readonly connections: number;
  readonly durationS: number;
  readonly sessions: readonly { readonly token: string; readonly sessionId: string }[];
  /** express-session's cookies, one per session. */
  readonly cookies: readonly string[];
  /** `Basic …` of the introspection client. */
  readonly basic: string;
}

const SCRIPT = ['evalsha', 'eval'];
// A validation is one HMGET: the plain read, or the one inside validateSession-2.lua when the script
// is needed (commandstats counts commands run by scripts); so HMGET calls count round trips.
const VALIDATION = ['hmget'];

/**
 * sessiond's three validation routes on `port`: GET /token-services/{id} with X-auth-token,
 * forward-auth as nginx asks it, and POST /introspect. A `build` label (a second build measured in
 * the same run, BENCH_SESSIOND_BUILDS) suffixes keys, names and the process name.
 */
export function sessiondTargets(fixture: Fixture, port: number, build?: string): Target[] {
  const at = build === undefined ? '' : `@${build}`;
  const spec = specFor(fixture);
  const route = (
    key: string,
    name: string,
    method: 'GET' | 'POST',
    variants: LoadSpec['variants'],
  ): Target => ({
    key: `${key}${at}`,
    name: build === undefined ? name : `${name} [${build}]`,
    sessiond: true,
    server: `sessiond${at}`,
    commands: SCRIPT,
    roundTrips: VALIDATION,
    spec: spec(port, method, variants),
  });
  return [
    route(
      'get',
      'sessiond GET /token-services/{id} (X-auth-token)',
      'GET',
      fixture.sessions.map((s) => ({
        path: `/api/v1/auth/token-services/${s.sessionId}`,
        headers: { 'x-auth-token': s.token },
      })),
    ),
    // What nginx auth_request sends: the token plus the original request's method and URI.
    route(
      'forward-auth',
      'sessiond forward-auth (nginx-style auth request)',
      'GET',
      fixture.sessions.map((s) => ({
        path: '/api/v1/auth/forward-auth?priv-lvl=15',
        headers: { 'x-auth-token': s.token, 'x-original-method': 'GET', 'x-original-uri': '/orders/7' },
      })),
    ),
    route(
      'introspect',
      'sessiond POST /introspect',
      'POST',
      introspections(fixture, '/api/v1/auth/introspect'),
    ),
  ];
}

/** An introspection request per session, to `path`: the client's Basic credentials and a JSON body. */
function introspections(fixture: Fixture, path: string): LoadSpec['variants'] {
  return fixture.sessions.map((s) => ({
    path,
    headers: { authorization: fixture.basic, 'content-type': 'application/json' },
    body: JSON.stringify({ token: s.token }),
  }));
}

/** The peers, by key: each on its own port (servers/<key>.js). */
export function peerTargets(fixture: Fixture, ports: Readonly<Record<string, number>>): Target[] {
  const spec = specFor(fixture);
  const byToken = fixture.sessions.map((s) => ({ path: `/validate/${s.token}` }));
  const port = (key: string): number => ports[key] ?? 0;
  return [
    {
      key: 'raw',
      name: 'raw floor: node:http + one ioredis GET',
      sessiond: false,
      server: 'raw',
      commands: ['get'],
      roundTrips: ['get'],
      spec: spec(port('raw'), 'GET', byToken),
    },
    {
      // The same floor for the shape of POST /introspect: the same headers and JSON body.
      key: 'raw-post',
      name: 'raw floor, POST shape: node:http + JSON body + one ioredis GET',
      sessiond: false,
      server: 'raw',
      commands: ['get'],
      roundTrips: ['get'],
      spec: spec(port('raw'), 'POST', introspections(fixture, '/introspect')),
    },
    {
      key: 'fastify',
      name: 'Fastify 5 + one ioredis GET',
      sessiond: false,
      server: 'fastify',
      commands: ['get'],
      roundTrips: ['get'],
      spec: spec(port('fastify'), 'GET', byToken),
    },
    {
      key: 'bare',
      name: 'bare: Express + one ioredis GET',
      sessiond: false,
      server: 'bare',
      commands: ['get'],
      roundTrips: ['get'],
      spec: spec(
        port('bare'),
        'GET',
        fixture.sessions.map((s) => ({ path: '/validate', headers: { 'x-auth-token': s.token } })),
      ),
    },
    {
      key: 'express-session',
      name: 'express-session + connect-redis 8 (rolling)',
      sessiond: false,
      server: 'express-session',
      commands: ['get', 'set', 'expire', 'del'],
      roundTrips: ['get', 'set', 'expire', 'del'],
      spec: spec(
        port('express-session'),
        'GET',
        fixture.cookies.map((c) => ({ path: '/validate', headers: { cookie: c } })),
      ),
    },
    {
      key: 'hello',
      name: 'hello: Express constant JSON',
      sessiond: false,
      server: 'hello',
      commands: [],
      roundTrips: [],
      spec: spec(port('hello'), 'GET', [{ path: '/hello' }]),
    },
  ];
}

function specFor(fixture: Fixture) {
  return (port: number, method: 'GET' | 'POST', variants: LoadSpec['variants']): LoadSpec => ({
    url: `http://127.0.0.1:${port}`,
    method,
    connections: fixture.connections,
    durationS: fixture.durationS,
    variants,
  });
}
