import { recordKeys } from './keys';
import type { UserRef } from './identifiers';

// What a cache of validations needs of the key layout (keys.ts, its one owner) to follow Redis
// server-assisted client-side caching (CLIENT TRACKING … BCAST): the prefixes to register, and whose
// sessions an invalidated key may have changed. Validation reads only a user's records and tombstones
// (validateSession-2.lua), and every change of a session's fate writes the records (revoke, evict,
// sweep, touch, a new login) or the tombstones, so these two keys per user are all that matters.

/**
 * The BCAST prefixes that cover every user's records and tombstones and nothing else of the store
 * (not the expiry index, the counters or the login throttle, which change on every login): two per
 * bucket, `<prefix>:{<bucket>}:r:` and `<prefix>:{<bucket>}:t:`. Redis refuses overlapping prefixes;
 * these never overlap (the `}` ends the bucket before the kind letter).
 */
export function trackingPrefixes(prefix: string, buckets: number): string[] {
  const prefixes: string[] = [];
  for (let bucket = 0; bucket < buckets; bucket += 1) {
    const { records, tombstones } = recordKeys(prefix, { bucket, tag: '' });
    prefixes.push(records, tombstones);
  }
  return prefixes;
}

/** A user's name in a cache of validations: the bucket and the tag, both public parts of a session id. */
export function trackedUserId(user: Pick<UserRef, 'bucket' | 'tag'>): string {
  return `${user.bucket}:${user.tag}`;
}

/**
 * The user (trackedUserId) whose records or tombstones `key` is, or undefined for any other key:
 * an invalidation of either means that user's cached validations may be stale.
 */
export function trackedUserOfKey(prefix: string, key: string): string | undefined {
  const head = `${prefix}:{`;
  if (!key.startsWith(head)) return undefined;
  const close = key.indexOf('}', head.length);
  // `}:r:<tag>` or `}:t:<tag>`: the kind letter between two colons, then a tag.
  if (close < 0 || key.length <= close + 4 || key[close + 1] !== ':' || key[close + 3] !== ':') {
    return undefined;
  }
  const kind = key[close + 2];
  if (kind !== 'r' && kind !== 't') return undefined;
  const bucketText = key.slice(head.length, close);
  if (!/^\d{1,4}$/.test(bucketText)) return undefined;
  return trackedUserId({ bucket: Number(bucketText), tag: key.slice(close + 4) });
}
