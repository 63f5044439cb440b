import type { Cluster, Redis } from 'ioredis';
import { decodeDescriptor } from './descriptor';
import { StoreReplyError } from './errors';
import { TAG_LENGTH, sessionRef } from './identifiers';
import { bucketIndexKeys, userKeys } from './keys';
import { execPipeline } from './pipeline';
import type { ResolvedOptions } from './options';
import { Reply } from './reply';
import type { ExpiredSession, SweepOptions, SweepResult } from './types';

type Runner = <T>(operation: string, run: () => Promise<T>) => Promise<T>;

/**
 * One sweep step over a bucket, in two round trips (every key shares the bucket's hash tag, so each
 * pipeline goes to one node): read the due users of every index shard, then run one script per user.
 * A session is reported by the script that deletes its record, so concurrent sweepers never report
 * one twice, and every record is re-checked against the Redis clock, so live sessions stay.
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
  const reads = redis.pipeline();
  for (const key of shards) reads.sessiondDueUsers(key, batch, cap);
  const dueReplies = await run('sweep', () => execPipeline(reads, shards.length));

  let more = false;
  const tags: string[] = [];
  for (const raw of dueReplies) {
    const due = Reply.of(raw, 'dueUsers');
    due.number();
    if (due.remaining >= batch) more = true;
    while (due.remaining > 0) {
      const tag = due.string();
      if (tag.length !== TAG_LENGTH)
        throw new StoreReplyError(`malformed expiry index member in bucket ${bucket}`);
      tags.push(tag);
    }
  }
  if (tags.length > batch) {
    tags.length = batch;
    more = true;
  }
  if (tags.length === 0) return { expired: [], lost: 0, examined: 0, more: false };

  const sweeps = redis.pipeline();
  for (const tag of tags) {
    const keys = userKeys(options.keyPrefix, { bucket, tag }, options.indexShards);
    sweeps.sessiondSweepUser(
      keys.index,
      keys.records,
      keys.tombstones,
      keys.counter,
      tag,
      options.tombstoneTtlMs,
      options.retentionMs,
      cap,
    );
  }
  const results = await run('sweep', () => execPipeline(sweeps, tags.length));
  const expired: ExpiredSession[] = [];
  let lost = 0;
  tags.forEach((tag, i) => {
    const reply = Reply.of(results[i], 'sweepUser');
    reply.number();
    reply.number();
    const username = reply.string();
    lost += reply.number();
    while (reply.remaining >= 5) {
      const ref = sessionRef({ bucket, tag }, reply.string());
      const session = decodeDescriptor(ref.sessionId, username, reply.string(), reply.string());
      const reason = reply.string() === 'lifetime' ? 'lifetime' : 'idle';
      const expiredAtMs = reply.number();
      expired.push({ ...session, reason, expiredAtMs, durationMs: expiredAtMs - session.createdAtMs });
    }
  });
  return { expired, lost, examined: tags.length, more };
}
