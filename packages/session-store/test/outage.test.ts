import { SessionStore, StoreUnavailableError } from '@sessiond/session-store';
import { RedisServer, uniqueKeyPrefix, waitFor } from '@sessiond/test-utils';
import { alice } from './support/behaviour';
import { connect, type Client } from './support/connect';

// These tests stop and freeze Redis, so they always start their own server (never REDIS_URL).

/** The store's promise: every operation settles within this (the default, stated here). */
const OPERATION_TIMEOUT_MS = 1000;
/**
 * Time a settled call may take beyond OPERATION_TIMEOUT_MS on a loaded 2-core CI machine, where
 * timers fire late. What the bound must tell apart is a call ended by the store's own timers from
 * one that hangs or waits out ioredis's reconnects and retries (many seconds, or for ever); which
 * timer ended a call is asserted from the error itself.
 */
const LOADED_MACHINE_ALLOWANCE_MS = 2000;

let server: RedisServer;
let client: Client;
let store: SessionStore;

beforeEach(async () => {
  server = await RedisServer.start({ appendOnly: true });
  client = await connect({ url: server.url });
  store = new SessionStore(client, {
    keyPrefix: uniqueKeyPrefix(),
    operationTimeoutMs: OPERATION_TIMEOUT_MS,
  });
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

/**
 * The operation rejects with StoreUnavailableError whose message matches `cause` (what ended it), and
 * settles within the operation timeout plus the loaded-machine allowance: never a hang.
 */
async function expectUnavailable(operation: () => Promise<unknown>, cause: RegExp): Promise<void> {
  const started = performance.now();
  const error = await operation().then(
    () => new Error('the operation succeeded while Redis was down'),
    (e: unknown) => e,
  );
  const elapsed = performance.now() - started;
  expect(error).toBeInstanceOf(StoreUnavailableError);
  expect((error as Error).message).toMatch(cause);
  expect(elapsed).toBeLessThan(OPERATION_TIMEOUT_MS + LOADED_MACHINE_ALLOWANCE_MS);
}

/** Ended by the client's 500 ms command timeout or the store's own OPERATION_TIMEOUT_MS: both within 1 s. */
const TIMED_OUT = new RegExp(
  `: Redis (unavailable: Command timed out|did not answer within ${OPERATION_TIMEOUT_MS} ms)$`,
);
/** Refused by the client at once (no offline queue, a closed connection), or ended by a timeout as above. */
const UNAVAILABLE = new RegExp(`: Redis (unavailable: .+|did not answer within ${OPERATION_TIMEOUT_MS} ms)$`);

describe('when Redis is stopped', () => {
  it('every call rejects with StoreUnavailableError within 1 s, and the same store recovers after', async () => {
    const { token, session } = await store.create(alice);
    await server.stop();
    for (const [, operation] of everyOperation(token, session.sessionId)) {
      await expectUnavailable(operation, UNAVAILABLE);
    }
    await server.resume();
    await waitFor(async () => (await store.validate(token)).valid, {
      timeoutMs: 15_000,
      message: 'recovery',
    });
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
        // A frozen Redis never answers: each call is ended by a timeout of 1 s or less.
        await expectUnavailable(operation, TIMED_OUT);
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
