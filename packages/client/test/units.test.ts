import { createHash } from 'node:crypto';
import { InvalidOptionsError, SessionClient, requireSession, type RequireSessionOptions } from '../src';
import { requireSession as requireDirectSession, type DirectSessionOptions } from '../src/direct';
import { parseRetryAfter } from '../src/http/retry-after';
import { TokenCache } from '../src/middleware/cache';
import type { SessiondSession } from '../src/middleware/session';

// Pure pieces that no server can exercise deterministically: the cache's bounds and clock, the
// Retry-After grammar, and option checks that must throw before anything connects.

const T0 = Date.parse('2026-01-01T00:00:00Z');

function session(id: string, expiresInMs = 900_000, absoluteInMs = 28_800_000): SessiondSession {
  return {
    sessionId: id,
    username: 'alice',
    privLvl: 15,
    aaa: 'local',
    issuedAt: new Date(T0),
    expiresAt: new Date(T0 + expiresInMs),
    absoluteExpiresAt: new Date(T0 + absoluteInMs),
    source: 'introspection',
  };
}

describe('TokenCache', () => {
  it('keeps at most maxEntries, dropping the least recently used', () => {
    const cache = new TokenCache({ ttlMs: 60_000, maxEntries: 2, now: () => T0 });
    cache.set('token-a', session('a'));
    cache.set('token-b', session('b'));
    expect(cache.get('token-a')?.sessionId).toBe('a'); // a is now the most recent
    cache.set('token-c', session('c'));
    expect(cache.size).toBe(2);
    expect(cache.get('token-b')).toBeUndefined();
    expect(cache.get('token-a')?.sessionId).toBe('a');
    expect(cache.get('token-c')?.sessionId).toBe('c');
  });

  it('is keyed by the SHA-256 of the token: the token itself is not kept', () => {
    const token = 'sd1.00AAAAAAAAAAAAAAAAAAA.secretpartsecretpartsecretpartsecretpart123';
    const cache = new TokenCache({ ttlMs: 60_000, maxEntries: 10, now: () => T0 });
    cache.set(token, session('a'));
    const kept = JSON.stringify([...cache['entries'].entries()]);
    expect(kept).not.toContain('secretpart');
    expect([...cache['entries'].keys()]).toEqual([createHash('sha256').update(token).digest('base64')]);
  });

  it('an entry lasts min(ttl, the session’s idle deadline, its absolute deadline)', () => {
    let now = T0;
    const cache = new TokenCache({ ttlMs: 10_000, maxEntries: 10, now: () => now });
    cache.set('ttl', session('ttl'));
    cache.set('idle', session('idle', 3_000));
    cache.set('absolute', session('absolute', 900_000, 5_000));
    now = T0 + 2_999;
    expect(['ttl', 'idle', 'absolute'].map((t) => cache.get(t)?.source)).toEqual(['cache', 'cache', 'cache']);
    now = T0 + 3_000;
    expect(cache.get('idle')).toBeUndefined();
    now = T0 + 5_000;
    expect(cache.get('absolute')).toBeUndefined();
    expect(cache.get('ttl')).toBeDefined();
    now = T0 + 10_000;
    expect(cache.get('ttl')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('hands out copies: mutating one request’s session does not change the cached one', () => {
    const cache = new TokenCache({ ttlMs: 10_000, maxEntries: 10, now: () => T0 });
    cache.set('t', session('a'));
    cache.get('t')?.expiresAt.setTime(0);
    expect(cache.get('t')?.expiresAt.getTime()).toBe(T0 + 900_000);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP-dates, and nothing else', () => {
    expect(parseRetryAfter('2')).toBe(2);
    expect(parseRetryAfter(' 120 ')).toBe(120);
    expect(parseRetryAfter(new Date(T0 + 30_500).toUTCString(), T0)).toBe(30);
    expect(parseRetryAfter(new Date(T0 - 5_000).toUTCString(), T0)).toBe(0);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('-1')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('requireSession options', () => {
  const client = new SessionClient({
    baseUrl: 'http://127.0.0.1:1',
    clientId: 'svc',
    clientSecret: 'very-secret-value',
  });
  const cases: [string, unknown, string][] = [
    ['no mode', { client }, 'mode'],
    ['an unknown mode', { mode: 'magic', client }, 'mode'],
    [
      'a client without credentials',
      { mode: 'introspection', client: new SessionClient({ baseUrl: 'http://x' }) },
      'client',
    ],
    ['something else as client', { mode: 'introspection', client: {} }, 'client'],
    [
      'baseUrl without a secret',
      { mode: 'introspection', baseUrl: 'http://x', clientId: 'svc' },
      'clientSecret',
    ],
    [
      'a bad baseUrl',
      { mode: 'introspection', baseUrl: 'nope', clientId: 'svc', clientSecret: 'very-secret-value' },
      'baseUrl',
    ],
    ['direct mode (it is @sessiond/client/direct)', { mode: 'direct', store: { validate() {} } }, 'mode'],
    ['requiredPrivLvl 16', { mode: 'introspection', client, requiredPrivLvl: 16 }, 'requiredPrivLvl'],
    ['touch "yes"', { mode: 'introspection', client, touch: 'yes' }, 'touch'],
    ['a cache without ttl', { mode: 'introspection', client, cache: {} }, 'cache.ttlMs'],
    [
      'a cache ttl over an hour',
      { mode: 'introspection', client, cache: { ttlMs: 3_600_001 } },
      'cache.ttlMs',
    ],
    [
      'maxEntries 0',
      { mode: 'introspection', client, cache: { ttlMs: 1000, maxEntries: 0 } },
      'cache.maxEntries',
    ],
    ['onError not a function', { mode: 'introspection', client, onError: 'log' }, 'onError'],
  ];
  it.each(cases)('%s: InvalidOptionsError naming the option', (_label, options, option) => {
    expectInvalid(() => requireSession(options as RequireSessionOptions), option);
  });

  const directCases: [string, unknown, string][] = [
    ['no mode', { store: { validate() {} } }, 'mode'],
    ['introspection mode (it is @sessiond/client)', { mode: 'introspection', client }, 'mode'],
    ['direct without store or redis', { mode: 'direct' }, 'store'],
    ['a store without validate()', { mode: 'direct', store: {} }, 'store'],
    ['a non-redis URL', { mode: 'direct', redis: { url: 'http://x' } }, 'redis.url'],
    [
      'a bad keyPrefix',
      { mode: 'direct', redis: { url: 'redis://127.0.0.1:1', keyPrefix: '{x}' } },
      'redis.keyPrefix',
    ],
    ['bad buckets', { mode: 'direct', redis: { url: 'redis://127.0.0.1:1', buckets: 0 } }, 'redis.buckets'],
    [
      'requiredPrivLvl 16',
      { mode: 'direct', store: { validate() {} }, requiredPrivLvl: 16 },
      'requiredPrivLvl',
    ],
  ];
  it.each(directCases)(
    '@sessiond/client/direct, %s: InvalidOptionsError naming the option',
    (_l, options, option) => {
      expectInvalid(() => requireDirectSession(options as DirectSessionOptions), option);
    },
  );

  function expectInvalid(build: () => unknown, option: string): void {
    let thrown: unknown;
    try {
      build();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidOptionsError);
    expect(thrown).toMatchObject({ option });
    expect((thrown as Error).message).not.toContain('very-secret-value');
  }

  it('defaults: no cache, touch on, no privilege floor', () => {
    const middleware = requireSession({ mode: 'introspection', client });
    expect(middleware.mode).toBe('introspection');
    expect(typeof middleware.close).toBe('function');
  });
});
