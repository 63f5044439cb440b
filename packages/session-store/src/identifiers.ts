import { createHash, createHmac, randomBytes } from 'node:crypto';

// Token:       sd1.<session id>.<secret>
// Session id:  <bucket: 2 base-36 chars><user tag: 11 base64url chars><local id: 8 base64url chars>
// The session id is the public handle (URLs, listings, logs); the secret (256 random bits) is the
// bearer part, of which Redis keeps only the SHA-256. Everything a script needs to name its keys is in
// the session id, so every key goes through KEYS and all of a user's keys share the bucket's hash tag.
const TOKEN_VERSION = 'sd1';
const TAG_BYTES = 8;
const LID_BYTES = 6;
const SECRET_BYTES = 32;
export const LID_LENGTH = 8;
export const TAG_LENGTH = 11;

const SESSION_ID = /^([0-9a-z]{2})([A-Za-z0-9_-]{11})([A-Za-z0-9_-]{8})$/;
const TOKEN = /^sd1\.([0-9a-z]{2}[A-Za-z0-9_-]{19})\.([A-Za-z0-9_-]{43})$/;
/** Longer input is not a token; checked before any regex or hashing. */
export const MAX_TOKEN_LENGTH = 128;

export interface UserRef {
  readonly bucket: number;
  /** HMAC of the username: names the user's keys without revealing the name. */
  readonly tag: string;
}

export interface SessionRef extends UserRef {
  /** Local id, unique among the user's sessions. */
  readonly lid: string;
  readonly sessionId: string;
}

export function userRef(username: string, key: Buffer, buckets: number): UserRef {
  const mac = createHmac('sha256', key).update(username, 'utf8').digest();
  return {
    tag: mac.subarray(0, TAG_BYTES).toString('base64url'),
    bucket: mac.readUInt32BE(TAG_BYTES) % buckets,
  };
}

/** Which shard of its bucket's expiry index a user is filed in (independent of the bucket bits). */
export function shardOf(tag: string, shards: number): number {
  return Buffer.from(tag, 'base64url').readUInt16BE(0) % shards;
}

export function sessionRef(user: UserRef, lid: string): SessionRef {
  return { ...user, lid, sessionId: `${user.bucket.toString(36).padStart(2, '0')}${user.tag}${lid}` };
}

export function parseSessionId(sessionId: string): SessionRef | undefined {
  const match = SESSION_ID.exec(sessionId);
  if (match === null) return undefined;
  const [, bucket = '', tag = '', lid = ''] = match;
  return { bucket: parseInt(bucket, 36), tag, lid, sessionId };
}

/**
 * Whether two session ids belong to the same user: the ids carry the user's bucket and tag, and the
 * store refuses two usernames with one tag, so no Redis call is needed.
 */
export function sameUser(a: string, b: string): boolean {
  const x = parseSessionId(a);
  const y = parseSessionId(b);
  return x !== undefined && y !== undefined && x.bucket === y.bucket && x.tag === y.tag;
}

export function newLocalId(): string {
  return randomBytes(LID_BYTES).toString('base64url');
}

export function newSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

export function formatToken(sessionId: string, secret: string): string {
  return `${TOKEN_VERSION}.${sessionId}.${secret}`;
}

export function parseToken(token: string): { ref: SessionRef; secret: string } | undefined {
  if (token.length > MAX_TOKEN_LENGTH) return undefined;
  const match = TOKEN.exec(token);
  if (match === null) return undefined;
  const ref = parseSessionId(match[1] ?? '');
  return ref === undefined ? undefined : { ref, secret: match[2] ?? '' };
}

/** What Redis stores instead of the secret. */
export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
