import { InvalidOptionsError } from '../src';
import { createDirectValidator } from '../src/direct';
import { FillGuard } from '../src/direct/fill-guard';
import { RedisTimeBounds } from '@sessiond/session-store';
import { SessionCache, entryBytes, type CachedSession } from '../src/direct/session-cache';
import { sameDigest, secretDigest, secretOf, sessionIdOf } from '../src/direct/token-digest';
import type { SessiondSession } from '../src/middleware/session';

// The session cache's pure parts: bounds, the stale-fill rule, the clock bounds, the token reading.

function entry(sessionId: string, userId = 'u1', username = 'alice'): CachedSession {
  const session: SessiondSession = {
    sessionId,
    username,
    privLvl: 15,
    aaa: 'local',
    issuedAt: new Date(0),
    expiresAt: new Date(1000),
    absoluteExpiresAt: new Date(2000),
    source: 'cache',
  };
  return {
    sessionId,
    userId,
    secretHash: secretDigest(sessionId),
    session,
    createdAtMs: 0,
    expiresAtMs: 1000,
    absoluteExpiresAtMs: 2000,
    touchDueAtMs: 100,
    bytes: entryBytes(session, userId),
    usedAtMs: 0,
  };
}

describe('SessionCache', () => {
  it('keeps at most maxEntries, the least recently used dropped first', () => {
    const cache = new SessionCache({ maxEntries: 2, maxBytes: 1e9 });
    const a = entry('a');
    cache.set(a);
    cache.set(entry('b'));
    cache.used(a, 10_000); // a becomes the youngest
    cache.set(entry('c'));
    expect([cache.get('a'), cache.get('b'), cache.get('c')].map((e) => e?.sessionId)).toEqual([
      'a',
      undefined,
      'c',
    ]);
  });

  it('keeps its estimated bytes under maxBytes, and never holds an entry larger than that', () => {
    const one = entry('a').bytes;
    const cache = new SessionCache({ maxEntries: 100, maxBytes: one * 3 });
    for (const id of ['a', 'b', 'c', 'd']) cache.set(entry(id));
    expect(cache.size).toBe(3);
    expect(cache.bytes).toBe(one * 3);
    cache.set(entry('e', 'u1', 'x'.repeat(one * 3)));
    expect(cache.get('e')).toBeUndefined();
  });

  it('drops every session of a user at once', () => {
    const cache = new SessionCache({ maxEntries: 100, maxBytes: 1e9 });
    cache.set(entry('a', 'u1'));
    cache.set(entry('b', 'u1'));
    cache.set(entry('c', 'u2'));
    expect(cache.dropUser('u1')).toBe(2);
    expect(cache.dropUser('u1')).toBe(0);
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBe(entry('c', 'u2').bytes);
  });
});

describe('FillGuard (an answer read before a write must not outlive the write’s invalidation)', () => {
  it('refuses an answer when its user was invalidated, or everything reset, after the read was sent', () => {
    const guard = new FillGuard();
    const before = guard.ticket();
    guard.invalidated('u1');
    const after = guard.ticket();
    expect(guard.settle(before, 'u1')).toBe(false);
    expect(guard.settle(after, 'u1')).toBe(true);

    const t1 = guard.ticket();
    const t2 = guard.ticket();
    guard.invalidated('u2');
    expect(guard.settle(t1, 'u1')).toBe(true); // another user's write says nothing about u1
    guard.reset();
    expect(guard.settle(t2, 'u1')).toBe(false);
    expect(guard.settle(guard.ticket(), 'u1')).toBe(true);
  });
});

describe('RedisTimeBounds', () => {
  it('bounds Redis time from one TIME read between two local instants', () => {
    const clock = new RedisTimeBounds();
    expect(clock.ready).toBe(false);
    clock.sample(5000, 100, 104); // Redis said 5000 somewhere between local 100 and 104
    expect(clock.earliest(110)).toBe(5006);
    expect(clock.latest(110)).toBe(5010);
    clock.sample(5100, 200, 201); // tighter: kept
    expect(clock.latest(210)).toBe(5110);
  });
});

describe('token reading on the hot path', () => {
  const token = `sd1.${'0a'}${'T'.repeat(11)}${'L'.repeat(8)}.${'s'.repeat(43)}`;

  it('takes the session id and secret of a well-shaped token only', () => {
    expect(sessionIdOf(token)).toBe(`0a${'T'.repeat(11)}${'L'.repeat(8)}`);
    expect(secretOf(token)).toBe('s'.repeat(43));
    expect(sessionIdOf(token.replace('sd1.', 'sd2.'))).toBeUndefined();
    expect(sessionIdOf(`${token}x`)).toBeUndefined();
    expect(sessionIdOf(token.replace(`L.s`, 'LXs'))).toBeUndefined();
  });

  it('compares digests of equal length only, every character', () => {
    expect(sameDigest(secretDigest('a'), secretDigest('a'))).toBe(true);
    expect(sameDigest(secretDigest('a'), secretDigest('b'))).toBe(false);
    expect(sameDigest(secretDigest('a'), 'abc')).toBe(false);
    expect(secretDigest('a')).toHaveLength(32); // the raw 32 bytes, one character each
  });
});

describe('sessionCache options', () => {
  it('are checked before anything connects; errors name the option', () => {
    const store = { validate: () => Promise.reject(new Error('unused')) };
    const cases: [() => unknown, string][] = [
      [() => createDirectValidator({ mode: 'direct', store, sessionCache: true }), 'sessionCache.redis'],
      [
        () =>
          createDirectValidator({
            mode: 'direct',
            redis: { url: 'redis://127.0.0.1:1' },
            sessionCache: { maxEntries: 0 },
          }),
        'sessionCache.maxEntries',
      ],
      [
        () =>
          createDirectValidator({
            mode: 'direct',
            redis: { url: 'redis://127.0.0.1:1' },
            sessionCache: { heartbeatMs: 1.5 },
          }),
        'sessionCache.heartbeatMs',
      ],
    ];
    for (const [build, option] of cases) {
      expect(build).toThrow(InvalidOptionsError);
      expect(build).toThrow(expect.objectContaining({ option }) as Error);
    }
  });

  it('is off with a store unless asked for, and says so', async () => {
    const store = { validate: () => Promise.reject(new Error('unused')) };
    const validator = createDirectValidator({ mode: 'direct', store });
    expect(validator.sessionCache()).toBeUndefined();
    await validator.close();
  });
});
