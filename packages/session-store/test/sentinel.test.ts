import {
  SessionStore,
  createRedisClient,
  currentMaster,
  waitUntilReady,
  type RedisSentinelOptions,
} from '@sessiond/session-store';
import {
  RedisSentinelSet,
  createTestCertificates,
  uniqueKeyPrefix,
  waitFor,
  type TestCertificates,
} from '@sessiond/test-utils';
import { Cluster, type Redis } from 'ioredis';
import { alice } from './support/behaviour';

// Issue 12 item 2: the store reaches the master through Redis Sentinel (one master, one replica,
// three `redis-server --sentinel`, ACL users and passwords on both), and follows a failover by itself.
const USER = { username: 'sessiond', password: 'data-node-pw' };
const SENTINEL_PASSWORD = 'sentinel-pw';

let set: RedisSentinelSet;
const clients: (Redis | Cluster)[] = [];

// One deployment for the file: the failover case runs last, as it leaves the first master dead.
beforeAll(async () => {
  set = await RedisSentinelSet.start({
    user: USER,
    sentinelPassword: SENTINEL_PASSWORD,
    sentinelUser: { username: 'sessiond-sentinel', password: 'sentinel-user-pw' },
  });
});

afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

afterAll(async () => {
  await set?.destroy();
});

function sentinelClient(sentinel: Partial<RedisSentinelOptions> = {}): Redis | Cluster {
  const client = createRedisClient({
    // The URL's host and port are never used under Sentinel (the host resolves nowhere); its
    // credentials are the data nodes'.
    url: set.url,
    sentinel: {
      sentinels: set.sentinels.map(({ host, port }) => ({ host, port })),
      masterName: set.masterName,
      password: SENTINEL_PASSWORD,
      ...sentinel,
    },
    commandTimeoutMs: 2000,
  });
  client.on('error', () => undefined);
  clients.push(client);
  return client;
}

/** Retries `operation` until it succeeds (refusals while the failover runs are expected). */
async function eventually<T>(operation: () => Promise<T>, message: string): Promise<T> {
  let result: T | undefined;
  await waitFor(
    async () => {
      result = await operation();
      return true;
    },
    { timeoutMs: 30_000, intervalMs: 100, message },
  );
  return result as T;
}

describe('the store through Redis Sentinel', () => {
  it('the Sentinels can be reached as an ACL user (REDIS_SENTINEL_USERNAME)', async () => {
    const client = sentinelClient({ username: 'sessiond-sentinel', password: 'sentinel-user-pw' });
    await waitUntilReady(client, 10_000);
    const store = new SessionStore(client, { keyPrefix: uniqueKeyPrefix('sentinel') });
    const { token } = await store.create(alice);
    await expect(store.validate(token)).resolves.toMatchObject({ valid: true });
    // Its failover detector listens for +switch-master on every Sentinel as that user.
    await waitFor(
      async () => {
        const lists = await Promise.all(set.sentinels.map((s) => set.sentinelCommand(s, 'CLIENT', 'LIST')));
        return lists.every((list) => /cmd=subscribe user=sessiond-sentinel /.test(String(list)));
      },
      { timeoutMs: 10_000, message: 'a +switch-master subscription on every Sentinel' },
    );
  });

  it('quit() also ends the Sentinel subscriptions of its failover detector (redis/ioredis#1362)', async () => {
    const subscriptions = async (): Promise<number> => {
      const lists = await Promise.all(set.sentinels.map((s) => set.sentinelCommand(s, 'CLIENT', 'LIST')));
      return lists
        .join('\n')
        .split('\n')
        .filter((line) => /cmd=subscribe user=sessiond-sentinel /.test(line)).length;
    };
    const client = sentinelClient({ username: 'sessiond-sentinel', password: 'sentinel-user-pw' });
    await waitUntilReady(client, 10_000);
    const duplicate = client instanceof Cluster ? undefined : client.duplicate();
    await waitFor(async () => (await subscriptions()) >= 2 * set.sentinels.length, {
      timeoutMs: 10_000,
      message: 'the subscriptions of the client and its duplicate',
    });
    await Promise.all([client.quit(), duplicate?.quit()]);
    await waitFor(async () => (await subscriptions()) === 0, {
      timeoutMs: 10_000,
      message: 'no subscription left after quit()',
    });
  });

  it('a wrong Sentinel password is never mistaken for a reachable master', async () => {
    const client = sentinelClient({ password: 'wrong' });
    const errors: string[] = [];
    client.on('error', (error: Error) => errors.push(error.message));
    await waitFor(() => errors.some((e) => /All sentinels are unreachable/.test(e)), {
      timeoutMs: 10_000,
      message: 'the client to report that no Sentinel answered',
    });
    expect(errors.join('\n')).toMatch(/WRONGPASS|NOAUTH|invalid username-password/i);
    expect(client.status).not.toBe('ready');
  });
  it('writes to the master the Sentinels name, and follows a failover (SIGKILL of the master) by itself', async () => {
    const [first] = set.nodes;
    const client = sentinelClient();
    await waitUntilReady(client, 10_000);
    expect(currentMaster(client)).toEqual({ host: first?.host, port: first?.port });
    const store = new SessionStore(client, {
      keyPrefix: uniqueKeyPrefix('sentinel'),
      operationTimeoutMs: 3000,
    });
    const before = await store.create(alice);
    // The session has reached the replica before the master dies (no loss is under test here).
    await set.waitUntilReplicated(first);

    await first?.stop('SIGKILL');
    const promoted = await set.waitForMaster((node) => node !== first);
    // Refusals while the failover runs; then the same store object writes to the new master.
    const after = await eventually(() => store.create(alice), 'a login on the promoted master');
    await expect(store.validate(after.token)).resolves.toMatchObject({ valid: true });
    await expect(store.validate(before.token)).resolves.toMatchObject({ valid: true });
    expect(currentMaster(client)).toEqual({ host: promoted.host, port: promoted.port });
    expect(String(await client.info('replication'))).toMatch(/role:master/);
  });
});

describe('the store through Redis Sentinel over TLS (rediss://, REDIS_TLS_CA_FILE)', () => {
  let certificates: TestCertificates;
  let secure: RedisSentinelSet;

  beforeAll(async () => {
    certificates = await createTestCertificates();
    secure = await RedisSentinelSet.start({ user: USER, sentinelPassword: SENTINEL_PASSWORD, certificates });
  });

  afterAll(async () => {
    await secure?.destroy();
    certificates?.destroy();
  });

  it('asks the Sentinels and writes to the master, both over TLS with the same CA', async () => {
    const client = createRedisClient({
      url: secure.url,
      sentinel: { sentinels: secure.sentinels, masterName: secure.masterName, password: SENTINEL_PASSWORD },
      tls: { caFile: certificates.caFile },
    });
    client.on('error', () => undefined);
    clients.push(client);
    await waitUntilReady(client, 10_000);
    const [first] = secure.nodes;
    expect(currentMaster(client)).toEqual({ host: first?.host, port: first?.port });
    const store = new SessionStore(client, { keyPrefix: uniqueKeyPrefix('sentinel-tls') });
    const { token } = await store.create(alice);
    await expect(store.validate(token)).resolves.toMatchObject({ valid: true });
    expect(await client.config('GET', 'port')).toEqual(['port', '0']);
  });
});
