import {
  AUTHORIZE_PATH,
  CHALLENGES,
  FORWARD_AUTH_PATH,
  HEALTHZ_PATH,
  INTROSPECT_PATH,
  OPENAPI_PATH,
  READYZ_PATH,
  SESSION_PATH,
  TOKEN_SERVICES_PATH,
  USER_SESSIONS_PATH,
  type ProblemCode,
} from '@sessiond/protocol';
import { consolePaths } from './console-paths';
import { SCHEMAS, plainProblem } from './schemas';

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (description: string, schema: Json, headers: Json = {}): Json => ({
  description,
  headers,
  content: { 'application/json': { schema } },
});
const problem = (description: string, schema: Json, headers: Json = {}): Json => ({
  description,
  headers,
  content: { 'application/problem+json': { schema } },
});
const header = (description: string, schema: Json = { type: 'string' }): Json => ({ description, schema });
const retryAfter = { 'Retry-After': header('seconds to wait before retrying', { type: 'integer' }) };
const challenge = (which: keyof typeof CHALLENGES): Json => ({
  'WWW-Authenticate': header(`\`${CHALLENGES[which]}\``),
});
const plain = (description: string, ...codes: ProblemCode[]): Json =>
  problem(description, plainProblem(...codes));

const tokenErrors: Json = {
  '400': plain('X-auth-token and Authorization: Bearer carry different tokens', 'invalid_request'),
  '401': problem(
    'token missing, unknown, idle-expired, revoked, evicted by the limit, or past its lifetime',
    plainProblem(
      'token_missing',
      'token_invalid',
      'token_revoked',
      'session_evicted',
      'session_lifetime_exceeded',
    ),
    challenge('bearer-invalid'),
  ),
  '503': problem(
    'Redis unavailable (never turned into 401)',
    plainProblem('session_store_unavailable'),
    retryAfter,
  ),
};
const tokenSecurity = [{ xAuthToken: [] }, { bearer: [] }];
/** forward-auth answers any method; the document lists the methods OpenAPI can name. */
const FORWARD_AUTH_METHODS = ['get', 'head', 'options', 'post', 'put', 'patch', 'delete'] as const;
const forwardAuthParams: Json[] = [
  {
    name: 'priv-lvl',
    in: 'query',
    required: false,
    description: 'the session’s priv-lvl must be at least this (0–15), else 403 insufficient_privilege',
    schema: { type: 'integer', minimum: 0, maximum: 15 },
  },
  {
    name: 'command',
    in: 'query',
    required: false,
    description:
      '`tacacs`: TACACS+ must authorize the command `<METHOD> <path>` of the original request (X-Original-Method / X-Original-URI, X-Forwarded-Method / X-Forwarded-Uri, or Envoy’s path suffix)',
    schema: { type: 'string', enum: ['tacacs'] },
  },
];
const identity = (description: string): Json => header(description);
function forwardAuthOperation(method: string, suffix: boolean): Json {
  return {
    operationId: `forwardAuth${method[0]?.toUpperCase() ?? ''}${method.slice(1)}${suffix ? 'Suffix' : ''}`,
    summary: suffix
      ? 'forward-auth for Envoy ext_authz (HTTP): the original path appended to the path_prefix'
      : 'forward-auth for reverse proxies (nginx auth_request, Caddy forward_auth, Traefik ForwardAuth): any method, body ignored',
    description:
      'Validates the token (X-auth-token, Authorization: Bearer, or the FORWARD_AUTH_COOKIE cookie) in one Redis round trip, counting as use (sliding idle expiry). With a path suffix (Envoy) the query string is the original request’s: the requirements then come from the headers X-Forward-Auth-Priv-Lvl and X-Forward-Auth-Command. docs/forward-auth.md has the proxy configurations.',
    security: tokenSecurity,
    ...(suffix ? {} : { parameters: forwardAuthParams }),
    responses: {
      '200': {
        description: 'allowed: no body; the identity headers for the upstream (never the token)',
        headers: {
          'X-Auth-Request-User': identity('the username (percent-encoded if not printable ASCII)'),
          'X-Auth-Request-Priv-Lvl': identity('the session’s TACACS+ priv-lvl'),
          'X-Auth-Request-Session-Id': identity('the session-id (public handle)'),
          'X-Auth-Request-Aaa': identity('the AAA method that authenticated the user'),
          'Remote-User': identity('the username (Authelia’s header)'),
          'Cache-Control': header('no-store'),
        },
      },
      '400': plain(
        'different tokens in X-auth-token and Authorization, a bad priv-lvl or command parameter, or command=tacacs without the original request',
        'invalid_request',
      ),
      '401': tokenErrors['401'],
      '403': problem('priv-lvl below the required one, or TACACS+ denied the command', {
        oneOf: [ref('InsufficientPrivilegeProblem'), ref('CommandDeniedProblem')],
      }),
      '501': plain(
        'command=tacacs but AAA_METHODS has no TACACS+ (never a permit or a deny)',
        'command_authorization_unavailable',
      ),
      '502': problem(
        'command=tacacs: no TACACS+ reply could be decrypted (shared-secret mismatch), or TLS verification failed',
        ref('AaaMisconfiguredProblem'),
      ),
      '503': problem(
        'Redis unavailable (never a 200 or a 401), or command=tacacs and no TACACS+ server answered',
        { oneOf: [plainProblem('session_store_unavailable'), ref('AaaUnavailableProblem')] },
        retryAfter,
      ),
    },
  };
}
const forwardAuthPath = (suffix: boolean): Json =>
  Object.fromEntries(FORWARD_AUTH_METHODS.map((method) => [method, forwardAuthOperation(method, suffix)]));

