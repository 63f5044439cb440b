import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionDescriptor } from '@sessiond/session-store';
import { TacacsClient } from '@sessiond/tacacs-plus';
import { TacacsServer, type AccountingRecord } from '@sessiond/tacacs-server';
import {
  freePort,
  redisForTests,
  uniqueKeyPrefix,
  untilRedisTime,
  waitFor,
  type TestRedis,
} from '@sessiond/test-utils';
import { totalDue } from '../src/sweeper';
import { createSessions, openStore, startSweeper, storeOptions, type TestSweeper } from './support/harness';
import {
  openStopQueue,
  untilStopsSettled,
  untilSweptAgain,
  type StopQueueView,
} from './support/sweep-progress';

const KEY = 'sweeper-test-shared-secret';
// TACACS_PORT_NAME: the records carry what the config says, not a constant.
const PORT_NAME = 'tty-sweeper-test';

describe('accounting STOP for expired sessions', () => {
  let redis: TestRedis;
  let dir: string;
  const cleanup: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    redis = await redisForTests();
    dir = await mkdtemp(join(tmpdir(), 'sweeper-acct-'));
  });

  afterEach(async () => {
    for (const close of cleanup.splice(0).reverse()) await close();
  });

  afterAll(async () => {
    await redis.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  async function tacacsServer(file: string, port = 0): Promise<TacacsServer> {
    const server = new TacacsServer({ key: KEY, users: { users: [] }, accountingFile: file, port });
    await server.listen();
    cleanup.push(() => server.close());
    return server;
  }

  function tacacsClient(port: number): TacacsClient {
    const client = new TacacsClient({
      servers: [{ host: '127.0.0.1', port, key: KEY, connectTimeoutMs: 500, readTimeoutMs: 1000 }],
      retries: 0,
      holdDownMs: 0,
    });
    cleanup.push(() => client.close());
    return client;
  }

  async function sweeperWith(prefix: string, client: TacacsClient): Promise<TestSweeper> {
    const sweeper = await startSweeper(
      { url: redis.url },
      { keyPrefix: prefix, accounting: { client, portName: PORT_NAME, attempts: 6, concurrency: 4 } },
    );
    cleanup.push(() => sweeper.close());
    return sweeper;
  }

  async function stops(file: string): Promise<AccountingRecord[]> {
    const text = await readFile(file, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as AccountingRecord)
      .filter((record) => record.flag === 'stop');
  }

  function stopQueue(prefix: string): StopQueueView {
    const queue = openStopQueue({ url: redis.url }, prefix);
    cleanup.push(() => queue.close());
    return queue;
  }

  /** Every bucket swept again and no STOP left to send: a duplicate would be in the file by now. */
  async function settled(sweeper: TestSweeper, prefix: string): Promise<void> {
    await untilSweptAgain([sweeper], storeOptions(prefix).buckets);
    await untilStopsSettled(stopQueue(prefix));
  }

  async function outcomes(sweeper: TestSweeper): Promise<Record<string, number>> {
    const metric = await sweeper.metrics.accountingStops.get();
    return Object.fromEntries(metric.values.map((v) => [String(v.labels['outcome']), v.value]));
  }

  it('reaches the TACACS+ server once per expiry, with task_id, start/stop time and the right elapsed_time', async () => {
    const prefix = uniqueKeyPrefix('acct');
    const file = join(dir, `${prefix}.jsonl`);
    const server = await tacacsServer(file);
    const { store, redis: client, close } = await openStore({ url: redis.url }, prefix);
    cleanup.push(close);

    // Idle sessions used once after 1 s (their deadline slides), and sessions ended by their lifetime.
    // A 3 s idle timeout leaves 2 s to spare for the uses, however late they come on a loaded machine.
    const idle = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.create(
          { username: `idle${i}`, privLvl: 15, aaa: 'tacacs+', sourceIp: '198.51.100.7' },
          { idleTimeoutMs: 3000 },
        ),
      ),
    );
    const lifetime = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.create(
          { username: `long${i}`, privLvl: 7, aaa: 'tacacs+', sourceIp: '198.51.100.8' },
          { idleTimeoutMs: 600_000, absoluteLifetimeMs: 1400 },
        ),
      ),
    );
    // The lifetime sessions are never used: what they were created with is what they end with.
    const sessions = new Map<string, SessionDescriptor>(
      lifetime.map((c) => [c.session.sessionId, c.session]),
    );
    await untilRedisTime(client, Math.max(...idle.map((c) => c.session.createdAtMs)) + 1000);
    for (const { token } of idle) expect((await store.validate(token)).valid).toBe(true);
    for (const { session } of idle) {
      const current = await store.get(session.sessionId);
      if (current === undefined) throw new Error('session ended too early for the test');
      sessions.set(session.sessionId, current);
    }

    const sweeper = await sweeperWith(prefix, tacacsClient(server.port));
    await waitFor(async () => (await stops(file)).length >= 30, {
      message: '30 STOP records',
      timeoutMs: 20_000,
    });
    await settled(sweeper, prefix);

    const records = await stops(file);
    expect(records).toHaveLength(30);
    const byTask = new Map(records.map((r) => [r.args['task_id'], r]));
    expect(new Set(byTask.keys())).toEqual(new Set(sessions.keys()));
    for (const [id, session] of sessions) {
      const record = byTask.get(id);
      const lifetimeEnded = session.username.startsWith('long');
      expect(record).toMatchObject({
        flag: 'stop',
        username: session.username,
        remAddr: session.sourceIp,
        port: PORT_NAME,
        privLvl: session.privLvl,
      });
      expect(record?.args).toMatchObject({
        start_time: String(Math.floor(session.createdAtMs / 1000)),
        stop_time: String(Math.floor(session.expiresAtMs / 1000)),
        elapsed_time: String(Math.round((session.expiresAtMs - session.createdAtMs) / 1000)),
        'disc-cause': lifetimeEnded ? 'lifetime' : 'idle',
      });
    }
    // The idle sessions lived at least 4 s (used after 1 s, then 3 s idle), the others their 1.4 s lifetime.
    expect(records.filter((r) => Number(r.args['elapsed_time']) >= 4)).toHaveLength(20);
    expect(records.filter((r) => r.args['elapsed_time'] === '1')).toHaveLength(10);
    expect(await outcomes(sweeper)).toEqual({ pass: 30 });
  });

  it('retries a STOP with back-off while the TACACS+ server is down, without holding up the sweep', async () => {
    const prefix = uniqueKeyPrefix('acct');
    const file = join(dir, `${prefix}.jsonl`);
    const port = await freePort();
    const { store, close } = await openStore({ url: redis.url }, prefix);
    cleanup.push(close);
    const created = await createSessions(store, 50, { policy: { idleTimeoutMs: 200 } });

    const sweeper = await sweeperWith(prefix, tacacsClient(port));
    // Nothing listens on the port: every expiry is still logged and the index emptied at once.
    await waitFor(() => sweeper.expiredIds().length >= 50, { message: '50 expiries', timeoutMs: 10_000 });
    expect(await totalDue(store)).toBe(0);
    await waitFor(async () => ((await outcomes(sweeper))['retry'] ?? 0) >= 50, { message: '50 retries' });
    expect(await stops(file)).toEqual([]);

    await tacacsServer(file, port);
    await waitFor(async () => (await stops(file)).length >= 50, {
      message: '50 STOP records',
      timeoutMs: 20_000,
    });
    await settled(sweeper, prefix);
    const records = await stops(file);
    expect(records.map((r) => r.args['task_id']).sort()).toEqual([...created].sort());
    expect((await outcomes(sweeper))['pass']).toBe(50);
  });

  it('does not retry a STOP the server refuses (FAIL is authoritative)', async () => {
    const prefix = uniqueKeyPrefix('acct');
    const file = join(dir, `${prefix}.jsonl`);
    const server = await tacacsServer(file);
    server.setFault({ type: 'follow' });
    const { store, close } = await openStore({ url: redis.url }, prefix);
    cleanup.push(close);
    await createSessions(store, 3, { policy: { idleTimeoutMs: 200 } });

    const sweeper = await sweeperWith(prefix, tacacsClient(server.port));
    await waitFor(async () => (await outcomes(sweeper))['fail'] === 3, { message: '3 refused STOPs' });
    // No retry is coming, rather than none came yet: each job failed for good after its one attempt,
    // and nothing waits for a back-off (a retry would be a delayed job).
    const queue = stopQueue(prefix);
    await waitFor(async () => (await queue.counts())['failed'] === 3, { message: '3 failed STOP jobs' });
    expect(await queue.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, prioritized: 0, failed: 3 });
    const failed = await queue.failed();
    expect(failed.map((job) => job.attemptsMade)).toEqual([1, 1, 1]);
    for (const job of failed) expect(job.failedReason).toContain('accounting STOP refused');
    expect(await outcomes(sweeper)).toEqual({ fail: 3 });
    expect(server.stats().requests.accounting).toBe(3);
  });
});
