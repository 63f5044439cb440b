import type { Redis } from 'ioredis';
import {
  SessionStore,
  StoreUnavailableError,
  createRedisClient,
  waitUntilReady,
} from '@sessiond/session-store';
import { RedisServer, redisTimeMs, uniqueKeyPrefix, waitFor } from '@sessiond/test-utils';
import { ValidationHints } from '../src/validation-hints';
import { alice } from './support/behaviour';

// A validation the script would only read is one HMGET (src/validation-hints.ts): the same answers
// as the script, never late, no touch skipped.

let server: RedisServer;
let client: Redis;
let admin: Redis;

beforeAll(async () => {
  server = await RedisServer.start();
  client = createRedisClient({ url: server.url, connectionName: 'store' }) as Redis;
  admin = createRedisClient({ url: server.url }) as Redis;
  await Promise.all([waitUntilReady(client, 10_000), waitUntilReady(admin, 10_000)]);
});

afterAll(async () => {
  client.disconnect();
  admin.disconnect();
  await server.destroy();
});

function newStore(options: ConstructorParameters<typeof SessionStore>[1] = {}): SessionStore {
  return new SessionStore(client, { keyPrefix: uniqueKeyPrefix(), ...options });
}

/** Commands the store's client sent during `action`: scripts (EVALSHA, EVAL) and plain reads (HMGET). */
async function callsDuring(action: () => Promise<unknown>): Promise<{ scripts: number; reads: number }> {
  const send = jest.spyOn(client, 'sendCommand');
  try {
    await action();
    const names = send.mock.calls.map(([command]) => (command as { name: string }).name);
    return {
      scripts: names.filter((name) => name === 'evalsha' || name === 'eval').length,
      reads: names.filter((name) => name === 'hmget').length,
    };
  } finally {
    send.mockRestore();
  }
}

describe('validation by plain read', () => {
  it('after one script, a session is validated by one HMGET with the same answer', async () => {
    const store = newStore();
    const { token } = await store.create(alice);
    const first = await store.validate(token);
    let later: Awaited<ReturnType<SessionStore['validate']>> | undefined;
    const used = await callsDuring(async () => {
      for (let i = 0; i < 20; i += 1) later = await store.validate(token);
    });
    expect(used).toEqual({ scripts: 0, reads: 20 });
    expect(later).toEqual(first.valid ? { ...first, touched: false } : undefined);
  });

  it('a wrong secret is refused by the read, and the right one keeps its plain reads', async () => {
    const store = newStore();
    const { token } = await store.create(alice);
    await store.validate(token);
    const forged = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const used = await callsDuring(async () => {
      expect(await store.validate(forged)).toEqual({ valid: false, reason: 'invalid' });
      expect((await store.validate(token)).valid).toBe(true);
    });
    expect(used).toEqual({ scripts: 0, reads: 2 });
  });

  it('a revoked or evicted session is refused at once, with its reason from the script', async () => {
    const store = newStore({ defaults: { limit: 1, policy: 'evict-oldest' } });
    const first = await store.create(alice);
    await store.validate(first.token);
    await store.create(alice); // evicts the first
    const evicted = await callsDuring(async () =>
      expect(await store.validate(first.token)).toEqual({ valid: false, reason: 'evicted' }),
    );
    expect(evicted).toEqual({ scripts: 1, reads: 1 });
    const second = await store.create({ ...alice, username: 'bob' });
    await store.validate(second.token);
    await store.revoke(second.session.sessionId);
    expect(await store.validate(second.token)).toEqual({ valid: false, reason: 'revoked' });
  });

  it('never accepts a session past its deadline in Redis time', async () => {
    const store = newStore({ defaults: { idleTimeoutMs: 400 } });
    const { token, session } = await store.create(alice);
    await store.validate(token, { touch: false });
    let reads = 0;
    let refusedBy = 0;
    await waitFor(
      async () => {
        const sentAt = await redisTimeMs(admin);
        let result: Awaited<ReturnType<SessionStore['validate']>> | undefined;
        reads += (await callsDuring(async () => (result = await store.validate(token, { touch: false }))))
          .reads;
        if (result === undefined) return false;
        if (result.valid) {
          // Accepted: the deadline had not passed when the validation was sent.
          expect(sentAt).toBeLessThan(session.expiresAtMs);
          return false;
        }
        refusedBy = await redisTimeMs(admin);
        return true;
      },
      { intervalMs: 5, message: 'the session to idle out' },
    );
    expect(reads).toBeGreaterThan(0); // the reads were in play, not only the script
    // Refused no earlier than the deadline: a refusal for expiry is always the script's.
    expect(refusedBy).toBeGreaterThanOrEqual(session.expiresAtMs);
  });

  it('leaves every touch to the script, exactly at the granularity', async () => {
    const store = newStore({ defaults: { idleTimeoutMs: 60_000 }, touchGranularityMs: 50 });
    const { token } = await store.create(alice);
    const touches: number[] = [];
    let reads = 0;
    await waitFor(
      async () => {
        let result: Awaited<ReturnType<SessionStore['validate']>> | undefined;
        reads += (await callsDuring(async () => (result = await store.validate(token)))).reads;
        if (result?.valid === true && result.touched) touches.push(result.session.lastAccessAtMs);
        return touches.length >= 3;
      },
      { intervalMs: 5, message: 'three touches' },
    );
    expect(reads).toBeGreaterThan(0);
    // Each touch moved the deadline by at least the granularity: no touch early, none lost.
    for (let i = 1; i < touches.length; i += 1)
      expect((touches[i] ?? 0) - (touches[i - 1] ?? 0)).toBeGreaterThanOrEqual(50);
    const inRedis = await store.validate(token, { touch: false });
    expect(inRedis.valid && inRedis.session.lastAccessAtMs).toBe(touches.at(-1));
  });

  it("a plain read of a frozen Redis fails as unavailable, bounded by the client's command timeout", async () => {
    const store = newStore({ operationTimeoutMs: 1000 }); // the client's commandTimeout is 500 ms
    const { token } = await store.create(alice);
    await store.validate(token);
    server.pause(); // SIGSTOP
    try {
      const reads = await callsDuring(() =>
        expect(store.validate(token)).rejects.toBeInstanceOf(StoreUnavailableError),
      );
      expect(reads).toEqual({ scripts: 0, reads: 1 });
    } finally {
      server.unpause();
    }
    await waitFor(async () => (await store.validate(token).catch(() => undefined))?.valid === true, {
      message: 'validations to succeed again',
    });
  });

  it('learns the clock again after a reconnect (it may be another server)', async () => {
    const store = newStore();
    const { token } = await store.create(alice);
    await store.validate(token);
    expect(await callsDuring(() => store.validate(token))).toEqual({ scripts: 0, reads: 1 });
    const reconnected = new Promise((resolve) => client.once('ready', resolve));
    await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    await reconnected;
    expect(await callsDuring(() => store.validate(token))).toEqual({ scripts: 1, reads: 0 });
    expect(await callsDuring(() => store.validate(token))).toEqual({ scripts: 0, reads: 1 });
  });
});

