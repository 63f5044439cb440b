import type { Cluster, Redis } from 'ioredis';
import { InvalidSessionInputError, StoreReplyError } from './errors';
import { TAG_LENGTH } from './identifiers';
import { bucketIndexKeys, recordKeys } from './keys';
import type { ResolvedOptions } from './options';
import { execPipeline } from './pipeline';
import { Reply } from './reply';
import type { TopUsers, TopUsersOptions, UserSessionCount } from './types';

type Runner = <T>(operation: string, run: () => Promise<T>) => Promise<T>;

/** Users scanned at most by default: beyond, the answer says `complete: false`. */
export const TOP_USERS_MAX_SCANNED = 100_000;
/** Index members read per ZRANGE (a shard holds about 128 users when sized as options.ts advises). */
const SCAN_CHUNK = 256;
/** Users whose live sessions are counted exactly, per round and at most in all. */
const EXACT_BATCH = 100;
const MAX_EXACT_READS = 1_000;

/** A user found in an expiry index, with an upper bound of their live sessions. */
interface Candidate {
  readonly bucket: number;
  readonly tag: string;
  readonly bound: number;
}

/**
 * The users with the most live sessions, for the operator console. Usernames are not in keys (a tag
 * is an HMAC), so it works from the buckets' expiry indexes, whose members are the tags of every user
 * with sessions, in two phases, every command on keys of one bucket (one hash tag: Redis Cluster
 * safe, no multi-slot command):
 *
 * 1. Estimate: each bucket's index shards are read in chunks (ZRANGE by rank) and each user's records
 *    hash measured (HLEN, pipelined per bucket). A hash holds the username and 2 or 3 fields per
 *    session (the user agent is optional), live or expired and not yet swept, so (HLEN − 1) / 2 is an
 *    upper bound of the live sessions. At most `maxUsers` users (default 100,000) are scanned: the
 *    scan costs one HLEN per user, and beyond that bound the answer says `complete: false`.
 * 2. Count: candidates are read in the order of their bounds with the listSessions script (the exact
 *    live sessions and the username, as listByUser reads them) until no unread bound could reach the
 *    last place, which makes the order exact; at most 1,000 such reads (else `complete: false`).
 */
export async function topUsers(
  redis: Redis | Cluster,
  options: ResolvedOptions,
  { limit, maxUsers = TOP_USERS_MAX_SCANNED }: TopUsersOptions,
  run: Runner,
): Promise<TopUsers> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new InvalidSessionInputError('limit', 'must be an integer ≥ 1');
  if (!Number.isInteger(maxUsers) || maxUsers < 0) {
    throw new InvalidSessionInputError('maxUsers', 'must be an integer ≥ 0');
  }
  const candidates: Candidate[] = [];
  let scanned = 0;
  let complete = true;
  for (let bucket = 0; bucket < options.buckets && complete; bucket += 1) {
    const found = await scanBucket(redis, options, bucket, maxUsers - scanned, run);
    scanned += found.scanned;
    complete = found.complete;
    candidates.push(...found.candidates);
  }
  candidates.sort((a, b) => b.bound - a.bound);

  const counted: UserSessionCount[] = [];
  let next = 0;
  while (next < candidates.length) {
    const last = counted.length >= limit ? counted[limit - 1] : undefined;
    // A tie with the last place could still win it by name, so only a lower bound ends the search.
    if (last !== undefined && (candidates[next]?.bound ?? 0) < last.sessions) break;
    if (next >= MAX_EXACT_READS) {
      complete = false;
      break;
    }
    const batch = candidates.slice(next, next + EXACT_BATCH);
    next += batch.length;
    counted.push(...(await countLive(redis, options, batch, run)));
    counted.sort(byMostSessions);
  }
  return { users: counted.slice(0, limit), usersScanned: scanned, complete };
}

/** One bucket's users with an upper bound of their sessions (users without any are left out). */
async function scanBucket(
  redis: Redis | Cluster,
  options: ResolvedOptions,
  bucket: number,
  budget: number,
  run: Runner,
): Promise<{ candidates: Candidate[]; scanned: number; complete: boolean }> {
  const candidates: Candidate[] = [];
  // A user is filed in one shard of its bucket; a set changing under the scan may show one twice.
  const seen = new Set<string>();
  let scanned = 0;
  let shards = bucketIndexKeys(options.keyPrefix, bucket, options.indexShards).map((key) => ({
    key,
    offset: 0,
  }));
  while (shards.length > 0) {
    const ranges = redis.pipeline();
    for (const { key, offset } of shards) ranges.zrange(key, offset, offset + SCAN_CHUNK - 1);
    const replies = await run('topUsers', () => execPipeline(ranges, shards.length));
    let tags = replies.flatMap((reply) => tagsOf(reply, bucket)).filter((tag) => !seen.has(tag));
    tags = [...new Set(tags)];
    const complete = tags.length <= budget - scanned;
    if (!complete) tags = tags.slice(0, budget - scanned);
    if (tags.length > 0) {
      const lengths = redis.pipeline();
      for (const tag of tags) lengths.hlen(recordKeys(options.keyPrefix, { bucket, tag }).records);
      const sizes = await run('topUsers', () => execPipeline(lengths, tags.length));
      tags.forEach((tag, i) => {
        const bound = Math.floor((Number(sizes[i]) - 1) / 2);
        if (bound > 0) candidates.push({ bucket, tag, bound });
      });
      for (const tag of tags) seen.add(tag);
      scanned += tags.length;
    }
    if (!complete) return { candidates, scanned, complete: false };
    shards = shards
      .filter((_, i) => (replies[i] as unknown[]).length === SCAN_CHUNK)
      .map(({ key, offset }) => ({ key, offset: offset + SCAN_CHUNK }));
  }
  return { candidates, scanned, complete: true };
}

function tagsOf(reply: unknown, bucket: number): string[] {
  if (!Array.isArray(reply)) throw new StoreReplyError('topUsers: expected an array from ZRANGE');
  return reply.map((tag) => {
    if (typeof tag !== 'string' || tag.length !== TAG_LENGTH)
      throw new StoreReplyError(`malformed expiry index member in bucket ${bucket}`);
    return tag;
  });
}

/** The exact live sessions of each candidate (listSessions), pipelined per bucket. */
async function countLive(
  redis: Redis | Cluster,
  options: ResolvedOptions,
  candidates: readonly Candidate[],
  run: Runner,
): Promise<UserSessionCount[]> {
  const byBucket = new Map<number, Candidate[]>();
  for (const c of candidates) byBucket.set(c.bucket, [...(byBucket.get(c.bucket) ?? []), c]);
  const groups = await Promise.all(
    [...byBucket.values()].map(async (group) => {
      const reads = redis.pipeline();
      for (const c of group) reads.sessiondListSessions(recordKeys(options.keyPrefix, c).records);
      const replies = await run('topUsers', () => execPipeline(reads, group.length));
      return replies.flatMap((raw) => {
        const reply = Reply.of(raw, 'listSessions');
        reply.number();
        reply.number();
        const username = reply.string();
        const sessions = reply.remaining / 3;
        return username === '' || sessions === 0 ? [] : [{ username, sessions }];
      });
    }),
  );
  return groups.flat();
}

function byMostSessions(a: UserSessionCount, b: UserSessionCount): number {
  return b.sessions - a.sessions || (a.username < b.username ? -1 : a.username > b.username ? 1 : 0);
}
