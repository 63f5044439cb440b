import { SessionStore, StoreUnavailableError } from '@sessiond/session-store';
import { RedisServer, uniqueKeyPrefix, waitFor } from '@sessiond/test-utils';
import { alice } from './support/behaviour';
import { connect, type Client } from './support/connect';

// These tests stop and freeze Redis, so they always start their own server (never REDIS_URL).
let server: RedisServer;
let client: Client;
let store: SessionStore;

beforeEach(async () => {
  server = await RedisServer.start({ appendOnly: true });
  client = await connect({ url: server.url });
  store = new SessionStore(client, { keyPrefix: uniqueKeyPrefix() });
});

afterEach(async () => {
  client.disconnect();
  await server.destroy();
});

/** Every store operation, as a user of the package would call them. */
function everyOperation(token: string, sessionId: string): [string, () => Promise<unknown>][] {
  return [
    ['create', () => store.create(alice)],
    ['validate', () => store.validate(token)],
    ['get', () => store.get(sessionId)],
    ['listByUser', () => store.listByUser('alice')],
    ['revoke', () => store.revoke(sessionId)],
    ['revokeAll', () => store.revokeAll('bob')],
    ['sweep', () => store.sweep({ bucket: 0 })],
    ['dueCount', () => store.dueCount(0)],
    ['ping', () => store.ping()],
  ];
}

async function expectUnavailableWithin(ms: number, operation: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  const error = await operation().then(
    () => new Error('the operation succeeded while Redis was down'),
    (e: unknown) => e,
  );
  const elapsed = performance.now() - started;
  expect(error).toBeInstanceOf(StoreUnavailableError);
  expect(elapsed).toBeLessThan(ms);
}

describe('when Redis is stopped', () => {
  it('every call rejects with StoreUnavailableError within 1 s, and the same store recovers after', async () => {
    const { token, session } = await store.create(alice);
    await server.stop();
    for (const [, operation] of everyOperation(token, session.sessionId)) {
      await expectUnavailableWithin(1000, operation);
    }
    await server.resume();
    await waitFor(async () => (await store.validate(token)).valid, { timeoutMs: 5000, message: 'recovery' });
    // Append-only persistence kept the session; the store object was never recreated.
    await expect(store.get(session.sessionId)).resolves.toEqual(
      expect.objectContaining({ sessionId: session.sessionId }),
    );
    await expect(store.create(alice)).resolves.toBeDefined();
  });

  it('calls in flight when Redis dies settle as StoreUnavailableError, none hangs or reads as "no session"', async () => {
    const { token } = await store.create(alice);
    const outcomes: unknown[] = [];
    let stop = false;
    const load = Array.from({ length: 20 }, async () => {
      while (!stop) {
        outcomes.push(
          await store.validate(token).then(
            (r) => r,
            (e: unknown) => e,
          ),
        );
        // Rejections arrive on microtasks only once Redis is gone; yield like a request loop would.
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
    await waitFor(() => outcomes.length > 200, { message: 'load to start' });
    await server.stop('SIGKILL');
    const seenBefore = outcomes.length;
    await waitFor(() => outcomes.length > seenBefore + 200, { message: 'calls to keep settling' });
    stop = true;
    await Promise.all(load);
    const kinds = new Set(
      outcomes.map((o) => (o instanceof StoreUnavailableError ? 'unavailable' : JSON.stringify(o))),
    );
    expect([...kinds].sort()).toEqual(['unavailable', JSON.stringify(outcomes[0])].sort());
    expect(outcomes[0]).toMatchObject({ valid: true });
  });
});

describe('when Redis hangs (process frozen)', () => {
  it('every call rejects with StoreUnavailableError within 1 s, and service resumes when it wakes', async () => {
    const { token, session } = await store.create(alice);
    server.pause();
    try {
      for (const [, operation] of everyOperation(token, session.sessionId)) {
        await expectUnavailableWithin(1000, operation);
      }
    } finally {
      server.unpause();
    }
    // The commands that timed out were still in the socket, and Redis ran them when it woke; but
    // their callers had given up, so the state-changing scripts refused to act (their deadline had
    // passed): the late revoke did not revoke, the late create created nothing.
    await waitFor(async () => (await store.listByUser('alice')).length >= 1, { message: 'Redis awake' });
    await expect(store.validate(token)).resolves.toMatchObject({ valid: true });
    expect((await store.listByUser('alice')).map((s) => s.sessionId)).toEqual([session.sessionId]);
    const fresh = await store.create(alice, { limit: 0 });
    await expect(store.validate(fresh.token)).resolves.toMatchObject({ valid: true });
  });
});
