import { redisForTests, uniqueKeyPrefix, waitFor, type TestRedis } from '@sessiond/test-utils';
import { totalDue } from '../src/sweeper';
import {
  createSessions,
  duplicates,
  indexState,
  openStore,
  startSweeper,
  storeOptions,
  type Target,
  type TestSweeper,
} from './support/harness';
import { untilSweptAgain } from './support/sweep-progress';

describe('sweeping on a single Redis', () => {
  let redis: TestRedis;
  let target: Target;
  const cleanup: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    redis = await redisForTests();
    target = { url: redis.url };
  });

  afterEach(async () => {
    for (const close of cleanup.splice(0).reverse()) await close();
  });

  afterAll(async () => {
    await redis.destroy();
  });

  async function setup(keyPrefix: string, extra = {}): Promise<Awaited<ReturnType<typeof openStore>>> {
    const opened = await openStore(target, keyPrefix, {}, extra);
    cleanup.push(() => opened.close());
    return opened;
  }

  async function sweeperFor(keyPrefix: string, options = {}): Promise<TestSweeper> {
    const sweeper = await startSweeper(target, { keyPrefix, ...options });
    cleanup.push(() => sweeper.close());
    return sweeper;
  }

  it('never touches sessions that are still live, even beside expired ones of the same user', async () => {
    const prefix = uniqueKeyPrefix('sweep');
    const { store, redis: client } = await setup(prefix);
    // Users mixed0..mixed999 each hold one session that idles out and one that stays live.
    const expiring = await createSessions(store, 1000, { user: 'mixed', policy: { idleTimeoutMs: 200 } });
    const live = await createSessions(store, 1000, { user: 'mixed', policy: { idleTimeoutMs: 600_000 } });
    const onlyLive = await createSessions(store, 500, { user: 'live', policy: { idleTimeoutMs: 600_000 } });
    const before = new Map(
      await Promise.all([...live, ...onlyLive].map(async (id) => [id, await store.get(id)] as const)),
    );

    const sweeper = await sweeperFor(prefix);
    await waitFor(() => sweeper.expiredIds().length >= 1000, {
      message: '1,000 expiries',
      timeoutMs: 30_000,
    });
    await untilSweptAgain([sweeper], storeOptions(prefix).buckets);

    expect(duplicates(sweeper.expiredIds())).toEqual([]);
    expect(new Set(sweeper.expiredIds())).toEqual(new Set(expiring));
    for (const [id, session] of before) {
      expect(session).toBeDefined();
      expect(await store.get(id)).toEqual(session); // not removed, not touched
    }
    expect(await store.listByUser('mixed7')).toHaveLength(1);
    expect(await store.countSessions()).toBe(1500);
    // Every user with a live session stays in the index, filed under their live deadline.
    expect(await indexState(client, storeOptions(prefix))).toEqual({ indexed: 1500, counted: 1500 });
    expect(await totalDue(store)).toBe(0);
  });

  it('a sweeper stopped for a while catches up when restarted, and reports each expiry once', async () => {
    const prefix = uniqueKeyPrefix('sweep');
    const { store, redis: client } = await setup(prefix);
    const first = await sweeperFor(prefix);
    const wave1 = await createSessions(store, 2000, { user: 'a', policy: { idleTimeoutMs: 200 } });
    await waitFor(() => first.expiredIds().length >= 2000, { message: 'the first wave', timeoutMs: 30_000 });
    await first.close();

    // While no sweeper runs, the second wave expires and waits in the index.
    const wave2 = await createSessions(store, 3000, { user: 'b', policy: { idleTimeoutMs: 200 } });
    await waitFor(async () => (await totalDue(store)) === 3000, { message: 'the second wave to be due' });

    const second = await sweeperFor(prefix);
    await waitFor(() => second.expiredIds().length >= 3000, { message: 'the backlog', timeoutMs: 30_000 });
    await untilSweptAgain([second], storeOptions(prefix).buckets);

    const reported = [...first.expiredIds(), ...second.expiredIds()];
    expect(duplicates(reported)).toEqual([]);
    expect(new Set(first.expiredIds())).toEqual(new Set(wave1));
    expect(new Set(second.expiredIds())).toEqual(new Set(wave2));
    expect(await indexState(client, storeOptions(prefix))).toEqual({ indexed: 0, counted: 0 });
  });

  it('bucket jobs cut short by the per-job cap queue their continuation: nothing lost, nothing twice', async () => {
    const prefix = uniqueKeyPrefix('sweep');
    const { store, redis: client } = await setup(prefix);
    const created = await createSessions(store, 2000, { policy: { idleTimeoutMs: 200 } });
    await waitFor(async () => (await totalDue(store)) === 2000, { message: 'every session to be due' });
    // maxJobMs 0: every bucket job runs one step of 10 users, then hands the bucket on.
    const sweeper = await sweeperFor(prefix, { maxJobMs: 0, batch: 10 });
    await waitFor(() => sweeper.expiredIds().length >= 2000, {
      message: '2,000 expiries',
      timeoutMs: 30_000,
    });
    await untilSweptAgain([sweeper], storeOptions(prefix).buckets);

    expect(duplicates(sweeper.expiredIds())).toEqual([]);
    expect(new Set(sweeper.expiredIds())).toEqual(new Set(created));
    const jobs = (await sweeper.metrics.sweepDuration.get()).values.find((v) =>
      v.metricName?.endsWith('_count'),
    );
    expect(jobs?.value).toBeGreaterThanOrEqual(2000 / 10);
    expect(await indexState(client, storeOptions(prefix))).toEqual({ indexed: 0, counted: 0 });
  });

  it('counts users whose records left Redis before any sweep as lost, and reports no expiry for them', async () => {
    const prefix = uniqueKeyPrefix('sweep');
    // A 1 s retention: records outlive their deadline by 1 s, then Redis drops them.
    const { store, redis: client } = await setup(prefix, { retentionMs: 1000 });
    await createSessions(store, 20, { user: 'gone', policy: { idleTimeoutMs: 100 } });
    // Wait until Redis has dropped every record (a key per user: <prefix>:{bucket}:r:<tag>).
    await waitFor(async () => (await client.keys(`${prefix}:*:r:*`)).length === 0, {
      message: 'Redis to drop the records',
    });

    const sweeper = await sweeperFor(prefix);
    await waitFor(async () => (await sweeper.metrics.lostUsers.get()).values[0]?.value === 20, {
      message: '20 lost users',
      timeoutMs: 10_000,
    });
    expect(sweeper.expiredIds()).toEqual([]);
    expect(sweeper.lines.some((line) => line['event'] === 'sessions.lost')).toBe(true);
    expect(await totalDue(store)).toBe(0);
  });

  it('reports why a session ended: idle, or its absolute lifetime, with its duration', async () => {
    const prefix = uniqueKeyPrefix('sweep');
    const { store } = await setup(prefix);
    const [idle = ''] = await createSessions(store, 1, { user: 'idler', policy: { idleTimeoutMs: 300 } });
    const [lifetime = ''] = await createSessions(store, 1, {
      user: 'worker',
      policy: { idleTimeoutMs: 600_000, absoluteLifetimeMs: 400 },
    });
    const sweeper = await sweeperFor(prefix);
    await waitFor(() => sweeper.expiredIds().length >= 2, { message: 'two expiries' });

    const events = new Map(
      sweeper.lines.filter((l) => l.msg === 'session.expired').map((l) => [l['session_id'], l]),
    );
    expect(events.get(idle)).toMatchObject({
      event: 'session.expired',
      username: 'idler0',
      reason: 'idle',
      duration_ms: 300,
    });
    expect(events.get(lifetime)).toMatchObject({ username: 'worker0', reason: 'lifetime', duration_ms: 400 });
    const swept = await sweeper.metrics.swept.get();
    expect(Object.fromEntries(swept.values.map((v) => [v.labels['reason'], v.value]))).toEqual({
      idle: 1,
      lifetime: 1,
    });
  });
});
