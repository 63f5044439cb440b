// Token:       sd1.<session id>.<secret>
// Session id:  <bucket: 2 base-36 chars><user tag: 11 base64url chars><local id: 8 base64url chars>
// The session id is the public handle (URLs, listings, logs); the secret (256 random bits) is the
// bearer part, of which the session store keeps only the SHA-256. Everything the store needs to name
// a session's keys is in the session id (../shared/spec/session-store.md). @sessiond/session-store
// makes the parts (an HMAC for the tag, random bytes for the local id and the secret); this file
// says what they look like, so that a client can read a token without the store.

/** The parts of a token, in characters. */
export const TOKEN_FORMAT = {
  /** The version prefix; another format would get another prefix. */
  version: 'sd1',
  /** The user's bucket, lower-case base 36: at most 36² buckets. */
  bucketLength: 2,
  /** The user tag: 8 bytes of HMAC-SHA-256(username), base64url. */
  tagLength: 11,
  /** The local id, unique among the user's sessions: 6 random bytes, base64url. */
  lidLength: 8,
  /** The secret: 32 random bytes (256 bits), base64url. */
  secretLength: 43,
} as const;

/** Bucket, tag and local id: 21 characters. */
export const SESSION_ID_LENGTH = TOKEN_FORMAT.bucketLength + TOKEN_FORMAT.tagLength + TOKEN_FORMAT.lidLength;

/** Longer input is not a token; checked before any regex or hashing, and headers are cut past it. */
export const MAX_TOKEN_LENGTH = 128;

const B64URL = '[A-Za-z0-9_-]';
const SESSION_ID_PARTS = `([0-9a-z]{${TOKEN_FORMAT.bucketLength}})(${B64URL}{${TOKEN_FORMAT.tagLength}})(${B64URL}{${TOKEN_FORMAT.lidLength}})`;
const SESSION_ID = new RegExp(`^${SESSION_ID_PARTS}$`);
const TOKEN = new RegExp(
  `^${TOKEN_FORMAT.version}\\.([0-9a-z]{${TOKEN_FORMAT.bucketLength}}${B64URL}{${SESSION_ID_LENGTH - TOKEN_FORMAT.bucketLength}})\\.(${B64URL}{${TOKEN_FORMAT.secretLength}})$`,
);

/** A session id taken apart. */
export interface SessionIdParts {
  readonly bucket: number;
  /** Names the user's keys without revealing the name. */
  readonly tag: string;
  /** Local id, unique among the user's sessions. */
  readonly lid: string;
  readonly sessionId: string;
}

export function formatSessionId(bucket: number, tag: string, lid: string): string {
  return `${bucket.toString(36).padStart(TOKEN_FORMAT.bucketLength, '0')}${tag}${lid}`;
}

export function parseSessionId(sessionId: string): SessionIdParts | undefined {
  const match = SESSION_ID.exec(sessionId);
  if (match === null) return undefined;
  const [, bucket = '', tag = '', lid = ''] = match;
  return { bucket: parseInt(bucket, 36), tag, lid, sessionId };
}

export function formatToken(sessionId: string, secret: string): string {
  return `${TOKEN_FORMAT.version}.${sessionId}.${secret}`;
}

/** The session id and secret of a well-formed token; undefined for anything else (never throws). */
export function parseToken(token: string): { ref: SessionIdParts; secret: string } | undefined {
  if (token.length > MAX_TOKEN_LENGTH) return undefined;
  const match = TOKEN.exec(token);
  if (match === null) return undefined;
  const ref = parseSessionId(match[1] ?? '');
  return ref === undefined ? undefined : { ref, secret: match[2] ?? '' };
}
