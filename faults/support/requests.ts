import type { RequestSpec } from './http-load';
import { basic, introspectionAuth } from './stack';

export const TOKEN_SERVICES = '/api/v1/auth/token-services';
export const INTROSPECT = '/api/v1/auth/introspect';

/** A session a case holds: its bearer token and its public id. */
export interface Session {
  readonly token: string;
  readonly sessionId: string;
}

export function loginRequest(credentials: { username: string; password: string }): RequestSpec {
  return {
    label: 'login',
    method: 'POST',
    path: TOKEN_SERVICES,
    headers: { Authorization: basic(credentials.username, credentials.password) },
  };
}

/** GET of the caller's own session: one token validation (the hot path of the service). */
export function validateRequest(session: Session): RequestSpec {
  return {
    label: 'validate',
    method: 'GET',
    path: `${TOKEN_SERVICES}/${session.sessionId}`,
    headers: { 'X-auth-token': session.token },
  };
}

/** RFC 7662 introspection by a service (client credentials, JSON body). */
export function introspectRequest(session: Session, touch = true): RequestSpec {
  return {
    label: 'introspect',
    method: 'POST',
    path: INTROSPECT,
    headers: { Authorization: introspectionAuth(), 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: session.token, touch }),
  };
}

export function listRequest(token: string, path = TOKEN_SERVICES): RequestSpec {
  return { label: 'list', method: 'GET', path, headers: { 'X-auth-token': token } };
}

/** The session a successful login answered with, or undefined. */
export function sessionOf(body: unknown): Session | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { 'token-id': token, 'session-id': sessionId } = body as Record<string, unknown>;
  return typeof token === 'string' && typeof sessionId === 'string' ? { token, sessionId } : undefined;
}
