import { createHmac, randomBytes } from 'node:crypto';
import { digestBytes, secretDigest } from './digest';
import { TOKEN_FORMAT, formatSessionId, parseSessionId, type SessionIdParts } from '@sessiond/protocol';

// The token format, `sd1.<session id>.<secret>`, is @sessiond/protocol's (TOKEN_FORMAT). This file
// makes the parts: the user tag is an HMAC of the username, the local id and the secret are random,
// and Redis keeps only the SHA-256 of the secret. Everything a script needs to name its keys is in
// the session id, so every key goes through KEYS and all of a user's keys share the bucket's hash tag.
// Byte counts, as base64url, give TOKEN_FORMAT's lengths: 8 → 11, 6 → 8, 32 → 43 characters.
const TAG_BYTES = 8;
const LID_BYTES = 6;
const SECRET_BYTES = 32;
export const LID_LENGTH = TOKEN_FORMAT.lidLength;
export const TAG_LENGTH = TOKEN_FORMAT.tagLength;

export interface UserRef {
  readonly bucket: number;
  /** HMAC of the username: names the user's keys without revealing the name. */
  readonly tag: string;
}

/** A session id taken apart (bucket, tag, local id). */
export type SessionRef = SessionIdParts;

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
  return { ...user, lid, sessionId: formatSessionId(user.bucket, user.tag, lid) };
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

/** What Redis stores instead of the secret (the SHA-256 of digest.ts, as script arguments carry it). */
export function hashSecret(secret: string): Buffer {
  return digestBytes(secretDigest(secret));
}
