import { parseSessionId } from '@sessiond/protocol';
import { SessionStore, createRedisClient, waitUntilReady, type NewSession } from '@sessiond/session-store';
import { RedisServer, uniqueKeyPrefix, waitFor } from '@sessiond/test-utils';
import { createDirectValidator, type DirectValidator, type Verdict } from '../src/direct';
import { warmCache } from './support/warm-cache';
import { CONNECTION_NAMES } from '../src/direct/tracking-pair';
import { NodeAdmin } from './support/redis-admin';

// The session cache of direct mode against a real redis-server: hits cost no command, and every way a
// session ends reaches the cache through CLIENT TRACKING as soon as it is written (waited for, never
// slept on). The writes come from another connection, as the auth-api's and the sweeper's do.

type Writer = ReturnType<typeof createRedisClient>;

let server: RedisServer;
let writerRedis: Writer;
let admin: NodeAdmin;
const open: DirectValidator[] = [];

beforeAll(async () => {
  server = await RedisServer.start();
  writerRedis = createRedisClient({ url: server.url });
  await waitUntilReady(writerRedis, 5000);
  admin = await NodeAdmin.connect(server.host, server.port);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((validator) => validator.close()));
});

afterAll(async () => {
  admin?.close();
  writerRedis?.disconnect();
  await server?.destroy();
});

const alice: NewSession = { username: 'alice', privLvl: 15, aaa: 'local', sourceIp: '10.0.0.1' };

interface Setup {
  readonly store: SessionStore;
  readonly validator: DirectValidator;
}

/** A store on the writer's connection, and a validator with its own, both on a fresh key prefix. */
async function setup(
  storeOptions: ConstructorParameters<typeof SessionStore>[1] = {},
  validatorOptions: { touch?: boolean; heartbeatMs?: number } = {},
): Promise<Setup> {
  const keyPrefix = uniqueKeyPrefix();
  const store = new SessionStore(writerRedis, { keyPrefix, ...storeOptions });
  const validator = createDirectValidator({
    mode: 'direct',
    redis: {
      url: server.url,
      keyPrefix,
      ...(storeOptions.buckets !== undefined ? { buckets: storeOptions.buckets } : {}),
    },
    ...(validatorOptions.touch !== undefined ? { touch: validatorOptions.touch } : {}),
    sessionCache: { heartbeatMs: validatorOptions.heartbeatMs ?? 1000 },
  });
  open.push(validator);
  await validator.ready();
  await waitFor(() => validator.sessionCache()?.live === true, { message: 'tracking to be on' });
  return { store, validator };
}

const warm = warmCache;

/** Waits (briefly) until the validator refuses the token, and gives its verdict and how long it took. */
async function refusedSoon(validator: DirectValidator, token: string): Promise<Verdict & { valid: false }> {
  let verdict: Verdict = await validator.validate(token);
  await waitFor(
    async () => {
      verdict = await validator.validate(token);
      return !verdict.valid;
    },
    { timeoutMs: 1000, intervalMs: 1, message: 'the cache to see the write' },
  );
  if (verdict.valid) throw new Error('unreachable');
  return verdict;
}

