import type { Cluster, Redis } from 'ioredis';
import { decodeDescriptor } from './descriptor';
import { StoreReplyError } from './errors';
import { TAG_LENGTH, sessionRef } from './identifiers';
import { bucketIndexKeys, counterKey, userKeys } from './keys';
import { execPipeline } from './pipeline';
import type { ResolvedOptions } from './options';
import { Reply } from './reply';
import type { ExpiredSession, SweepOptions, SweepResult } from './types';

type Runner = <T>(operation: string, run: () => Promise<T>) => Promise<T>;

/**
 * Users per sweepUsers call. A call runs about 15 µs per user inside Redis, so a group keeps each
 * script well under a millisecond (other clients wait while a script runs) while paying the
 * per-command cost once per group instead of once per user.
 */
const USERS_PER_CALL = 32;

/**
 * One sweep step over a bucket, in two round trips (every key shares the bucket's hash tag, so each
 * goes to one node): read up to `batch` due users across the bucket's index shards, then sweep them
 * in groups. A session is reported by the script that deletes its record, so concurrent sweepers
 * never report one twice, and every record is re-checked against the Redis clock, so live sessions
 * stay.
 */
export async function sweepBucket(
  redis: Redis | Cluster,
  options: ResolvedOptions,
  { bucket, batch = 500, now }: SweepOptions,
  run: Runner,
): Promise<SweepResult> {
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError('batch must be a positive integer');
  const cap = now === undefined ? -1 : Math.max(0, Math.floor(now));
  const shards = bucketIndexKeys(options.keyPrefix, bucket, options.indexShards);
  const first = Math.floor(Math.random() * shards.length);
  const raw = await run('sweep', () =>
    redis.sessiondDueInBucket(shards.length, ...shards, batch, cap, first),
  );
  const due = Reply.of(raw, 'dueInBucket');
  due.number();
  const more = due.number() === 1;
  const tags: string[] = [];
  while (due.remaining > 0) {
    const tag = due.string();
    if (tag.length !== TAG_LENGTH)
      throw new StoreReplyError(`malformed expiry index member in bucket ${bucket}`);
    tags.push(tag);
  }
  if (tags.length === 0) return { expired: [], lost: 0, examined: 0, more: false };

  const counter = counterKey(options.keyPrefix, bucket);
  const sweeps = redis.pipeline();
  const groups: string[][] = [];
  for (let start = 0; start < tags.length; start += USERS_PER_CALL) {
    const group = tags.slice(start, start + USERS_PER_CALL);
    const keys: string[] = [counter];
    for (const tag of group) {
      const user = userKeys(options.keyPrefix, { bucket, tag }, options.indexShards);
      keys.push(user.index, user.records, user.tombstones);
    }
    sweeps.sessiondSweepUsers(
      keys.length,
      ...keys,
      options.tombstoneTtlMs,
      options.retentionMs,
      cap,
      ...group,
    );
    groups.push(group);
  }
  const results = await run('sweep', () => execPipeline(sweeps, groups.length));

  const expired: ExpiredSession[] = [];
  let lost = 0;
  groups.forEach((group, i) => {
    const reply = Reply.of(results[i], 'sweepUsers');
    reply.number();
    for (const tag of group) {
      const username = reply.string();
      lost += reply.number();
      for (let n = reply.number(); n > 0; n -= 1) {
        const ref = sessionRef({ bucket, tag }, reply.string());
        expired.push(expiredSession(ref.sessionId, username, reply));
      }
    }
  });
  return { expired, lost, examined: tags.length, more };
}

/** Reads (descriptor, user agent, reason, expired at) and builds the report in one object. */
function expiredSession(sessionId: string, username: string, reply: Reply): ExpiredSession {
  const session = decodeDescriptor(sessionId, username, reply.string(), reply.string());
  const reason = reply.string() === 'lifetime' ? 'lifetime' : 'idle';
  const expiredAtMs = reply.number();
  return { ...session, reason, expiredAtMs, durationMs: expiredAtMs - session.createdAtMs };
}