describe('ValidationHints', () => {
  const valid = (sessionId: string, expiresAtMs: number) =>
    ({
      valid: true,
      touched: false,
      session: {
        sessionId,
        username: 'alice',
        privLvl: 15,
        aaa: 'local',
        sourceIp: '192.0.2.1',
        userAgent: '',
        createdAtMs: 0,
        lastAccessAtMs: expiresAtMs - 1000,
        expiresAtMs,
        absoluteExpiresAtMs: expiresAtMs + 100_000,
        idleTimeoutMs: 1000,
      },
    }) as const;

  it('keeps at most its bound of sessions, the oldest giving way', () => {
    const hints = new ValidationHints(client, 1, 100, 2);
    hints.observe(0, 10_000, 9_999, 10_000);
    hints.learn(valid('a', 20_000), 'a');
    hints.learn(valid('b', 20_000), 'b');
    hints.learn(valid('c', 20_000), 'c');
    expect(hints.plainReadable(0, 'a', true, 10_000)).toBeUndefined();
    expect(hints.plainReadable(0, 'b', true, 10_000)).toBeDefined();
    expect(hints.plainReadable(0, 'c', true, 10_000)).toBeDefined();
  });

  it('sends to the script from the touch moment on, and once the clock sample is 10 s old', () => {
    const hints = new ValidationHints(client, 1, 100, 10);
    hints.observe(0, 10_000, 9_999, 10_000); // Redis = local + 0..2 ms
    hints.learn(valid('a', 20_000), 'a'); // touch due at 19_100 (last access + granularity)
    expect(hints.plainReadable(0, 'a', true, 19_097)).toBeDefined();
    expect(hints.plainReadable(0, 'a', true, 19_098)).toBeUndefined(); // Redis may be at 19_100
    expect(hints.plainReadable(0, 'a', false, 19_098)).toBeDefined(); // no touch asked for
    expect(hints.plainReadable(0, 'a', false, 19_997)).toBeDefined();
    expect(hints.plainReadable(0, 'a', false, 19_998)).toBeUndefined(); // the deadline may have come
    hints.learn(valid('c', 100_000), 'c');
    expect(hints.plainReadable(0, 'c', true, 19_999)).toBeDefined();
    expect(hints.plainReadable(0, 'c', true, 20_000)).toBeUndefined(); // the sample is 10 s old
  });

  it('forgets a session that died, not one a wrong secret was tried on', () => {
    const hints = new ValidationHints(client, 1, 100, 10);
    hints.observe(0, 10_000, 9_999, 10_000);
    hints.learn(valid('a', 20_000), 'a');
    hints.learn({ valid: false, reason: 'invalid' }, 'a');
    expect(hints.plainReadable(0, 'a', true, 10_000)).toBeDefined();
    hints.learn({ valid: false, reason: 'revoked' }, 'a');
    expect(hints.plainReadable(0, 'a', true, 10_000)).toBeUndefined();
  });
});
