import {
  AUTHORIZE_PATH,
  INTROSPECT_PATH,
  SESSION_PATH,
  TOKEN_SERVICES_PATH,
  USER_SESSIONS_PATH,
  parseCommandLine,
  parseToken,
  pathOf,
} from '@sessiond/protocol';
import { InvalidArgumentError, InvalidOptionsError } from './errors';
import { Transport } from './http/transport';
import { resolveClientOptions, type ResolvedClientOptions, type SessionClientOptions } from './options';
import type { CommandAuthorization, Introspection, LoginResult, SessionInfo } from './types';
import {
  toCommandAuthorization,
  toIntrospection,
  toLoginResult,
  toRevokedCount,
  toSessionInfo,
  toSessionList,
} from './wire/bodies';

export interface IntrospectOptions {
  /** Count this check as activity and slide the session's idle deadline (default true). */
  readonly touch?: boolean;
}

export interface AuthorizeOptions {
  /**
   * Milliseconds for the request (default: the client's loginTimeoutMs, 20000): the auth-api waits
   * for TACACS+ as for a login (AAA_DEADLINE_MS), so keep it above that.
   */
  readonly timeoutMs?: number;
}

// eslint-disable-next-line no-control-regex -- control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;
/** What can travel in an `X-auth-token` header: visible ASCII (fetch would quote anything else in its error). */
const HEADER_TOKEN = /^[\x21-\x7e]{1,8192}$/;

/**
 * The auth-api's HTTP API for other Node services. Every method throws a SessiondError: a
 * SessiondProblemError carrying the server's `code` when sessiond said no, a
 * SessiondUnavailableError when it could not be asked, a SessiondResponseError when it answered
 * outside the contract.
 */
export class SessionClient {
  // ES private fields: util.inspect and JSON.stringify never show them (the client secret is here).
  readonly #options: ResolvedClientOptions;
  readonly #transport: Transport;

  constructor(options: SessionClientOptions) {
    this.#options = resolveClientOptions(options);
    this.#transport = new Transport(this.#options);
  }

  /** The base URL requests go to (without a trailing slash). */
  get baseUrl(): string {
    return this.#options.baseUrl;
  }

  /** Whether introspection credentials were given (introspect() needs them). */
  get canIntrospect(): boolean {
    return this.#options.credentials !== undefined;
  }

