import { SessiondResponseError } from '../errors';
import type { AaaFailure, CommandAuthorization, Introspection, LoginResult, SessionInfo } from '../types';
import { Fields } from './fields';

// The auth-api's bodies (../shared/spec/http-api.md, "Routes"), mapped to typed objects. Members are
// checked as they are read; extra members are ignored so that a newer server stays compatible.

/** Cisco's `expiry-time`: hh:mm:ss (hours may exceed 24) → milliseconds. */
export function parseExpiryTime(value: string): number {
  const match = /^(\d{2,}):([0-5]\d):([0-5]\d)$/.exec(value);
  if (match === null) throw new SessiondResponseError('member "expiry-time" is not hh:mm:ss');
  const [, h = '0', m = '0', s = '0'] = match;
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
}

/** `POST /api/v1/auth/token-services` → 200 `object#auth-token`. */
export function toLoginResult(body: unknown): LoginResult {
  const f = new Fields(body, 'login response');
  const expiryTime = f.string('expiry-time');
  const evicted = f.has('evicted') ? f.array('evicted') : [];
  if (evicted.some((id) => typeof id !== 'string')) {
    throw new SessiondResponseError('login response: member "evicted" is not a list of session ids');
  }
  return {
    token: f.string('token-id'),
    sessionId: f.string('session-id'),
    link: f.string('link'),
    expiryTime,
    idleTimeoutMs: parseExpiryTime(expiryTime),
    expiresAt: f.date('expires-at'),
    absoluteExpiresAt: f.date('absolute-expires-at'),
    privLvl: f.integer('priv-lvl'),
    evicted: evicted as string[],
  };
}

/** An item of a listing, a GET, or the `sessions` of a session_limit_reached problem. */
export function toSessionInfo(item: unknown): SessionInfo {
  const f = new Fields(item, 'session');
  const expiryTime = f.string('expiry-time');
  return {
    sessionId: f.string('session-id'),
    link: f.string('link'),
    username: f.optionalString('username'),
    createdAt: f.date('created-at'),
    lastAccessAt: f.date('last-access-at'),
    expiresAt: f.date('expires-at'),
    absoluteExpiresAt: f.date('absolute-expires-at'),
    expiryTime,
    idleTimeoutMs: parseExpiryTime(expiryTime),
    sourceIp: f.string('source-ip'),
    userAgent: f.optionalString('user-agent'),
    aaa: f.string('aaa'),
    privLvl: f.optionalInteger('priv-lvl'),
    current: f.has('current') ? f.boolean('current') : false,
    token: f.optionalString('token-id'),
  };
}

/** `collection#auth-token` → its items. */
export function toSessionList(body: unknown): SessionInfo[] {
  return new Fields(body, 'session collection').array('items').map(toSessionInfo);
}

/** `{"revoked": n}` of the DELETE-all routes. */
export function toRevokedCount(body: unknown): number {
  return new Fields(body, 'revoke response').integer('revoked');
}

/** RFC 7662 §2.2: `{"active": false}` or the active members. */
export function toIntrospection(body: unknown): Introspection {
  const f = new Fields(body, 'introspection response');
  if (!f.boolean('active')) return { active: false };
  return {
    active: true,
    username: f.string('username'),
    sessionId: f.string('session-id'),
    privLvl: f.integer('priv-lvl'),
    aaa: f.string('aaa'),
    issuedAt: f.epochSeconds('iat'),
    expiresAt: f.epochSeconds('exp'),
    absoluteExpiresAt: f.epochSeconds('absolute_exp'),
  };
}

/**
 * `POST /api/v1/auth/authorize` → 200: `{"permit": true, "username", "priv-lvl", "command", …}`, or
 * `{"permit": false, "code", "detail"?, "command", …}` (a refusal without a code is off contract).
 */
export function toCommandAuthorization(body: unknown): CommandAuthorization {
  const f = new Fields(body, 'authorization response');
  const permit = f.boolean('permit');
  return {
    permit,
    command: f.string('command'),
    code: permit ? f.optionalString('code') : f.string('code'),
    detail: f.optionalString('detail'),
    username: permit ? f.string('username') : f.optionalString('username'),
    privLvl: permit ? f.integer('priv-lvl') : f.optionalInteger('priv-lvl'),
    sessionId: f.optionalString('session-id'),
    cached: f.has('cached') ? f.boolean('cached') : undefined,
  };
}

/** The `aaa` member of an aaa_unavailable or aaa_misconfigured problem. */
export function toAaaFailure(value: unknown): AaaFailure {
  const f = new Fields(value, 'AAA problem "aaa"');
  const fallback = f.has('fallback')
    ? new Fields(f.raw('fallback'), 'AAA problem "aaa.fallback"')
    : undefined;
  return {
    method: f.string('method'),
    status: f.string('status'),
    serversTried: f.integer('servers_tried'),
    timeoutMs: f.optionalInteger('timeout_ms'),
    retries: f.optionalInteger('retries'),
    heldDownUntil: f.has('held_down_until') ? f.date('held_down_until') : undefined,
    fallback:
      fallback !== undefined
        ? { method: fallback.string('method'), result: fallback.string('result') }
        : undefined,
  };
}
