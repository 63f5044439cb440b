import { shardOf, type UserRef } from './identifiers';

/** The three keys a user's operations touch; all carry the bucket's hash tag, so they share a slot. */
export interface UserKeys {
  /** HASH: username, and per session the secret's SHA-256, a descriptor and the user agent. */
  readonly records: string;
  /** HASH: per dead session, the reason and until when it is told. */
  readonly tombstones: string;
  /** ZSET, one shard of the bucket's expiry index: <tag> → when the sweeper should look at the user. */
  readonly index: string;
  /** STRING, the bucket's count of sessions not yet ended or swept. */
  readonly counter: string;
}

/** The two keys validation reads (the hot path needs nothing else). */
/** The user's records hash alone (a validation's plain read needs no other key). */
export function recordsKey(prefix: string, user: UserRef): string {
  return `${prefix}:{${user.bucket}}:r:${user.tag}`;
}

export function recordKeys(prefix: string, user: UserRef): Pick<UserKeys, 'records' | 'tombstones'> {
  const base = `${prefix}:{${user.bucket}}`;
  return { records: `${base}:r:${user.tag}`, tombstones: `${base}:t:${user.tag}` };
}

export function userKeys(prefix: string, user: UserRef, shards: number): UserKeys {
  return {
    ...recordKeys(prefix, user),
    index: indexKey(prefix, user.bucket, shardOf(user.tag, shards)),
    counter: counterKey(prefix, user.bucket),
  };
}

/** Which count of failed logins: AAA rejects (the login throttle) or fallback rejects during an outage. */
export type FailureKind = 'login' | 'fallback';

/**
 * STRING: failed logins of the user from one address, under the user's hash tag. Fallback failures
 * (a break-glass method refusing during an AAA outage) have their own key, so they never throttle
 * the user's logins once the primary method is back.
 */
export function failuresKey(
  prefix: string,
  user: UserRef,
  addressDigest: string,
  kind: FailureKind = 'login',
): string {
  return `${prefix}:{${user.bucket}}:${kind === 'login' ? 'f' : 'g'}:${user.tag}${addressDigest}`;
}

/**
 * What a failure count that belongs to no user is about: failed logins from a source address across
 * usernames (`address`: rejects by the method that decided; `address-fallback`: rejects by a fallback
 * method during an AAA outage), or failed client authentications of a client id from an address
 * (`client`: introspection, and any other route where services authenticate).
 */
export type FailureScope = 'address' | 'address-fallback' | 'client';

/** One letter per scope in the key (keys stay short; the scope names can change). */
const SCOPE_LETTERS: Readonly<Record<FailureScope, string>> = {
  address: 'a',
  'address-fallback': 'b',
  client: 'c',
};

/**
 * STRING: failures of one subject (an address; a client id and address) in one scope. The subject's
 * digest is the hash tag, so subjects spread over the cluster; the tag starts with `x`, never a
 * bucket number.
 */
export function scopedFailuresKey(prefix: string, scope: FailureScope, subjectDigest: string): string {
  return `${prefix}:{x${subjectDigest}}:${SCOPE_LETTERS[scope]}`;
}

export function counterKey(prefix: string, bucket: number): string {
  return `${prefix}:{${bucket}}:n`;
}

export function indexKey(prefix: string, bucket: number, shard: number): string {
  return `${prefix}:{${bucket}}:e:${shard}`;
}

/** Every shard of a bucket's expiry index. */
export function bucketIndexKeys(prefix: string, bucket: number, shards: number): string[] {
  return Array.from({ length: shards }, (_, shard) => indexKey(prefix, bucket, shard));
}
