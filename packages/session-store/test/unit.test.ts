import fc from 'fast-check';
import { Redis } from 'ioredis';
import {
  InvalidSessionInputError,
  InvalidStoreOptionsError,
  SessionStore,
  StoreReplyError,
  StoreUnavailableError,
  decodeDescriptor,
} from '@sessiond/session-store';
import { formatToken, parseSessionId, parseToken } from '@sessiond/protocol';
import { toStoreError } from '../src/guard';
import { newLocalId, newSecret, sessionRef, userRef } from '../src/identifiers';
import { alice } from './support/behaviour';

describe('tokens and session ids', () => {
  it('round-trip, and carry the bucket, user tag and local id', () => {
    const user = userRef('alice', Buffer.from('k'), 64);
    expect(user.bucket).toBeGreaterThanOrEqual(0);
    expect(user.bucket).toBeLessThan(64);
    const ref = sessionRef(user, newLocalId());
    expect(ref.sessionId).toHaveLength(21);
    expect(parseSessionId(ref.sessionId)).toEqual(ref);
    const token = formatToken(ref.sessionId, newSecret());
    expect(parseToken(token)?.ref).toEqual(ref);
  });

  it('give each user one tag, stable for a key and different under another key', () => {
    expect(userRef('alice', Buffer.from('k'), 64)).toEqual(userRef('alice', Buffer.from('k'), 64));
    expect(userRef('alice', Buffer.from('k'), 64).tag).not.toEqual(userRef('bob', Buffer.from('k'), 64).tag);
    expect(userRef('alice', Buffer.from('k'), 64).tag).not.toEqual(
      userRef('alice', Buffer.from('other'), 64).tag,
    );
  });

  it('parse nothing but well-formed tokens, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (input) => {
        const parsed = parseToken(input);
        if (parsed !== undefined) expect(formatToken(parsed.ref.sessionId, parsed.secret)).toBe(input);
      }),
      { numRuns: 5000 },
    );
    expect(parseToken(`sd1.${'a'.repeat(21)}.${'b'.repeat(43)}`)).toBeDefined();
    expect(parseToken(`sd1.${'a'.repeat(21)}.${'b'.repeat(42)}`)).toBeUndefined();
    expect(parseToken(`sd1.${'A'.repeat(21)}.${'b'.repeat(43)}`)).toBeUndefined(); // bucket is lower-case base 36
  });
});

describe('options', () => {
  const redis = new Redis({ lazyConnect: true });

  it.each([
    [{ buckets: 0 }, 'buckets'],
    [{ buckets: 1297 }, 'buckets'],
    [{ keyPrefix: 'a{b}' }, 'keyPrefix'],
    [{ defaults: { limit: -1 } }, 'defaults.limit'],
    [{ defaults: { policy: 'lifo' as 'reject' } }, 'defaults.policy'],
    [{ defaults: { idleTimeoutMs: 1.5 } }, 'defaults.idleTimeoutMs'],
    [{ tombstoneTtlMs: 10 }, 'tombstoneTtlMs'],
    [{ operationTimeoutMs: 0 }, 'operationTimeoutMs'],
  ])('refuses %j naming %s', (options, name) => {
    expect(() => new SessionStore(redis, options)).toThrow(InvalidStoreOptionsError);
    expect(() => new SessionStore(redis, options)).toThrow(name);
  });

  it('applies the documented defaults', () => {
    const { options } = new SessionStore(redis);
    expect(options).toMatchObject({
      keyPrefix: 'sessiond',
      buckets: 64,
      defaults: { limit: 5, policy: 'reject', idleTimeoutMs: 900_000, absoluteLifetimeMs: 28_800_000 },
      tombstoneTtlMs: 3_600_000,
      retentionMs: 86_400_000,
      operationTimeoutMs: 1000,
    });
  });
});

describe('create() input', () => {
  const store = new SessionStore(new Redis({ lazyConnect: true }));

  it.each([
    [{ username: '' }, 'username'],
    [{ username: 'a\nb' }, 'username'],
    [{ username: 'x'.repeat(256) }, 'username'],
    [{ privLvl: 16 }, 'privLvl'],
    [{ privLvl: 1.5 }, 'privLvl'],
    [{ aaa: 'TACACS' }, 'aaa'],
    [{ aaa: 'a|b' }, 'aaa'],
    [{ sourceIp: '10.0.0.300' }, 'sourceIp'],
    [{ sourceIp: '1.2.3.4|5' }, 'sourceIp'],
  ])('refuses %j before touching Redis', async (override, field) => {
    const error = await store.create({ ...alice, ...override }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidSessionInputError);
    expect((error as InvalidSessionInputError).field).toBe(field);
  });
});

describe('descriptors', () => {
  it('decode the record format written by the scripts', () => {
    const c = 1_763_891_234_567;
    // Created is absolute; last access and the absolute deadline are offsets from it.
    const desc = [c, 5000, 28_800_000, 900_000, 15].map((n) => n.toString(36)).join('|') + '|local|::1';
    expect(decodeDescriptor('id', 'alice', desc, 'curl/8')).toEqual({
      sessionId: 'id',
      username: 'alice',
      privLvl: 15,
      aaa: 'local',
      sourceIp: '::1',
      userAgent: 'curl/8',
      createdAtMs: c,
      lastAccessAtMs: c + 5000,
      expiresAtMs: c + 5000 + 900_000,
      absoluteExpiresAtMs: c + 28_800_000,
      idleTimeoutMs: 900_000,
    });
    expect(() => decodeDescriptor('id', 'a', 'garbage', '')).toThrow(StoreReplyError);
  });
});

describe('error mapping', () => {
  const reply = (message: string): Error => Object.assign(new Error(message), { name: 'ReplyError' });

  it('treats connection trouble and transient replies as unavailable, other replies as bugs', () => {
    expect(toStoreError('op', new Error('Connection is closed.'))).toBeInstanceOf(StoreUnavailableError);
    expect(toStoreError('op', new Error('Command timed out'))).toBeInstanceOf(StoreUnavailableError);
    expect(toStoreError('op', reply('LOADING Redis is loading the dataset in memory'))).toBeInstanceOf(
      StoreUnavailableError,
    );
    expect(toStoreError('op', reply('CLUSTERDOWN The cluster is down'))).toBeInstanceOf(
      StoreUnavailableError,
    );
    expect(
      toStoreError('op', reply('ERR user_script:1: Script attempted to access nonexistent global')),
    ).toBeInstanceOf(StoreReplyError);
  });
});
