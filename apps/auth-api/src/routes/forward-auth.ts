import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { parseCommandLine, parsePrivLvl, privilegeRefusal, COMMAND_DENIED } from '@sessiond/protocol';
import type { SessionDescriptor, SessionStore } from '@sessiond/session-store';
import { CommandOutage, type CommandDecisions } from '../auth/command-decisions';
import { authenticateToken } from '../auth/token-auth';
import type { Config } from '../config';
import { ProblemError } from '../http/problem-error';
import type { OriginalRequest, RequestContext } from '../http/request-context';
import type { Metrics } from '../metrics';
import { commandDeniedDetail } from './authorize';

export interface ForwardAuthDeps {
  readonly config: Config;
  readonly store: SessionStore;
  readonly metrics: Metrics;
  readonly decisions: CommandDecisions;
}

/** What the proxy asks for, from the auth request's query string (or Envoy's added headers). */
interface Requirements {
  readonly privLvl: number | undefined;
  readonly command: boolean;
}

// Header values we copy into the log are bounded: proxies send what their clients sent.
const MAX_URI = 2048;
const MAX_HOST = 255;
const METHOD = /^[A-Za-z]{1,20}$/;
const PROTO = /^[a-z][a-z0-9+.-]{0,15}$/i;

/**
 * `/api/v1/auth/forward-auth` (issue 14): the auth request of nginx `auth_request`, Caddy
 * `forward_auth`, Traefik `ForwardAuth` and Envoy `ext_authz` (HTTP). Any method, body ignored. One
 * Redis script per request (the token's validation, sliding its idle expiry like the token routes);
 * `?priv-lvl=N` and `?command=tacacs` add a privilege floor and a TACACS+ command authorization of
 * the original request (`<METHOD> <path>`). 200 with identity headers and no body; 401 / 403 / 503
 * problem+json otherwise (what each proxy makes of them: docs/forward-auth.md).
 *
 * Envoy appends the original path (and query) to the configured `path_prefix`, so a `suffix` is the
 * original request; its own parameters then come from the headers Envoy adds
 * (`X-Forward-Auth-Priv-Lvl`, `X-Forward-Auth-Command`), since the query string is the client's.
 */
export function forwardAuthHandler(deps: ForwardAuthDeps) {
  const { config, store, metrics, decisions } = deps;
  return async (
    req: IncomingMessage,
    res: ServerResponse,
    context: RequestContext,
    suffix: string | undefined,
    query: string,
  ): Promise<void> => {
    // The body (if any) is ignored; reading it lets a keep-alive connection carry the next request.
    req.resume();
    const original = originalRequest(req, suffix);
    context.original = original;
    // Counted once answered: `allow`, or the code the refusal was answered with (problemFor's).
    res.once('finish', () => {
      metrics.forwardAuth.inc({
        result: res.statusCode === 200 ? 'allow' : (context.code ?? String(res.statusCode)),
      });
    });
    const wanted = suffix === undefined ? fromQuery(query) : fromHeaders(req.headers);
    const { session } = await authenticateToken(req.headers, store, metrics, config.forwardAuthCookie);
    context.sessionId = session.sessionId;
    context.username = session.username;
    const refusal = privilegeRefusal(session.privLvl, wanted.privLvl);
    if (refusal !== undefined) throw new ProblemError(refusal.code, refusal.detail, refusal.extensions);
    if (wanted.command) await checkCommand(decisions, session, original);
    allow(res, session);
  };
}

function allow(res: ServerResponse, session: SessionDescriptor): void {
  const user = headerSafe(session.username);
  res.statusCode = 200;
  res.setHeader('Cache-Control', 'no-store');
  // oauth2-proxy's names (nginx auth_request_set, Traefik authResponseHeaders) and Authelia's.
  res.setHeader('X-Auth-Request-User', user);
  res.setHeader('X-Auth-Request-Priv-Lvl', String(session.privLvl));
  res.setHeader('X-Auth-Request-Session-Id', session.sessionId);
  res.setHeader('X-Auth-Request-Aaa', headerSafe(session.aaa));
  res.setHeader('Remote-User', user);
  res.setHeader('Content-Length', '0');
  res.end();
}