describe('the session cache of direct mode (CLIENT TRACKING, a real redis-server)', () => {
  it('serves a validated session without a single Redis command', async () => {
    const { store, validator } = await setup({}, { heartbeatMs: 60_000 });
    const { token, session } = await store.create(alice);
    await warm(validator, token);
    const before = await admin.totalCalls();
    for (let i = 0; i < 10_000; i += 1) {
      const verdict = await validator.validate(token);
      if (!verdict.valid || verdict.session.source !== 'cache') throw new Error(`call ${i} missed the cache`);
    }
    expect((await admin.totalCalls()) - before).toBe(0);
    const verdict = await validator.validate(token);
    expect(verdict).toMatchObject({
      valid: true,
      session: {
        sessionId: session.sessionId,
        username: 'alice',
        privLvl: 15,
        aaa: 'local',
        source: 'cache',
      },
    });
    expect(validator.sessionCache()).toMatchObject({ live: true, entries: 1 });
  });

  it('never serves an entry for a token whose secret differs', async () => {
    const { store, validator } = await setup();
    const { token } = await store.create(alice);
    await warm(validator, token);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const forged = `${token.slice(0, -1)}${last}`;
    const scripts = await admin.validationCalls();
    expect(await validator.validate(forged)).toEqual({ valid: false, code: 'token_invalid' });
    expect((await admin.validationCalls()) - scripts).toBe(1); // Redis was asked, not the cache
    expect((await validator.validate(token)).valid).toBe(true);
  });

  it('logout and admin revocation from another connection: refused as soon as written', async () => {
    const { store, validator } = await setup();
    for (const reason of ['logout', 'admin'] as const) {
      const { token, session } = await store.create(alice);
      await warm(validator, token);
      await store.revoke(session.sessionId, reason);
      expect(await refusedSoon(validator, token)).toEqual({ valid: false, code: 'token_revoked' });
    }
    const all = await Promise.all([store.create(alice), store.create(alice)]);
    for (const { token } of all) await warm(validator, token);
    await store.revokeAll('alice');
    for (const { token } of all) expect((await refusedSoon(validator, token)).code).toBe('token_revoked');
  });

  it('eviction by the session limit (a new login, evict-oldest): refused as soon as written', async () => {
    const { store, validator } = await setup({ defaults: { limit: 1, policy: 'evict-oldest' } });
    const first = await store.create(alice);
    await warm(validator, first.token);
    const second = await store.create(alice);
    expect(second.evicted.map((s) => s.sessionId)).toEqual([first.session.sessionId]);
    expect(await refusedSoon(validator, first.token)).toEqual({ valid: false, code: 'session_evicted' });
    expect((await validator.validate(second.token)).valid).toBe(true);
  });

  it('idle expiry: refused the moment Redis refuses it (the entry’s own deadline, in Redis time)', async () => {
    const { store, validator } = await setup({}, { touch: false });
    const { token } = await store.create(alice, { idleTimeoutMs: 1500 });
    await warm(validator, token);
    await waitFor(async () => !(await store.validate(token, { touch: false })).valid, {
      intervalMs: 5,
      message: 'the session to idle out in Redis',
    });
    expect(await validator.validate(token)).toEqual({ valid: false, code: 'token_invalid' });
  });

  it('the sweeper’s deletion of an expired session reaches the cache as an invalidation', async () => {
    const { store, validator } = await setup({}, { touch: false });
    const { token, session } = await store.create(alice, { idleTimeoutMs: 1000 });
    await warm(validator, token);
    const bucket = parseSessionId(session.sessionId)?.bucket ?? -1;
    // Nothing validates meanwhile: the entry stays until something says otherwise.
    await waitFor(async () => (await store.sweep({ bucket })).expired.length === 1, {
      intervalMs: 20,
      message: 'the sweeper to delete the expired session',
    });
    await waitFor(() => validator.sessionCache()?.entries === 0, {
      timeoutMs: 1000,
      intervalMs: 1,
      message: 'the sweep’s invalidation to drop the entry',
    });
    expect(validator.sessionCache()?.invalidated).toBeGreaterThanOrEqual(1);
    expect(await validator.validate(token)).toEqual({ valid: false, code: 'token_invalid' });
  });

  it.each([
    ['tracking', CONNECTION_NAMES.tracking],
    ['subscriber', CONNECTION_NAMES.subscriber],
  ])(
    '%s connection killed: the cache is dropped, answers stay right, and caching resumes',
    async (_, name) => {
      const { store, validator } = await setup();
      const kept = await store.create(alice);
      const revoked = await store.create(alice);
      await warm(validator, kept.token);
      await warm(validator, revoked.token);
      const resets = validator.sessionCache()?.resets ?? 0;

      expect(await admin.kill(name)).toBe(1);
      await waitFor(() => (validator.sessionCache()?.resets ?? 0) > resets, {
        message: 'the cache to be dropped',
      });
      await store.revoke(revoked.session.sessionId);
      expect(await validator.validate(revoked.token)).toEqual({ valid: false, code: 'token_revoked' });
      expect(await validator.validate(kept.token)).toMatchObject({ valid: true });

      await waitFor(() => validator.sessionCache()?.live === true, { message: 'tracking to be back' });
      await warm(validator, kept.token);
      await store.revoke(kept.session.sessionId);
      expect(await refusedSoon(validator, kept.token)).toEqual({ valid: false, code: 'token_revoked' });
    },
  );

  it('FLUSHDB drops everything', async () => {
    const { store, validator } = await setup();
    const { token } = await store.create(alice);
    await warm(validator, token);
    const resets = validator.sessionCache()?.resets ?? 0;
    await writerRedis.flushdb();
    await waitFor(() => (validator.sessionCache()?.resets ?? 0) > resets, {
      message: 'the flush to reset the cache',
    });
    expect(await validator.validate(token)).toEqual({ valid: false, code: 'token_invalid' });
  });

  it('touches are batched: a hot token keeps its idle deadline sliding in Redis, a few commands a second', async () => {
    // idle 1 s: the automatic granularity is 100 ms (a tenth of it)
    const { store, validator } = await setup({ defaults: { idleTimeoutMs: 1000 } });
    const { token, session } = await store.create(alice);
    await warm(validator, token);
    const scripts = await admin.validationCalls();
    const started = Date.now();
    let validations = 0;
    while (Date.now() - started < 2500) {
      // 200 back to back, then a turn of the event loop for the replies and invalidations.
      for (let i = 0; i < 200; i += 1) {
        const verdict = await validator.validate(token);
        if (!verdict.valid) throw new Error(`refused after ${Date.now() - started} ms: ${verdict.code}`);
        validations += 1;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    const inRedis = await store.validate(token, { touch: false });
    if (!inRedis.valid) throw new Error('the session idled out in Redis');
    // 2.5 idle timeouts later, alive: its deadline moved in Redis.
    expect(inRedis.session.expiresAtMs).toBeGreaterThan(session.expiresAtMs + 1500);
    const sent = (await admin.validationCalls()) - scripts;
    const stats = validator.sessionCache();
    expect(stats?.touches).toBeGreaterThanOrEqual(10);
    // About two per granularity (the touch, then the read after its invalidation), never one per call.
    expect(sent).toBeLessThanOrEqual(4 * 26);
    expect(sent / validations).toBeLessThan(0.01);
  });
});
