import { DecisionCache } from '../src/auth/decision-cache';

const PERMIT = { permit: true, serverMsg: '' };
const DENY = { permit: false, serverMsg: 'not for you' };

describe('DecisionCache (AUTHORIZE_CACHE_TTL_MS, AUTHORIZE_CACHE_MAX_ENTRIES)', () => {
  it('is off with a TTL of 0', () => {
    const cache = new DecisionCache(0, 10);
    cache.set('alice', 15, 'show version', PERMIT);
    expect(cache.get('alice', 15, 'show version')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps a decision for its TTL, by username, priv-lvl and command line', () => {
    let now = 1_000;
    const cache = new DecisionCache(500, 10, () => now);
    cache.set('alice', 15, 'show version', PERMIT);
    cache.set('alice', 15, 'reload', DENY);
    expect(cache.get('alice', 15, 'show version')).toEqual(PERMIT);
    expect(cache.get('alice', 15, 'reload')).toEqual(DENY);
    expect(cache.get('alice', 1, 'show version')).toBeUndefined();
    expect(cache.get('bob', 15, 'show version')).toBeUndefined();
    now += 499;
    expect(cache.get('alice', 15, 'show version')).toEqual(PERMIT);
    now += 1;
    expect(cache.get('alice', 15, 'show version')).toBeUndefined();
  });

  it('holds at most maxEntries, forgetting the oldest first', () => {
    const cache = new DecisionCache(60_000, 2);
    cache.set('a', 1, 'x', PERMIT);
    cache.set('b', 1, 'x', PERMIT);
    cache.set('c', 1, 'x', DENY);
    expect(cache.size).toBe(2);
    expect(cache.get('a', 1, 'x')).toBeUndefined();
    expect(cache.get('c', 1, 'x')).toEqual(DENY);
  });

  it('keeps parts apart whatever they hold', () => {
    const cache = new DecisionCache(60_000, 10);
    cache.set('a","1', 1, 'x', PERMIT);
    expect(cache.get('a', 1, '1","x')).toBeUndefined();
  });
});
