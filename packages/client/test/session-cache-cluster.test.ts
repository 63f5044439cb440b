import { SessionStore, createRedisClient, waitUntilReady } from '@sessiond/session-store';
import { RedisCluster, uniqueKeyPrefix, waitFor } from '@sessiond/test-utils';
import { createDirectValidator, type DirectValidator } from '../src/direct';
import { warmCache } from './support/warm-cache';
import { CONNECTION_NAMES } from '../src/direct/tracking-pair';
import { NodeAdmin } from './support/redis-admin';

// The session cache on a 3-master Redis Cluster: one tracking pair per master, so that a write on
// any master reaches it; hits cost no command on any node; a lost pair drops everything.

let cluster: RedisCluster;
let writer: ReturnType<typeof createRedisClient>;
let admins: NodeAdmin[];
let validator: DirectValidator;
let store: SessionStore;

beforeAll(async () => {
  cluster = await RedisCluster.start({ masters: 3 });
  writer = createRedisClient({ clusterNodes: cluster.nodes });
  await waitUntilReady(writer, 10_000);
  admins = await Promise.all(cluster.nodes.map(({ host, port }) => NodeAdmin.connect(host, port)));
  const keyPrefix = uniqueKeyPrefix();
  store = new SessionStore(writer, { keyPrefix, defaults: { limit: 0 } });
  validator = createDirectValidator({
    mode: 'direct',
    redis: { clusterNodes: cluster.nodes, keyPrefix },
    sessionCache: { heartbeatMs: 60_000 },
  });
  await validator.ready(10_000);
  await waitFor(() => validator.sessionCache()?.live === true, { message: 'tracking on every master' });
});

afterAll(async () => {
  await validator?.close();
  writer?.disconnect();
  for (const admin of admins ?? []) admin.close();
  await cluster?.destroy();
});

const totalCalls = async (): Promise<number> =>
  (await Promise.all(admins.map((admin) => admin.totalCalls()))).reduce((a, b) => a + b, 0);

const warm = (token: string): Promise<void> => warmCache(validator, token);

describe('the session cache on a 3-master Redis Cluster', () => {
  it('a pair on every master: hits cost nothing anywhere, revocations on any master are seen at once', async () => {
    // Users spread over the buckets, so over the three masters' slots.
    const created = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        store.create({ username: `user${i}`, privLvl: 1, aaa: 'local', sourceIp: '10.0.0.2' }),
      ),
    );
    for (const { token } of created) await warm(token);
    const before = await totalCalls();
    for (let round = 0; round < 100; round += 1) {
      for (const { token } of created) {
        const verdict = await validator.validate(token);
        if (!verdict.valid || verdict.session.source !== 'cache') throw new Error('missed the cache');
      }
    }
    expect((await totalCalls()) - before).toBe(0);

    await Promise.all(created.map(({ session }) => store.revoke(session.sessionId)));
    await waitFor(
      async () => {
        const verdicts = await Promise.all(created.map(({ token }) => validator.validate(token)));
        return verdicts.every((v) => !v.valid && v.code === 'token_revoked');
      },
      { timeoutMs: 1000, intervalMs: 1, message: 'every revocation to reach the cache' },
    );
  });

  it('one master’s tracking connection killed: everything dropped, then tracking is back on it', async () => {
    const { token } = await store.create({ username: 'zed', privLvl: 1, aaa: 'local', sourceIp: '' });
    await warm(token);
    const resets = validator.sessionCache()?.resets ?? 0;
    expect(await admins[1]?.kill(CONNECTION_NAMES.tracking)).toBe(1);
    await waitFor(() => (validator.sessionCache()?.resets ?? 0) > resets, {
      message: 'the cache to be dropped',
    });
    expect(validator.sessionCache()?.entries).toBe(0);
    await waitFor(() => validator.sessionCache()?.live === true, { message: 'tracking to be back' });
    await warm(token);
  });
});
