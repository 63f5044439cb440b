import {
  InvalidStoreOptionsError,
  ReplicationTimeoutError,
  SessionStore,
  StoreUnavailableError,
  createRedisClient,
  waitUntilReady,
} from '@sessiond/session-store';
import { RedisServer, uniqueKeyPrefix, waitFor } from '@sessiond/test-utils';
import type { Cluster, Redis } from 'ioredis';
import { alice } from './support/behaviour';

// REDIS_WAIT_REPLICAS (store option `replication`) against a real replica: changes are
// acknowledged once a replica has them; a replica that confirms nothing makes them fail without
// leaving a usable session, and without holding up the validations that run meanwhile.
let master: RedisServer;
let replica: RedisServer;
const clients: (Redis | Cluster)[] = [];

beforeAll(async () => {
  master = await RedisServer.start();
  replica = await RedisServer.start({ extraArgs: ['--replicaof', master.host, String(master.port)] });
  const admin = client();
  await waitUntilReady(admin, 10_000);
  await waitFor(async () => /slave0:.*state=online/.test(String(await admin.info('replication'))), {
    timeoutMs: 30_000,
    message: 'the replica to link up',
  });
});

afterEach(() => {
  replica.unpause();
});

afterAll(async () => {
  for (const c of clients.splice(0)) c.disconnect();
  await replica?.destroy();
  await master?.destroy();
});

function client(commandTimeoutMs?: number): Redis | Cluster {
  const c = createRedisClient({
    url: master.url,
    ...(commandTimeoutMs !== undefined ? { commandTimeoutMs } : {}),
  });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
}

async function store(timeoutMs: number): Promise<SessionStore> {
  const main = client();
  const connection = client(timeoutMs + 500);
  await Promise.all([waitUntilReady(main, 10_000), waitUntilReady(connection, 10_000)]);
  return new SessionStore(main, {
    keyPrefix: uniqueKeyPrefix('wait'),
    replication: { replicas: 1, timeoutMs, connection },
  });
}

describe('replication (WAIT) with a real replica', () => {
  it('needs a connection of its own for the changes that WAIT', () => {
    const main = client();
    expect(
      () => new SessionStore(main, { replication: { replicas: 1, timeoutMs: 100, connection: main } }),
    ).toThrow(InvalidStoreOptionsError);
  });

  it('acknowledges a login and a logout once the replica has them', async () => {
    const s = await store(1000);
    const { token, session } = await s.create(alice);
    await expect(s.validate(token)).resolves.toMatchObject({ valid: true });
    await expect(s.revoke(session.sessionId)).resolves.toMatchObject({ sessionId: session.sessionId });
  });

  it('replica frozen: concurrent logins fail (503), leave no session, and validations are not held up', async () => {
    const s = await store(1500);
    const before = await s.create(alice);
    replica.pause();
    let settled = 0;
    const logins = Array.from({ length: 6 }, () =>
      s
        .create(alice)
        .then(
          () => 'acknowledged',
          (error: unknown) => error,
        )
        .finally(() => {
          settled += 1;
        }),
    );
    // The WAITs block their own connection only: a validation answers while they still wait.
    await expect(s.validate(before.token)).resolves.toMatchObject({ valid: true });
    expect(settled).toBe(0);
    const outcomes = await Promise.all(logins);
    for (const outcome of outcomes) expect(outcome).toBeInstanceOf(StoreUnavailableError);
    expect(outcomes.some((o) => o instanceof ReplicationTimeoutError)).toBe(true);
    replica.unpause();
    // None of the refused logins left a session: alice holds the one she got before.
    await waitFor(async () => (await s.listByUser('alice')).length === 1, {
      timeoutMs: 10_000,
      message: 'only the acknowledged session',
    });
    expect((await s.listByUser('alice')).map((d) => d.sessionId)).toEqual([before.session.sessionId]);
  });
});
