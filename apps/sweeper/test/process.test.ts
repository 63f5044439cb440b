import { redisForTests, uniqueKeyPrefix, waitFor, type TestRedis } from '@sessiond/test-utils';
import { totalDue } from '../src/sweeper';
import { spawnSweeper, type SweeperProcess } from './support/child';
import { createSessions, duplicates, indexState, openStore, storeOptions } from './support/harness';

describe('the sweeper process', () => {
  let redis: TestRedis;
  const running: SweeperProcess[] = [];

  beforeAll(async () => {
    redis = await redisForTests();
  });

  afterEach(async () => {
    for (const run of running.splice(0)) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
  });

  afterAll(async () => {
    await redis.destroy();
  });

  function start(env: Record<string, string>): SweeperProcess {
    const run = spawnSweeper(env);
    running.push(run);
    return run;
  }

  /**
   * Waits until `run` has swept each of `buckets` buckets to the end twice more from now on (its
   * debug line `bucket swept`, done): a second report of anything would show up by then, however
   * slowly this machine runs. The first such job of a bucket may have started before now.
   */
  async function untilSweptAgain(run: SweeperProcess, buckets: number): Promise<void> {
    const from = run.lines.length;
    const sweptTwice = (): boolean => {
      const done = new Map<unknown, number>();
      for (const line of run.lines.slice(from))
        if (line['msg'] === 'bucket swept' && line['done'] === true)
          done.set(line['bucket'], (done.get(line['bucket']) ?? 0) + 1);
      return Array.from({ length: buckets }, (_, b) => done.get(b) ?? 0).every((n) => n >= 2);
    };
    await waitFor(sweptTwice, { timeoutMs: 30_000, message: 'every bucket to be swept twice more' });
  }

  it('on SIGTERM mid-sweep finishes its step and exits 0; the next run sweeps the rest; each expiry is reported once', async () => {
    const prefix = uniqueKeyPrefix('proc');
    const options = storeOptions(prefix);
    const { store, redis: client, close } = await openStore({ url: redis.url }, prefix);
    try {
      const created = await createSessions(store, 20_000, { policy: { idleTimeoutMs: 200 } });
      await waitFor(async () => (await totalDue(store)) === created.length, {
        message: 'every session to be due',
      });
      const env = {
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: prefix,
        SESSION_STORE_BUCKETS: String(options.buckets),
        SESSION_STORE_INDEX_SHARDS: String(options.indexShards),
        SWEEP_INTERVAL_MS: '500',
        SWEEP_BATCH: '20',
        SWEEP_CONCURRENCY: '1',
        SWEEPER_PORT: '0',
        // Debug: a line per bucket job, to see when every bucket has been swept again.
        LOG_LEVEL: 'debug',
      };

      const first = start(env);
      await waitFor(() => first.expiredIds().length >= 1000, {
        message: 'the first run to be sweeping',
        timeoutMs: 30_000,
      });
      first.child.kill('SIGTERM');
      expect(await first.exited).toEqual({ code: 0, signal: null });
      expect(first.lines.at(-1)?.['msg']).toBe('stopped');
      const firstIds = first.expiredIds();
      // It really stopped mid-sweep: expiries were left for the next run.
      expect(firstIds.length).toBeLessThan(created.length);
      expect(await totalDue(store)).toBeGreaterThan(0);

      const second = start(env);
      await waitFor(() => firstIds.length + second.expiredIds().length >= created.length, {
        message: 'the second run to sweep the rest',
        timeoutMs: 60_000,
      });
      await untilSweptAgain(second, options.buckets);
      second.child.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });

      const reported = [...firstIds, ...second.expiredIds()];
      expect(duplicates(reported)).toEqual([]);
      expect(reported).toHaveLength(created.length);
      expect(new Set(reported)).toEqual(new Set(created));
      expect(await indexState(client, options)).toEqual({ indexed: 0, counted: 0 });
    } finally {
      await close();
    }
  });

  it('after SIGKILL mid-sweep, a restart takes over the dead run’s bucket job: nothing twice, at most one step unreported', async () => {
    const prefix = uniqueKeyPrefix('proc');
    const options = storeOptions(prefix);
    const { store, redis: client, close } = await openStore({ url: redis.url }, prefix);
    try {
      const created = await createSessions(store, 10_000, { policy: { idleTimeoutMs: 200 } });
      await waitFor(async () => (await totalDue(store)) === created.length, {
        message: 'every session to be due',
      });
      const env = {
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: prefix,
        SESSION_STORE_BUCKETS: String(options.buckets),
        SESSION_STORE_INDEX_SHARDS: String(options.indexShards),
        SWEEP_INTERVAL_MS: '500',
        SWEEP_BATCH: '20',
        SWEEP_CONCURRENCY: '1',
        SWEEPER_PORT: '0',
        // Debug: a line per bucket job, to see when every bucket has been swept again.
        LOG_LEVEL: 'debug',
      };

      const first = start(env);
      await waitFor(() => first.expiredIds().length >= 500, { message: 'the first run to be sweeping' });
      first.child.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      const firstIds = first.expiredIds();

      // The dead run's bucket job keeps its lock for up to 10 s; then the new run takes it over.
      const second = start(env);
      await waitFor(async () => (await indexState(client, options)).indexed === 0, {
        message: 'the second run to empty the index',
        timeoutMs: 60_000,
        intervalMs: 250,
      });
      await untilSweptAgain(second, options.buckets);
      second.child.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });

      const reported = [...firstIds, ...second.expiredIds()];
      expect(duplicates(reported)).toEqual([]);
      // What SIGKILL can lose: the reports of the one step in flight (SWEEP_BATCH users, one
      // session each here): swept in Redis, never logged. Everything else is reported once.
      const unreported = created.length - reported.length;
      expect(unreported).toBeGreaterThanOrEqual(0);
      expect(unreported).toBeLessThanOrEqual(20);
      expect(reported.every((id) => created.includes(id))).toBe(true);
      expect(await indexState(client, options)).toEqual({ indexed: 0, counted: 0 });
    } finally {
      await close();
    }
  });

  it('refuses to start on a bad configuration and names each bad variable', async () => {
    const run = start({
      SWEEP_BATCH: 'lots',
      REDIS_CLUSTER_NODES: 'localhost',
      TACACS_ACCOUNTING: 'true',
      TACACS_SECRET: 'do-not-print-me',
    });
    const { code } = await run.exited;
    expect(code).toBe(2);
    expect(run.stderr()).toContain('SWEEP_BATCH');
    expect(run.stderr()).toContain('REDIS_CLUSTER_NODES');
    expect(run.stderr()).toContain('TACACS_SERVERS: required when TACACS_ACCOUNTING is true');
    expect(run.stderr()).not.toContain('do-not-print-me');
    expect(run.lines).toEqual([]);
  });
});
