import { SESSION_PATH, pathOf } from '@sessiond/protocol';
import type { SessionDescriptor } from '@sessiond/session-store';

/** Cisco's `expiry-time`: the idle period as hh:mm:ss (hours may exceed 24). */
export function expiryTime(ms: number): string {
  const total = Math.round(ms / 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}

export function sessionLink(baseUrl: string, sessionId: string): string {
  return `${baseUrl}${pathOf(SESSION_PATH, { sessionId })}`;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** A session in a listing or a GET (never its token, except the caller's own current one). */
export function sessionItem(
  session: SessionDescriptor,
  baseUrl: string,
  current: { readonly session: { readonly sessionId: string }; readonly token: string } | undefined,
): Record<string, unknown> {
  const isCurrent = current?.session.sessionId === session.sessionId;
  return {
    kind: 'object#session-token',
    'session-id': session.sessionId,
    link: sessionLink(baseUrl, session.sessionId),
    username: session.username,
    'created-at': iso(session.createdAtMs),
    'last-access-at': iso(session.lastAccessAtMs),
    'expires-at': iso(session.expiresAtMs),
    'absolute-expires-at': iso(session.absoluteExpiresAtMs),
    'expiry-time': expiryTime(session.idleTimeoutMs),
    'source-ip': session.sourceIp,
    'user-agent': session.userAgent,
    aaa: session.aaa,
    'priv-lvl': session.privLvl,
    current: isCurrent,
    ...(isCurrent && current !== undefined ? { 'token-id': current.token } : {}),
  };
}

/** The POST body: the seed's shape (kind, token-id, link, expiry-time) plus our members. */
export function tokenBody(
  token: string,
  session: SessionDescriptor,
  baseUrl: string,
  evicted: readonly SessionDescriptor[] | undefined,
): Record<string, unknown> {
  return {
    kind: 'object#auth-token',
    'token-id': token,
    link: sessionLink(baseUrl, session.sessionId),
    'expiry-time': expiryTime(session.idleTimeoutMs),
    'session-id': session.sessionId,
    'expires-at': iso(session.expiresAtMs),
    'absolute-expires-at': iso(session.absoluteExpiresAtMs),
    'priv-lvl': session.privLvl,
    ...(evicted !== undefined ? { evicted: evicted.map((s) => s.sessionId) } : {}),
  };
}

/** RFC 7662 §2.2 active introspection response (times in seconds since the epoch). */
export function introspectionBody(session: SessionDescriptor): Record<string, unknown> {
  return {
    active: true,
    username: session.username,
    'session-id': session.sessionId,
    'priv-lvl': session.privLvl,
    aaa: session.aaa,
    iat: Math.floor(session.createdAtMs / 1000),
    exp: Math.floor(session.expiresAtMs / 1000),
    absolute_exp: Math.floor(session.absoluteExpiresAtMs / 1000),
  };
}
