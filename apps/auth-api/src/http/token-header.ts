import { MAX_TOKEN_LENGTH } from '@sessiond/session-store';

export type TokenParse =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'conflict' };

/**
 * Reads the token from `X-auth-token` (Cisco; surrounding double quotes tolerated, as the seed's own
 * examples send them) or `Authorization: Bearer`. Both present and different is a 400. Anything too
 * long to be a token is passed on as is and fails validation without a Redis call.
 */
export function readToken(
  xAuthToken: string | string[] | undefined,
  authorization: string | undefined,
): TokenParse {
  const fromCisco = unquote(Array.isArray(xAuthToken) ? xAuthToken.join(',') : xAuthToken);
  const fromBearer = bearer(authorization);
  if (fromCisco !== undefined && fromBearer !== undefined && fromCisco !== fromBearer)
    return { kind: 'conflict' };
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
