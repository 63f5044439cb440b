import type { Redis } from 'ioredis';
import { SessionStore } from '@sessiond/session-store';
import { inBatches } from '../common/load';
import { snapshot } from './redis-stats';
import { sampleSession } from './sample-session';

/** How the store lays out the sessions being measured. */
export interface MemoryCase {
  readonly sessions: number;
  readonly sessionsPerUser: number;
  readonly buckets: number;
  readonly indexShards: number;
}

export interface MemoryCost extends MemoryCase {
  /** used_memory delta ÷ sessions: every key and index entry included. */
  readonly bytesPerSession: number;
  readonly keysPerSession: number;
  /** MEMORY USAGE (SAMPLES 0) of a user's records hash, mean over up to 100 users. */
  readonly recordsHashBytes: number;
  /** used_memory left per session after every session was revoked (its tombstone, for an hour). */
  readonly bytesPerRevoked: number | undefined;
}

/**
 * Sessions created through the store on an otherwise empty Redis, measured by INFO used_memory
 * (what maxmemory limits); then, when `revoke` is set, all revoked to measure what tombstones keep.
 */
export async function measureMemory(redis: Redis, c: MemoryCase, revoke: boolean): Promise<MemoryCost> {
  await redis.flushall();
  const prefix = 'capmem';
  const store = new SessionStore(redis, {
    keyPrefix: prefix,
    buckets: c.buckets,
    indexShards: c.indexShards,
    defaults: { limit: 0 },
  });
  const before = await snapshot(redis);
  const ids: string[] = [];
  await inBatches(
    Array.from({ length: c.sessions }, (_, i) => i),
    200,
    async (i) => {
      const created = await store.create(sampleSession(i, c.sessionsPerUser));
      ids[i] = created.session.sessionId;
    },
  );
  const after = await snapshot(redis);
  const recordsHashBytes = await meanRecordsHash(redis, prefix);
  let bytesPerRevoked: number | undefined;
  if (revoke) {
    await inBatches(ids, 200, (id) => store.revoke(id, 'logout'));
    bytesPerRevoked = ((await snapshot(redis)).usedMemory - before.usedMemory) / c.sessions;
  }
  return {
    ...c,
    bytesPerSession: (after.usedMemory - before.usedMemory) / c.sessions,
    keysPerSession: (after.keys - before.keys) / c.sessions,
    recordsHashBytes,
    bytesPerRevoked,
  };
}

async function meanRecordsHash(redis: Redis, prefix: string): Promise<number> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:{*}:r:*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0' && keys.length < 100);
  const sizes = await Promise.all(
    keys.slice(0, 100).map(async (key) => Number(await redis.call('MEMORY', ['USAGE', key, 'SAMPLES', '0']))),
  );
  return sizes.length === 0 ? 0 : sizes.reduce((a, b) => a + b, 0) / sizes.length;
}