  /** `POST /api/v1/auth/token-services` with HTTP Basic: a new session and its token. */
  async login(username: string, password: string): Promise<LoginResult> {
    if (typeof username !== 'string' || username === '' || username.includes(':') || CONTROL.test(username)) {
      throw new InvalidArgumentError(
        'username',
        'must be a non-empty string without a colon or control characters (RFC 7617)',
      );
    }
    if (typeof password !== 'string') throw new InvalidArgumentError('password', 'must be a string');
    const { body } = await this.#transport.send({
      method: 'POST',
      path: TOKEN_SERVICES_PATH,
      headers: { Authorization: basic(username, password) },
      timeoutMs: this.#options.loginTimeoutMs,
    });
    return toLoginResult(body);
  }

  /**
   * `DELETE /api/v1/auth/token-services/{session-id}`: ends one of the caller's sessions, by default
   * the token's own (an admin may end anyone's).
   */
  async logout(token: string, sessionId?: string): Promise<void> {
    const headers = tokenHeaders(token);
    let id = sessionId !== undefined ? checkSessionId(sessionId) : parseToken(token)?.ref.sessionId;
    // A token not in sessiond's format cannot be valid: the listing makes the server say why (401).
    id ??= (await this.list(token)).find((s) => s.current)?.sessionId;
    if (id === undefined) throw new InvalidArgumentError('token', 'the token names no session');
    await this.#transport.send({
      method: 'DELETE',
      path: pathOf(SESSION_PATH, { sessionId: id }),
      headers,
      timeoutMs: this.#options.timeoutMs,
    });
  }

  /** `DELETE /api/v1/auth/token-services`: ends all the caller's sessions; resolves to how many. */
  async logoutEverywhere(token: string): Promise<number> {
    const { body } = await this.#transport.send({
      method: 'DELETE',
      path: TOKEN_SERVICES_PATH,
      headers: tokenHeaders(token),
      timeoutMs: this.#options.timeoutMs,
    });
    return toRevokedCount(body);
  }

  /** `GET /api/v1/auth/token-services`: the caller's live sessions, newest first. */
  async list(token: string): Promise<SessionInfo[]> {
    const { body } = await this.#transport.send({
      method: 'GET',
      path: TOKEN_SERVICES_PATH,
      headers: tokenHeaders(token),
      timeoutMs: this.#options.timeoutMs,
    });
    return toSessionList(body);
  }

  /** `GET /api/v1/auth/token-services/{session-id}`: one of the caller's sessions (404 session_not_found otherwise). */
  async get(token: string, sessionId: string): Promise<SessionInfo> {
    const headers = tokenHeaders(token);
    const { body } = await this.#transport.send({
      method: 'GET',
      path: pathOf(SESSION_PATH, { sessionId: checkSessionId(sessionId) }),
      headers,
      timeoutMs: this.#options.timeoutMs,
    });
    return toSessionInfo(body);
  }

  /**
   * `POST /api/v1/auth/introspect` (RFC 7662) with the client credentials. A dead token is
   * `{ active: false }` without a reason; an outage throws (never `active: false`).
   */
  async introspect(token: string, { touch = true }: IntrospectOptions = {}): Promise<Introspection> {
    const credentials = this.#options.credentials;
    if (credentials === undefined) {
      throw new InvalidOptionsError('clientId', 'introspect() needs the clientId and clientSecret options');
    }
    if (typeof token !== 'string' || token === '') {
      throw new InvalidArgumentError('token', 'must be a non-empty string');
    }
    if (typeof touch !== 'boolean') throw new InvalidArgumentError('touch', 'must be true or false');
    const { body } = await this.#transport.send({
      method: 'POST',
      path: INTROSPECT_PATH,
      headers: { Authorization: basic(credentials.id, credentials.secret) },
      json: { token, touch },
      timeoutMs: this.#options.timeoutMs,
    });
    return toIntrospection(body);
  }

  /**
   * `POST /api/v1/auth/authorize` with the client credentials: may the user of the token's session
   * run `command` (a command line such as `show running-config`)? The auth-api asks TACACS+ at the
   * session's priv-lvl. Resolves to the decision, `permit: false` with a `code` for a denied command
   * or a dead token; throws when no decision could be had (503 aaa_unavailable, 501
   * command_authorization_unavailable, 401 invalid_client, 429 client_throttled, unreachable, …).
   */
  async authorize(
    token: string,
    command: string,
    options: AuthorizeOptions = {},
  ): Promise<CommandAuthorization> {
    const credentials = this.#options.credentials;
    if (credentials === undefined) {
      throw new InvalidOptionsError('clientId', 'authorize() needs the clientId and clientSecret options');
    }
    if (typeof token !== 'string' || token === '') {
      throw new InvalidArgumentError('token', 'must be a non-empty string');
    }
    checkCommand(command);
    const { timeoutMs = this.#options.loginTimeoutMs } = options;
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_AUTHORIZE_TIMEOUT_MS) {
      throw new InvalidArgumentError('timeoutMs', `must be an integer from 1 to ${MAX_AUTHORIZE_TIMEOUT_MS}`);
    }
    const { body } = await this.#transport.send({
      method: 'POST',
      path: AUTHORIZE_PATH,
      headers: { Authorization: basic(credentials.id, credentials.secret) },
      json: { token, command },
      timeoutMs,
    });
    return toCommandAuthorization(body);
  }

  /** Admin: `GET /api/v1/auth/users/{username}/sessions` (403 forbidden unless in ADMIN_USERS). */
  async listUserSessions(adminToken: string, username: string): Promise<SessionInfo[]> {
    const { body } = await this.#transport.send({
      method: 'GET',
      path: userSessionsPath(username),
      headers: tokenHeaders(adminToken),
      timeoutMs: this.#options.timeoutMs,
    });
    return toSessionList(body);
  }

  /** Admin: `DELETE /api/v1/auth/users/{username}/sessions`; resolves to how many were ended. */
  async revokeUserSessions(adminToken: string, username: string): Promise<number> {
    const { body } = await this.#transport.send({
      method: 'DELETE',
      path: userSessionsPath(username),
      headers: tokenHeaders(adminToken),
      timeoutMs: this.#options.timeoutMs,
    });
    return toRevokedCount(body);
  }
}

const MAX_AUTHORIZE_TIMEOUT_MS = 600_000;

/** The auth-api's own check of a command line (@sessiond/protocol): refused here, before any request. */
export function checkCommand(command: unknown): string {
  if (typeof command !== 'string') throw new InvalidArgumentError('command', 'must be a string');
  const parsed = parseCommandLine(command);
  if (parsed.kind === 'invalid') throw new InvalidArgumentError('command', parsed.reason);
  return parsed.line;
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`, 'utf8').toString('base64')}`;
}

function tokenHeaders(token: string): Record<string, string> {
  if (typeof token !== 'string' || !HEADER_TOKEN.test(token)) {
    throw new InvalidArgumentError('token', 'must be 1-8192 visible ASCII characters');
  }
  return { 'X-auth-token': token };
}

function checkSessionId(sessionId: string): string {
  if (typeof sessionId !== 'string' || sessionId === '') {
    throw new InvalidArgumentError('sessionId', 'must be a non-empty string');
  }
  return sessionId;
}

function userSessionsPath(username: string): string {
  if (typeof username !== 'string' || username === '') {
    throw new InvalidArgumentError('username', 'must be a non-empty string');
  }
  return pathOf(USER_SESSIONS_PATH, { username });
}
