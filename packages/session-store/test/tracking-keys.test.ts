import { recordKeys, userKeys, counterKey, failuresKey } from '../src/keys';
import { userRef } from '../src/identifiers';
import { trackedUserId, trackedUserOfKey, trackingPrefixes } from '../src/tracking-keys';
import { touchDue, touchGranularityOf } from '../src/touch-granularity';
import { RedisServer, uniqueKeyPrefix, waitFor } from '@sessiond/test-utils';
import { SessionStore } from '../src/session-store';
import { createRedisClient, waitUntilReady } from '../src/redis-client';

// tracking-keys.ts and touch-granularity.ts mirror what cannot be imported: the key layout as a
// cache sees it in invalidations (tied here to keys.ts), and the touch rule of validateSession-2.lua
// (tied here to the script on a real Redis).

const KEY = Buffer.from('test tag key');

describe('tracking keys (keys.ts as invalidations name them)', () => {
  it('names a user from either of the two keys validation reads, and from nothing else', () => {
    for (const prefix of ['sessiond', 'a.b:c', 't1x2']) {
      for (let i = 0; i < 200; i += 1) {
        const user = userRef(`user${i}`, KEY, 1296);
        const { records, tombstones, index, counter } = userKeys(prefix, user, 32);
        expect(trackedUserOfKey(prefix, records)).toBe(trackedUserId(user));
        expect(trackedUserOfKey(prefix, tombstones)).toBe(trackedUserId(user));
        expect(trackedUserOfKey(prefix, index)).toBeUndefined();
        expect(trackedUserOfKey(prefix, counter)).toBeUndefined();
        expect(trackedUserOfKey(prefix, failuresKey(prefix, user, 'abc'))).toBeUndefined();
        expect(trackedUserOfKey(`${prefix}x`, records)).toBeUndefined();
      }
    }
  });

  it('registers one prefix per bucket and kind, each covering exactly those keys', () => {
    const prefixes = trackingPrefixes('p', 64);
    expect(prefixes).toHaveLength(128);
    expect(new Set(prefixes).size).toBe(128);
    const user = userRef('alice', KEY, 64);
    const { records, tombstones } = recordKeys('p', user);
    expect(prefixes.filter((prefix) => records.startsWith(prefix))).toEqual([`p:{${user.bucket}}:r:`]);
    expect(prefixes.filter((prefix) => tombstones.startsWith(prefix))).toEqual([`p:{${user.bucket}}:t:`]);
    expect(prefixes.some((prefix) => counterKey('p', user.bucket).startsWith(prefix))).toBe(false);
    // Redis refuses overlapping prefixes in one CLIENT TRACKING.
    for (const a of prefixes) {
      for (const b of prefixes) if (a !== b) expect(b.startsWith(a)).toBe(false);
    }
  });
});

describe('touch granularity (validateSession-2.lua)', () => {
  it('auto: 1 % of the idle timeout, at least 1 s, at most a tenth of it', () => {
    expect(touchGranularityOf(-1, 900_000)).toBe(9000);
    expect(touchGranularityOf(-1, 60_000)).toBe(1000);
    expect(touchGranularityOf(-1, 5000)).toBe(500);
    expect(touchGranularityOf(250, 900_000)).toBe(250);
  });

  it('touchDue agrees with the script on a real Redis: due means the script writes', async () => {
    const server = await RedisServer.start();
    const redis = createRedisClient({ url: server.url });
    try {
      await waitUntilReady(redis, 5000);
      const store = new SessionStore(redis, {
        keyPrefix: uniqueKeyPrefix(),
        defaults: { idleTimeoutMs: 10_000 },
      });
      const { token, session } = await store.create({
        username: 'a',
        privLvl: 1,
        aaa: 'local',
        sourceIp: '',
      });
      const redisNow = async (): Promise<number> => {
        const [s, us] = await redis.time();
        return Number(s) * 1000 + Math.floor(Number(us) / 1000);
      };
      expect(touchDue(session, store.options.touchGranularityMs, await redisNow())).toBe(false);
      expect(await store.validate(token)).toMatchObject({ valid: true, touched: false });
      await waitFor(async () => touchDue(session, store.options.touchGranularityMs, await redisNow()), {
        intervalMs: 5,
        message: 'the granularity (1 s for a 10 s idle timeout) to pass',
      });
      expect(await store.validate(token)).toMatchObject({ valid: true, touched: true });
    } finally {
      redis.disconnect();
      await server.destroy();
    }
  });
});