const sessionIdParam = {
  name: 'sessionId',
  in: 'path',
  required: true,
  description: 'the session-id (public handle)',
  schema: { type: 'string' },
};
const usernameParam = { name: 'username', in: 'path', required: true, schema: { type: 'string' } };

/** The OpenAPI 3.1 document of every route, served at /api/v1/openapi.json. */
export const OPENAPI_DOCUMENT: Json = withDefaultResponses({
  openapi: '3.1.0',
  info: {
    title: 'sessiond token service',
    version: '0.1.0',
    license: { name: 'MIT', identifier: 'MIT' },
    description:
      'Cisco IOS XE token-service API (POST/GET/DELETE /api/v1/auth/token-services, X-auth-token) backed by a TACACS+/local AAA chain and Redis. Every error is application/problem+json with a stable `code`.',
  },
  servers: [{ url: '/' }],
  // Every operation also answers `default`: any other problem (internal_error 500, payload_too_large,
  // unsupported_media_type, method_not_allowed …), in the same problem+json shape.
  components: {
    securitySchemes: {
      basic: {
        type: 'http',
        scheme: 'basic',
        description: 'user credentials, checked by the AAA chain (AAA_METHODS)',
      },
      introspectionClient: {
        type: 'http',
        scheme: 'basic',
        description: 'a client of INTROSPECTION_CLIENTS_FILE',
      },
      xAuthToken: {
        type: 'apiKey',
        in: 'header',
        name: 'X-auth-token',
        description: 'the token-id; surrounding double quotes are tolerated',
      },
      bearer: { type: 'http', scheme: 'bearer' },
    },
    schemas: SCHEMAS,
  },
  paths: {
    [TOKEN_SERVICES_PATH]: {
      post: {
        operationId: 'login',
        summary: 'Authenticate with HTTP Basic and get a token',
        security: [{ basic: [] }],
        responses: {
          '200': json('a new session', ref('AuthToken'), {
            Location: header('the session link'),
            'Cache-Control': header('no-store'),
          }),
          '400': plain('Basic header not decodable (bad base64, no colon, over 1 KiB)', 'invalid_request'),
          '401': problem(
            'no Basic credentials, or AAA rejected them',
            plainProblem('credentials_missing', 'invalid_credentials'),
            challenge('basic'),
          ),
          '403': problem(
            'authenticated, but priv-lvl is below REQUIRED_PRIV_LVL',
            ref('InsufficientPrivilegeProblem'),
          ),
          '429': problem(
            'too many failed logins (of this user from this address, or from this address whatever the user), or the per-user session limit (policy reject)',
            { oneOf: [ref('LoginThrottledProblem'), ref('SessionLimitProblem')] },
            retryAfter,
          ),
          '502': problem(
            'no TACACS+ reply could be decrypted (shared-secret mismatch) on any server, and no fallback let the user in',
            ref('AaaMisconfiguredProblem'),
          ),
          '503': problem(
            'an AAA method was unavailable and no fallback let the user in (never a 401: see aaa.fallback), too many local password checks waiting (LOCAL_HASH_QUEUE_MAX) or still waiting at AAA_DEADLINE_MS, or Redis unavailable',
            {
              oneOf: [
                ref('AaaUnavailableProblem'),
                ref('AaaOverloadedProblem'),
                plainProblem('session_store_unavailable'),
              ],
            },
            retryAfter,
          ),
        },
      },
      get: {
        operationId: 'listSessions',
        summary: 'The caller’s live sessions, newest first',
        security: tokenSecurity,
        responses: { '200': json('the caller’s sessions', ref('SessionCollection')), ...tokenErrors },
      },
      delete: {
        operationId: 'logoutEverywhere',
        summary: 'Revoke all the caller’s sessions',
        security: tokenSecurity,
        responses: { '200': json('how many sessions were revoked', ref('Revoked')), ...tokenErrors },
      },
    },
    [SESSION_PATH]: {
      parameters: [sessionIdParam],
      get: {
        operationId: 'getSession',
        summary: 'One of the caller’s sessions',
        security: tokenSecurity,
        responses: {
          '200': json('the session', ref('SessionItem')),
          '404': plain('not the caller’s, unknown, or dead', 'session_not_found'),
          ...tokenErrors,
        },
      },
      delete: {
        operationId: 'logout',
        summary: 'Revoke one of the caller’s sessions (any session for an admin)',
        security: tokenSecurity,
        responses: {
          '204': { description: 'revoked' },
          '404': plain('not the caller’s, unknown, or dead', 'session_not_found'),
          ...tokenErrors,
        },
      },
    },
    [INTROSPECT_PATH]: {
      post: {
        operationId: 'introspect',
        summary: 'RFC 7662 token introspection for other services',
        security: [{ introspectionClient: [] }],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: ref('IntrospectionRequest') },
            'application/x-www-form-urlencoded': { schema: ref('IntrospectionRequest') },
          },
        },
        responses: {
          '200': json('active with details, or exactly {"active":false}', ref('IntrospectionResponse'), {
            'Cache-Control': header('no-store'),
          }),
          '400': plain('no token in the body, or a malformed body', 'invalid_request'),
          '401': problem(
            'the calling client is not authenticated',
            plainProblem('invalid_client'),
            challenge('basic-introspect'),
          ),
          '413': plain('body over 8 KiB', 'payload_too_large'),
          '415': plain('body neither JSON nor form-encoded', 'unsupported_media_type'),
          '429': problem(
            'INTROSPECTION_MAX_FAILURES wrong secrets for this client id from this address within INTROSPECTION_FAILURE_WINDOW_S: refused, even with the right secret, until the window ends',
            ref('ClientThrottledProblem'),
            retryAfter,
          ),
          '503': problem(
            'Redis unavailable (never active:false)',
            plainProblem('session_store_unavailable'),
            retryAfter,
          ),
        },
      },
    },
    [AUTHORIZE_PATH]: {
      post: {
        operationId: 'authorizeCommand',
        summary:
          'May the user of a session run this command? (TACACS+ command authorization, for other services)',
        description:
          'Authenticated like introspection (a client of INTROSPECTION_CLIENTS_FILE, the same throttle). The session is validated like introspection does (the call counts as use), then TACACS+ is asked at the session’s priv-lvl (`service=shell`, `cmd`, `cmd-arg`…). With TACACS_ACCOUNTING=true every decided command gets an accounting record. Decisions may come from a short cache (AUTHORIZE_CACHE_TTL_MS, off by default); an outage never does.',
        security: [{ introspectionClient: [] }],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: ref('AuthorizeRequest') },
            'application/x-www-form-urlencoded': { schema: ref('AuthorizeRequest') },
          },
        },
        responses: {
          '200': json(
            'a decision: permitted, denied (`code` command_denied), or the token is dead (`code` as the token routes say it)',
            ref('AuthorizeResponse'),
            { 'Cache-Control': header('no-store') },
          ),
          '400': plain(
            'no token or command in the body, a field of the wrong type, a command that is empty, unprintable or over its bounds, or a malformed body',
            'invalid_request',
          ),
          '401': problem(
            'the calling client is not authenticated',
            plainProblem('invalid_client'),
            challenge('basic-introspect'),
          ),
          '413': plain('body over 8 KiB', 'payload_too_large'),
          '415': plain('body neither JSON nor form-encoded', 'unsupported_media_type'),
          '429': problem(
            'INTROSPECTION_MAX_FAILURES wrong secrets for this client id from this address within INTROSPECTION_FAILURE_WINDOW_S (the count introspection uses)',
            ref('ClientThrottledProblem'),
            retryAfter,
          ),
          '501': plain(
            'AAA_METHODS has no TACACS+: nothing can authorize commands (never a permit or a deny)',
            'command_authorization_unavailable',
          ),
          '502': problem(
            'no TACACS+ reply could be decrypted (shared-secret mismatch) on any server',
            ref('AaaMisconfiguredProblem'),
          ),
          '503': problem(
            'no TACACS+ server answered (never a permit or a deny), or Redis unavailable',
            { oneOf: [ref('AaaUnavailableProblem'), plainProblem('session_store_unavailable')] },
            retryAfter,
          ),
        },
      },
    },
    [FORWARD_AUTH_PATH]: forwardAuthPath(false),
    [`${FORWARD_AUTH_PATH}/{path}`]: {
      parameters: [
        {
          name: 'path',
          in: 'path',
          required: true,
          description: 'the original request’s path (and query), as Envoy appends it to its path_prefix',
          schema: { type: 'string' },
        },
      ],
      ...forwardAuthPath(true),
    },
    [USER_SESSIONS_PATH]: {
      parameters: [usernameParam],
      get: {
        operationId: 'adminListSessions',
        summary: 'A user’s live sessions (admins only)',
        security: tokenSecurity,
        responses: {
          '200': json('the user’s sessions, and the limit they count against', ref('UserSessionCollection')),
          '403': plain('the caller is not in ADMIN_USERS', 'forbidden'),
          ...tokenErrors,
        },
      },
      delete: {
        operationId: 'adminRevokeSessions',
        summary: 'Revoke all of a user’s sessions (admins only)',
        security: tokenSecurity,
        responses: {
          '200': json('how many sessions were revoked', ref('Revoked')),
          '403': plain('the caller is not in ADMIN_USERS', 'forbidden'),
          ...tokenErrors,
        },
      },
    },
    ...consolePaths({ json, plain, ref, tokenErrors, tokenSecurity, usernameParam }),
    [HEALTHZ_PATH]: {
      get: {
        operationId: 'health',
        summary: 'The process is running',
        security: [],
        responses: { '200': json('running', ref('Health')) },
      },
    },
    [READYZ_PATH]: {
      get: {
        operationId: 'ready',
        summary:
          'Redis answers within 250 ms and the process is not draining (the state only; the detailed readiness with each AAA server is on the management listener)',
        security: [],
        responses: {
          '200': json('ready', ref('Readiness')),
          '503': json('Redis not answering, or shutting down', ref('Readiness')),
        },
      },
    },
    [OPENAPI_PATH]: {
      get: {
        operationId: 'openapi',
        summary: 'This document',
        security: [],
        responses: { '200': json('OpenAPI 3.1', { type: 'object' }) },
      },
    },
  },
});

/** Adds the `default` response (any other problem, RFC 9457) to every operation. */
function withDefaultResponses(document: Json): Json {
  const paths = document['paths'] as Record<string, Record<string, Json>>;
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      const responses = operation['responses'] as Json | undefined;
      if (responses === undefined) continue;
      responses['default'] = problem('any other failure, as problem+json with its code', ref('Problem'));
    }
  }
  return document;
}
