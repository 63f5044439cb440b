import { Cluster } from 'ioredis';
import {
  InvalidSessionInputError,
  LoginThrottledError,
  SessionStore,
  type NewSession,
  type SessionStoreOptions,
} from '@sessiond/session-store';
import {
  RedisCluster,
  redisForTests,
  uniqueKeyPrefix,
  untilRedisTime,
  type TestRedis,
} from '@sessiond/test-utils';
import { BEHAVIOUR_TIMEOUT_MS, connect, type Client } from './support/connect';

// The store's queries for the operator console (issue 16): the users with the most sessions, and
// clearing failed-login counts. Run on one Redis and on a 3-master cluster (every command on keys of
// one hash tag).

const session = (username: string): NewSession => ({
  username,
  privLvl: 15,
  aaa: 'tacacs+',
  sourceIp: '192.0.2.10',
  userAgent: 'console-test',
});

let single: TestRedis;
let cluster: RedisCluster;
const clients: { name: string; client: Client }[] = [];

beforeAll(async () => {
  single = await redisForTests();
  cluster = await RedisCluster.start({ masters: 3 });
  clients.push({ name: 'one Redis', client: await connect({ url: single.url }, BEHAVIOUR_TIMEOUT_MS) });
  const clustered = await connect({ nodes: cluster.nodes }, BEHAVIOUR_TIMEOUT_MS);
  if (!(clustered instanceof Cluster)) throw new Error('expected a cluster client');
  clients.push({ name: 'a 3-master cluster', client: clustered });
});

afterAll(async () => {
  for (const { client } of clients) client.disconnect();
  await single.destroy();
  await cluster.destroy();
});

describe.each(['one Redis', 'a 3-master cluster'])('console queries on %s', (name) => {
  const client = (): Client => {
    const found = clients.find((c) => c.name === name);
    if (found === undefined) throw new Error(`no client for ${name}`);
    return found.client;
  };
  const store = (options: SessionStoreOptions = {}): SessionStore =>
    new SessionStore(client(), {
      keyPrefix: uniqueKeyPrefix('c'),
      operationTimeoutMs: BEHAVIOUR_TIMEOUT_MS,
      defaults: { limit: 0 },
      ...options,
    });
  const logins = async (s: SessionStore, counts: Record<string, number>): Promise<void> => {
    for (const [username, n] of Object.entries(counts)) {
      for (let i = 0; i < n; i += 1) await s.create(session(username));
    }
  };

  describe('topUsers', () => {
    it('lists the users with the most live sessions, most first, ties by username', async () => {
      const s = store();
      await logins(s, { dave: 2, alice: 3, bob: 1, carol: 3, erin: 1 });
      await s.revokeAll('erin');
      expect(await s.topUsers({ limit: 3 })).toEqual({
        users: [
          { username: 'alice', sessions: 3 },
          { username: 'carol', sessions: 3 },
          { username: 'dave', sessions: 2 },
        ],
        usersScanned: 5, // erin's tombstones keep her in the index until the sweeper clears them
        complete: true,
      });
      expect((await s.topUsers({ limit: 100 })).users.map((u) => u.username)).toEqual([
        'alice',
        'carol',
        'dave',
        'bob',
      ]);
    });

    it('counts live sessions only: expired ones not yet swept do not count', async () => {
      const s = store();
      const expiring = await s.create(session('zoe'), { idleTimeoutMs: 1000 });
      for (let i = 0; i < 3; i += 1) await s.create(session('zoe'), { idleTimeoutMs: 1000 });
      await logins(s, { yann: 2 });
      await untilRedisTime(client(), expiring.session.expiresAtMs + 5, { message: 'zoe to idle out' });
      expect((await s.topUsers({ limit: 5 })).users).toEqual([{ username: 'yann', sessions: 2 }]);
    });

    it('pages through large index shards, and bounds the users it scans', async () => {
      // One bucket, one shard: 600 users in one sorted set, read in chunks.
      const s = store({ buckets: 1, indexShards: 1 });
      await Promise.all(Array.from({ length: 600 }, (_, i) => s.create(session(`user${i}`))));
      await logins(s, { top: 2 });
      expect(await s.topUsers({ limit: 1 })).toEqual({
        users: [{ username: 'top', sessions: 2 }],
        usersScanned: 601,
        complete: true,
      });
      const bounded = await s.topUsers({ limit: 1, maxUsers: 300 });
      expect(bounded.usersScanned).toBe(300);
      expect(bounded.complete).toBe(false);
      expect(bounded.users).toHaveLength(1);
    });

    it('answers an empty store, and refuses a bad limit', async () => {
      const s = store();
      expect(await s.topUsers({ limit: 20 })).toEqual({ users: [], usersScanned: 0, complete: true });
      await expect(s.topUsers({ limit: 0 })).rejects.toBeInstanceOf(InvalidSessionInputError);
      await expect(s.topUsers({ limit: 1.5 })).rejects.toBeInstanceOf(InvalidSessionInputError);
      await expect(s.topUsers({ limit: 1, maxUsers: -1 })).rejects.toBeInstanceOf(InvalidSessionInputError);
    });
  });

  describe('clearing failure counts', () => {
    it('clearLoginFailures forgets both counts of the pair, and then the user logs in', async () => {
      const s = store();
      for (let i = 0; i < 3; i += 1) await s.recordLoginFailure('alice', '192.0.2.10', 60_000);
      await s.recordLoginFailure('alice', '192.0.2.10', 60_000, 'fallback');
      await expect(s.create(session('alice'), {}, { maxFailures: 3 })).rejects.toBeInstanceOf(
        LoginThrottledError,
      );
      await s.recordLoginFailure('alice', '198.51.100.1', 60_000);
      expect(await s.clearLoginFailures('alice', '192.0.2.10')).toBe(2);
      expect(await s.clearLoginFailures('alice', '192.0.2.10')).toBe(0);
      await expect(s.create(session('alice'), {}, { maxFailures: 3 })).resolves.toBeDefined();
      // Another address keeps its count.
      expect((await s.recordLoginFailure('alice', '198.51.100.1', 60_000)).failures).toBe(2);
    });

    it('clearFailures forgets a subject in the given scopes only', async () => {
      const s = store();
      await s.recordFailure('address', '["192.0.2.10"]', 60_000);
      await s.recordFailure('address', '["192.0.2.10"]', 60_000);
      await s.recordFailure('address-fallback', '["192.0.2.10"]', 60_000);
      await s.recordFailure('client', '["192.0.2.10"]', 60_000);
      expect(await s.clearFailures(['address', 'address-fallback'], '["192.0.2.10"]')).toBe(2);
      expect((await s.recordFailure('address', '["192.0.2.10"]', 60_000)).failures).toBe(1);
      expect((await s.recordFailure('client', '["192.0.2.10"]', 60_000)).failures).toBe(2);
      expect(await s.clearFailures([], '["192.0.2.10"]')).toBe(0);
    });
  });
});
