import { SESSION_PATH, pathBuilder } from '@sessiond/protocol';
import type { SessionDescriptor } from '@sessiond/session-store';

/** Cisco's `expiry-time`: the idle period as hh:mm:ss (hours may exceed 24). */
export function expiryTime(ms: number): string {
  const total = Math.round(ms / 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}

const sessionPath = pathBuilder(SESSION_PATH);

export function sessionLink(baseUrl: string, sessionId: string): string {
  return `${baseUrl}${sessionPath({ sessionId })}`;
}

const MINUTE_MS = 60_000;
/** Largest time a Date holds (ECMA-262 §21.4.1.1). */
const MAX_DATE_MS = 8.64e15;
const MAX_MINUTES = 2048;
/** `YYYY-MM-DDTHH:MM:` by minute since the epoch, for the times sessions carry now (±8 h or so). */
const minutes = new Map<number, string>();

/**
 * `Date#toISOString` of a time in ms. A session answer has four of them, and toISOString builds a
 * Date and formats it in C++ each time (~3 % of a validation's CPU): the minute's prefix is shared
 * by every time in it, so only seconds and milliseconds are formatted per call.
 */
export function iso(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_DATE_MS) return new Date(ms).toISOString();
  const minute = Math.floor(ms / MINUTE_MS);
  let prefix = minutes.get(minute);
  if (prefix === undefined) {
    if (minutes.size >= MAX_MINUTES) minutes.clear();
    prefix = new Date(minute * MINUTE_MS).toISOString().slice(0, -'00.000Z'.length);
    minutes.set(minute, prefix);
  }
  const rest = ms - minute * MINUTE_MS;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${prefix}${seconds < 10 ? '0' : ''}${seconds}.${millis < 100 ? (millis < 10 ? '00' : '0') : ''}${millis}Z`;
}

/** A session in a listing or a GET (never its token, except the caller's own current one). */
export function sessionItem(
  session: SessionDescriptor,
  baseUrl: string,
  current: { readonly session: { readonly sessionId: string }; readonly token: string } | undefined,
): Record<string, unknown> {
  const isCurrent = current?.session.sessionId === session.sessionId;
  const item: Record<string, unknown> = {
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
  };
  // Added last, as a spread would (JSON keeps the order), without a spread's copy of every member.
  if (isCurrent && current !== undefined) item['token-id'] = current.token;
  return item;
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
