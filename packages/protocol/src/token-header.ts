import { MAX_TOKEN_LENGTH } from './token-format';

export type TokenParse =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'conflict' };

/**
 * Reads a presented token (the contract's "Presenting a token"): `X-auth-token` (Cisco; surrounding
 * double quotes tolerated, as the seed's own examples send them) or `Authorization: Bearer`; both
 * present and different is a conflict (400). Anything longer than a token is cut just past the
 * longest token, so it fails validation without a Redis call.
 */
export function readToken(
  xAuthToken: string | string[] | undefined,
  authorization: string | undefined,
): TokenParse {
  const fromCisco = unquote(Array.isArray(xAuthToken) ? xAuthToken.join(',') : xAuthToken);
  const fromBearer = bearer(authorization);
  if (fromCisco !== undefined && fromBearer !== undefined && fromCisco !== fromBearer) {
    return { kind: 'conflict' };
  }
  const token = fromCisco ?? fromBearer;
  return token === undefined ? { kind: 'missing' } : { kind: 'token', token };
}

function unquote(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let token = value.trim();
  if (token.length >= 2 && token.startsWith('"') && token.endsWith('"')) token = token.slice(1, -1).trim();
  return token === '' ? undefined : token.slice(0, MAX_TOKEN_LENGTH + 1);
}

function bearer(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1] === undefined ? undefined : match[1].slice(0, MAX_TOKEN_LENGTH + 1);
}
