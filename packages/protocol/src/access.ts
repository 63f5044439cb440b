import { readToken, type TokenParse } from './token-header';
import type { TokenRefusalCode } from './problems';
import { MAX_TOKEN_LENGTH } from './token-format';

/**
 * The access rules every answerer of "may this token pass?" applies: the auth-api's token routes and
 * forward-auth, and @sessiond/client's requireSession. One module, so a fix lands in all of them.
 */

/** Why the session store refused a token (session-store's InvalidReason), and the 401 code it earns. */
export const TOKEN_REFUSAL_OF_REASON = {
  invalid: 'token_invalid',
  revoked: 'token_revoked',
  evicted: 'session_evicted',
  lifetime_exceeded: 'session_lifetime_exceeded',
} as const satisfies Record<string, TokenRefusalCode>;

export type StoreRefusalReason = keyof typeof TOKEN_REFUSAL_OF_REASON;

/** The request headers a token can come in (Node's IncomingHttpHeaders fits). */
export interface TokenHeaders {
  readonly 'x-auth-token'?: string | string[] | undefined;
  readonly authorization?: string | undefined;
  readonly cookie?: string | undefined;
}

/** Cookie names we accept to be configured: an RFC 6265 token. */
export const COOKIE_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;

/**
 * The presented token: `X-auth-token` or `Authorization: Bearer` (readToken), else, when `cookieName`
 * is given, that cookie (for browser-facing setups behind a proxy). A header always wins over the cookie.
 */
export function readPresentedToken(headers: TokenHeaders, cookieName?: string): TokenParse {
  const parsed = readToken(headers['x-auth-token'], headers.authorization);
  if (parsed.kind !== 'missing' || cookieName === undefined) return parsed;
  const token = cookieValue(headers.cookie, cookieName);
  return token === undefined ? parsed : { kind: 'token', token };
}

/** The value of cookie `name` in a Cookie header (RFC 6265 §5.4), quotes removed; undefined if absent or empty. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined || header === '') return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value === '' ? undefined : value.slice(0, MAX_TOKEN_LENGTH + 1);
  }
  return undefined;
}

/** A 403 insufficient_privilege, as both answerers write it. */
export interface PrivilegeRefusal {
  readonly code: 'insufficient_privilege';
  readonly detail: string;
  readonly extensions: { readonly priv_lvl: number; readonly required_priv_lvl: number };
}

/** The refusal when a session's priv-lvl is below the required one, else undefined (allowed). */
export function privilegeRefusal(
  privLvl: number,
  required: number | undefined,
): PrivilegeRefusal | undefined {
  if (required === undefined || privLvl >= required) return undefined;
  return {
    code: 'insufficient_privilege',
    detail: `authenticated, but priv-lvl ${privLvl} is below the required ${required}`,
    extensions: { priv_lvl: privLvl, required_priv_lvl: required },
  };
}

/** A TACACS+ privilege level as written in a query string or option: an integer 0–15, else undefined. */
export function parsePrivLvl(text: string): number | undefined {
  if (!/^(?:[0-9]|1[0-5])$/.test(text)) return undefined;
  return Number(text);
}
