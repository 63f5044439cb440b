import { ApiError, CONSOLE_CODES, errorFromBody } from './api-error';
import type { RefusalsAnswer, SessionList, StatusAnswer, TokenAnswer, TopUsers } from './api-types';
import { observeServerDate } from './clock';
import {
  LOGIN_FAILURES_PATH,
  REFUSALS_PATH,
  SESSION_PATH,
  STATUS_PATH,
  TOKEN_SERVICES_PATH,
  USERS_PATH,
  USER_SESSIONS_PATH,
  pathOf,
} from './routes';

/** The session this page holds. The token lives in this object only: a reload logs out. */
interface Login {
  readonly token: string;
  readonly sessionId: string;
  readonly username: string;
  /** Aborts the requests in flight when the page logs out. */
  readonly aborter: AbortController;
}

/** RFC 7617 §2.1 with charset UTF-8: base64 of the UTF-8 bytes of `user:password`. */
function basicCredentials(username: string, password: string): string {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

/**
 * The admin API client: every call the console makes goes through `request`, which sends the token
 * in X-auth-token and turns error answers into ApiError (problem+json `code` and `detail`).
 */
export class Api {
  #login: Login | undefined;

  /** `onSessionEnded` hears a 401 on a token call: the session was revoked, idled out or evicted. */
  constructor(private readonly onSessionEnded: (error: ApiError) => void) {}

  get username(): string | undefined {
    return this.#login?.username;
  }

  get sessionId(): string | undefined {
    return this.#login?.sessionId;
  }

  /** POST token-services with Basic; the password is used for this one request and not kept. */
  async login(username: string, password: string): Promise<void> {
    this.forget();
    const aborter = new AbortController();
    const answer = await this.#send<TokenAnswer>('POST', TOKEN_SERVICES_PATH, {
      authorization: basicCredentials(username, password),
      signal: aborter.signal,
    });
    this.#login = { token: answer['token-id'], sessionId: answer['session-id'], username, aborter };
  }

  /** DELETE of this page's own session; the token is forgotten first, whatever the answer. */
  async logout(): Promise<void> {
    const login = this.#login;
    this.forget();
    if (login === undefined) return;
    await this.#send<undefined>('DELETE', pathOf(SESSION_PATH, { sessionId: login.sessionId }), {
      token: login.token,
    });
  }

  /** Drops the token and cancels what is in flight (after a 401, or before a new login). */
  forget(): void {
    this.#login?.aborter.abort();
    this.#login = undefined;
  }

  status(): Promise<StatusAnswer> {
    return this.#call('GET', STATUS_PATH);
  }

  refusals(): Promise<RefusalsAnswer> {
    return this.#call('GET', REFUSALS_PATH);
  }

  topUsers(limit: number): Promise<TopUsers> {
    return this.#call('GET', `${USERS_PATH}?${new URLSearchParams({ limit: String(limit) }).toString()}`);
  }

  sessions(username: string): Promise<SessionList> {
    return this.#call('GET', pathOf(USER_SESSIONS_PATH, { username }));
  }

  revoke(sessionId: string): Promise<undefined> {
    return this.#call('DELETE', pathOf(SESSION_PATH, { sessionId }));
  }

  revokeAll(username: string): Promise<{ revoked: number }> {
    return this.#call('DELETE', pathOf(USER_SESSIONS_PATH, { username }));
  }

  unlock(username: string, address: string): Promise<{ cleared: number }> {
    const query = new URLSearchParams({ address }).toString();
    return this.#call('DELETE', `${pathOf(LOGIN_FAILURES_PATH, { username })}?${query}`);
  }

  /** A call with the token; a 401 means the session is gone, which the page hears about once. */
  async #call<T>(method: string, path: string): Promise<T> {
    const login = this.#login;
    if (login === undefined) throw new ApiError(0, CONSOLE_CODES.aborted, 'not logged in');
    try {
      return await this.#send<T>(method, path, { token: login.token, signal: login.aborter.signal });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401 && this.#login === login) {
        this.forget();
        this.onSessionEnded(error);
      }
      throw error;
    }
  }

  async #send<T>(
    method: string,
    path: string,
    auth: { readonly token?: string; readonly authorization?: string; readonly signal?: AbortSignal },
  ): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
    if (auth.token !== undefined) headers['X-auth-token'] = auth.token;
    if (auth.authorization !== undefined) headers['Authorization'] = auth.authorization;
    const sentAt = Date.now();
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        // No cookie either way (the token is the only credential), and with credentials omitted a
        // 401 Basic challenge cannot open the browser's own login dialog.
        credentials: 'omit',
        cache: 'no-store',
        redirect: 'error',
        ...(auth.signal !== undefined ? { signal: auth.signal } : {}),
      });
    } catch (error) {
      if (auth.signal?.aborted === true) throw new ApiError(0, CONSOLE_CODES.aborted, 'logged out');
      throw new ApiError(0, CONSOLE_CODES.network, error instanceof Error ? error.message : 'fetch failed');
    }
    observeServerDate(response.headers.get('Date'), sentAt, Date.now());
    const body = await readBody(response);
    if (auth.signal?.aborted === true) throw new ApiError(0, CONSOLE_CODES.aborted, 'logged out');
    if (!response.ok) throw errorFromBody(response.status, response.statusText, body);
    return body as T;
  }
}

/** The JSON body, or undefined for an empty or non-JSON one. */
async function readBody(response: Response): Promise<unknown> {
  const type = response.headers.get('Content-Type') ?? '';
  if (response.status === 204 || !/\bjson\b/i.test(type)) return undefined;
  try {
    return (await response.json()) as unknown;
  } catch {
    return undefined;
  }
}