/** TACACS+ decides `<METHOD> <path>` for the session's user; a denial is 403, an outage 503/502. */
async function checkCommand(
  decisions: CommandDecisions,
  session: SessionDescriptor,
  original: OriginalRequest,
): Promise<void> {
  decisions.require();
  if (original.method === undefined || original.uri === undefined) {
    throw new ProblemError(
      'invalid_request',
      'command=tacacs needs the original request: X-Original-Method and X-Original-URI (nginx), or X-Forwarded-Method and X-Forwarded-Uri (Caddy, Traefik), or an Envoy path_prefix',
    );
  }
  const path = pathOf(original.uri);
  // A rule like `GET /orders/.*` must not match `/orders/7/../../admin`: the upstream may resolve
  // dot segments (raw or percent-encoded) and empty segments that TACACS+ would see literally.
  if (/(^|\/)(\.|%2e){1,2}(\/|$)|\/\/|%2f|%5c|\\/i.test(path)) {
    throw new ProblemError(
      'invalid_request',
      'the original path has dot segments, empty segments or encoded slashes: refused for command=tacacs',
    );
  }
  const parsed = parseCommandLine(`${original.method.toUpperCase()} ${path}`);
  if (parsed.kind === 'invalid')
    throw new ProblemError('invalid_request', `the original request: ${parsed.reason}`);
  let decision;
  try {
    decision = await decisions.decide(session, parsed.words, parsed.line);
  } catch (error) {
    throw error instanceof CommandOutage ? error.problem : error;
  }
  if (!decision.permit) {
    throw new ProblemError(
      COMMAND_DENIED,
      commandDeniedDetail(decisions.method ?? 'tacacs', session, decision),
      {
        command: parsed.line,
      },
    );
  }
}

function fromQuery(query: string): Requirements {
  const params = new URLSearchParams(query);
  return requirements(params.get('priv-lvl') ?? undefined, params.get('command') ?? undefined);
}

function fromHeaders(headers: IncomingHttpHeaders): Requirements {
  return requirements(single(headers['x-forward-auth-priv-lvl']), single(headers['x-forward-auth-command']));
}

function requirements(privLvl: string | undefined, command: string | undefined): Requirements {
  let floor: number | undefined;
  if (privLvl !== undefined) {
    floor = parsePrivLvl(privLvl);
    if (floor === undefined)
      throw new ProblemError('invalid_request', 'priv-lvl must be an integer from 0 to 15');
  }
  if (command !== undefined && command !== 'tacacs') {
    throw new ProblemError(
      'invalid_request',
      "command must be 'tacacs' (TACACS+ command authorization) or absent",
    );
  }
  return { privLvl: floor, command: command === 'tacacs' };
}

/** The request the proxy is asking about, as its headers (or Envoy's path) tell it. */
function originalRequest(req: IncomingMessage, suffix: string | undefined): OriginalRequest {
  const h = req.headers;
  const method =
    single(h['x-original-method']) ??
    single(h['x-forwarded-method']) ??
    (suffix !== undefined ? req.method : undefined);
  const uri =
    single(h['x-original-uri']) ??
    single(h['x-forwarded-uri']) ??
    (suffix !== undefined ? `/${suffix}` : undefined);
  const host = single(h['x-forwarded-host']);
  const proto = single(h['x-forwarded-proto']);
  // Members set one by one rather than spread from conditional objects: this runs per auth request.
  const original: { -readonly [K in keyof OriginalRequest]: OriginalRequest[K] } = {};
  if (method !== undefined && METHOD.test(method)) original.method = method.toUpperCase();
  if (uri !== undefined && uri.startsWith('/')) original.uri = uri.slice(0, MAX_URI);
  if (host !== undefined) original.host = host.slice(0, MAX_HOST);
  if (proto !== undefined && PROTO.test(proto)) original.proto = proto.toLowerCase();
  return original;
}

/** The path of a request-target, without its query or fragment. */
function pathOf(uri: string): string {
  const end = uri.search(/[?#]/);
  return end < 0 ? uri : uri.slice(0, end);
}

function single(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  const trimmed = text?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/**
 * A value as an HTTP header carries it: printable ASCII as is; anything else (a UTF-8 username)
 * percent-encoded, since header values are Latin-1 on the wire and control characters are refused.
 */
function headerSafe(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}
