import { SESSION_ID_LENGTH, TOKEN_FORMAT } from '@sessiond/protocol';
import { sameDigest as storeSameDigest, secretDigest as storeSecretDigest } from '@sessiond/session-store';

// The hot path of the session cache reads a token without a regular expression: an entry exists only
// for a session id taken from a token that parseToken accepted, and the secret's digest must then
// equal that token's, so a token that finds an entry and passes the digest is that very token.

const PREFIX = `${TOKEN_FORMAT.version}.`;
const ID_END = PREFIX.length + SESSION_ID_LENGTH;
const SECRET_START = ID_END + 1;
const DOT = 0x2e;
/** `sd1.<session id>.<secret>`: 69 characters. */
const TOKEN_LENGTH = SECRET_START + TOKEN_FORMAT.secretLength;

/** The session id of a token of the right shape (length, prefix and separators), else undefined. */
export function sessionIdOf(token: string): string | undefined {
  if (token.length !== TOKEN_LENGTH || token.charCodeAt(ID_END) !== DOT || !token.startsWith(PREFIX)) {
    return undefined;
  }
  return token.slice(PREFIX.length, ID_END);
}

/** The secret part of a token that sessionIdOf accepted. */
export function secretOf(token: string): string {
  return token.slice(SECRET_START);
}

/**
 * The store's digest of a secret, and its constant-time comparison (session-store/src/digest.ts),
 * bound once: a re-export compiles to a getter that every call on the hot path would go through.
 */
export const secretDigest = storeSecretDigest;
export const sameDigest = storeSameDigest;
