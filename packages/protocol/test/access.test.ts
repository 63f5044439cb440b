import {
  MAX_TOKEN_LENGTH,
  TOKEN_REFUSALS,
  TOKEN_REFUSAL_OF_REASON,
  cookieValue,
  parsePrivLvl,
  privilegeRefusal,
  readPresentedToken,
} from '../src';

describe('readPresentedToken', () => {
  it('reads X-auth-token (quotes tolerated) and Bearer, like readToken', () => {
    expect(readPresentedToken({ 'x-auth-token': '"abc"' })).toEqual({ kind: 'token', token: 'abc' });
    expect(readPresentedToken({ authorization: 'Bearer abc' })).toEqual({ kind: 'token', token: 'abc' });
    expect(readPresentedToken({ 'x-auth-token': 'a', authorization: 'Bearer b' })).toEqual({
      kind: 'conflict',
    });
  });

  it('reads the named cookie only when no header carries a token; a header wins', () => {
    const cookie = 'theme=dark; sd=tok123; other=x';
    expect(readPresentedToken({ cookie }, 'sd')).toEqual({ kind: 'token', token: 'tok123' });
    expect(readPresentedToken({ cookie, 'x-auth-token': 'hdr' }, 'sd')).toEqual({
      kind: 'token',
      token: 'hdr',
    });
    expect(readPresentedToken({ cookie })).toEqual({ kind: 'missing' });
    expect(readPresentedToken({ cookie }, 'nope')).toEqual({ kind: 'missing' });
  });
});

describe('cookieValue', () => {
  it('finds a cookie by its exact name, unquotes it, and ignores empty ones', () => {
    expect(cookieValue('a=1; b="two"; c=', 'b')).toBe('two');
    expect(cookieValue('a=1; b="two"; c=', 'c')).toBeUndefined();
    expect(cookieValue('ab=1', 'a')).toBeUndefined();
    expect(cookieValue(undefined, 'a')).toBeUndefined();
    expect(cookieValue('junk; a=1', 'a')).toBe('1');
  });

  it('bounds the value just past the longest token', () => {
    expect(cookieValue(`a=${'x'.repeat(10_000)}`, 'a')).toHaveLength(MAX_TOKEN_LENGTH + 1);
  });
});

describe('privilegeRefusal', () => {
  it('refuses below the required level with the members both answerers send', () => {
    expect(privilegeRefusal(1, 15)).toEqual({
      code: 'insufficient_privilege',
      detail: 'authenticated, but priv-lvl 1 is below the required 15',
      extensions: { priv_lvl: 1, required_priv_lvl: 15 },
    });
    expect(privilegeRefusal(15, 15)).toBeUndefined();
    expect(privilegeRefusal(0, undefined)).toBeUndefined();
  });
});

describe('parsePrivLvl', () => {
  it('takes 0–15 written as a plain integer, nothing else', () => {
    expect(['0', '1', '9', '10', '15'].map(parsePrivLvl)).toEqual([0, 1, 9, 10, 15]);
    for (const bad of ['', '16', '-1', '01', '1.5', ' 1', 'abc', '1e1'])
      expect(parsePrivLvl(bad)).toBeUndefined();
  });
});

describe('TOKEN_REFUSAL_OF_REASON', () => {
  it('maps every store reason to a 401 code that has its detail', () => {
    for (const code of Object.values(TOKEN_REFUSAL_OF_REASON)) expect(TOKEN_REFUSALS[code]).toBeDefined();
  });
});
