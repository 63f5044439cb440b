import { SESSION_PATH, TOKEN_SERVICES_PATH } from '@sessiond/protocol';
import { basic } from './harness';

/** A login's answer: the status, and the token and session id when it was a 200. */
export interface LoginAnswer {
  readonly status: number;
  readonly code: string | undefined;
  readonly token: string | undefined;
  readonly sessionId: string | undefined;
}

/** Plain fetch calls to a running auth-api process (public and management listeners). */
export class ApiClient {
  constructor(
    readonly base: string,
    readonly management: string,
  ) {}

  async login(username: string, password: string): Promise<LoginAnswer> {
    const res = await fetch(`${this.base}${TOKEN_SERVICES_PATH}`, {
      method: 'POST',
      headers: { Authorization: basic(username, password) },
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json()) as Record<string, unknown>;
    const text = (key: string): string | undefined => {
      const value = body[key];
      return typeof value === 'string' ? value : undefined;
    };
    return { status: res.status, code: text('code'), token: text('token-id'), sessionId: text('session-id') };
  }

  /** GET of the caller's own session: the status (200 valid, 401 not). */
  async validate(token: string, sessionId: string): Promise<number> {
    const res = await fetch(`${this.base}${SESSION_PATH.replace('{sessionId}', sessionId)}`, {
      headers: { 'X-auth-token': token },
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    return res.status;
  }

  /** The management listener's detailed /readyz: the status and the body. */
  async readyz(): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${this.management}/readyz`, { signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
}
