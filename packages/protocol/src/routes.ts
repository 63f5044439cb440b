// The routes of the HTTP contract (../shared/spec/http-api.md, "Routes"). Paths with parameters are
// URI templates (RFC 6570 level 1, which is also OpenAPI's path syntax): `pathOf` fills them for a
// client, `routePattern` turns them into the `:name` patterns of Express and other routers.

/** Cisco IOS XE token service: POST logs in (HTTP Basic), GET lists, DELETE logs out everywhere. */
export const TOKEN_SERVICES_PATH = '/api/v1/auth/token-services';
/** One of the caller's sessions: GET, DELETE. */
export const SESSION_PATH = `${TOKEN_SERVICES_PATH}/{sessionId}` as const;
/** RFC 7662 token introspection, with the client credentials of INTROSPECTION_CLIENTS_FILE. */
export const INTROSPECT_PATH = '/api/v1/auth/introspect';
/**
 * Command authorization for other services (POST, the introspection clients' credentials): may the
 * user of a session run a command line? Asked of TACACS+ (issue 13).
 */
export const AUTHORIZE_PATH = '/api/v1/auth/authorize';
/**
 * Forward authentication for reverse proxies (nginx auth_request, Caddy forward_auth, Traefik
 * ForwardAuth, Envoy ext_authz): any method; `<path>/<anything>` too (Envoy's path_prefix).
 */
export const FORWARD_AUTH_PATH = '/api/v1/auth/forward-auth';
/** Admin: any user's sessions, GET and DELETE. */
export const USER_SESSIONS_PATH = '/api/v1/auth/users/{username}/sessions';
/** Admin (GET, `?limit=`): the users with the most live sessions. */
export const USERS_PATH = '/api/v1/auth/users';
/**
 * Admin (DELETE, `?address=`): unlocks a throttled user at an address by clearing its failed-login
 * counts (issue 16).
 */
export const USER_LOGIN_FAILURES_PATH = '/api/v1/auth/users/{username}/login-failures';
/** Admin: the state of Redis and of each AAA server, with recent latency and errors. */
export const STATUS_PATH = '/api/v1/auth/status';
/** Admin: the refused logins this process saw over the last hour, by cause. */
export const REFUSALS_PATH = '/api/v1/auth/refusals';
/** Every route of the API starts with it (the console's listener hands these to the public handler). */
export const API_PREFIX = '/api/v1/';
/** The operator console's files (issue 16); `/console` redirects here. */
export const CONSOLE_PATH = '/console/';
/** The OpenAPI 3.1 document of every route. */
export const OPENAPI_PATH = '/api/v1/openapi.json';
/** 200 while the process runs. */
export const HEALTHZ_PATH = '/healthz';
/** 200 when Redis answers; the body reports Redis and each AAA server. */
export const READYZ_PATH = '/readyz';
/** Prometheus text. */
export const METRICS_PATH = '/metrics';

/** The `{name}` parameters of a path template, as a union of names. */
export type PathParams<T extends string> = T extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PathParams<Rest>
  : never;

const PARAM = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** A template with each `{name}` replaced by its value, percent-encoded as one path segment. */
export function pathOf<T extends string>(
  template: T,
  params: Readonly<Record<PathParams<T>, string>>,
): string {
  return pathBuilder(template)(params);
}

/**
 * pathOf for one template, parsed once: the function fills it without a regular expression (the
 * token routes build a link in every answer).
 */
export function pathBuilder<T extends string>(
  template: T,
): (params: Readonly<Record<PathParams<T>, string>>) => string {
  // A split on a capturing pattern alternates literal text and parameter names.
  const parts = template.split(PARAM);
  return (params) => {
    const values: Readonly<Record<string, string>> = params;
    let path = parts[0] ?? '';
    for (let i = 1; i < parts.length; i += 2) {
      const name = parts[i] ?? '';
      const value = values[name];
      if (value === undefined) throw new Error(`${template}: no value for {${name}}`);
      path += encodeURIComponent(value) + (parts[i + 1] ?? '');
    }
    return path;
  };
}

/** A template as a `:name` route pattern (Express, find-my-way): `/users/{username}` → `/users/:username`. */
export function routePattern(template: string): string {
  return template.replace(PARAM, (_whole, name: string) => `:${name}`);
}
