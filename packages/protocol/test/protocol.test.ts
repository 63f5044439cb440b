import fc from 'fast-check';
import { PROBLEMS, challengeOf, problemBody, readToken } from '@sessiond/protocol';

describe('readToken', () => {
  it.each([
    [{ x: 'abc' }, { kind: 'token', token: 'abc' }],
    [{ x: '"abc"' }, { kind: 'token', token: 'abc' }],
    [{ x: '  " abc "  ' }, { kind: 'token', token: 'abc' }],
    [{ bearer: 'Bearer abc' }, { kind: 'token', token: 'abc' }],
    [{ bearer: 'bearer   abc ' }, { kind: 'token', token: 'abc' }],
    [
      { x: 'abc', bearer: 'Bearer abc' },
      { kind: 'token', token: 'abc' },
    ],
    [{ x: 'abc', bearer: 'Bearer xyz' }, { kind: 'conflict' }],
    [{}, { kind: 'missing' }],
    [{ x: '""' }, { kind: 'missing' }],
    [{ bearer: 'Basic YTpi' }, { kind: 'missing' }],
    [{ bearer: 'Bearer a b' }, { kind: 'missing' }],
  ])('%j → %j', ({ x, bearer }: { x?: string; bearer?: string }, expected) => {
    expect(readToken(x, bearer)).toEqual(expected);
  });

  it('cuts anything longer than a token just past the longest token', () => {
    const parsed = readToken('x'.repeat(100_000), undefined);
    expect(parsed.kind === 'token' && parsed.token.length).toBe(129);
  });

  it('never throws, whatever the headers', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string({ maxLength: 400 })),
        fc.option(fc.string({ maxLength: 400 })),
        (x, b) => {
          const parsed = readToken(x ?? undefined, b ?? undefined);
          expect(['token', 'missing', 'conflict']).toContain(parsed.kind);
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('problems', () => {
  it('give every 401 a challenge and no other status one (RFC 9110 §11.6.1)', () => {
    for (const code of Object.keys(PROBLEMS) as (keyof typeof PROBLEMS)[]) {
      expect(challengeOf(code) !== undefined).toBe(PROBLEMS[code].status === 401);
    }
  });

  it('render RFC 9457 bodies with the code and the extension members', () => {
    expect(problemBody('session_limit_reached', 'd', { limit: 5 })).toEqual({
      type: 'urn:sessiond:problem:session_limit_reached',
      title: 'Session limit reached',
      status: 429,
      detail: 'd',
      code: 'session_limit_reached',
      limit: 5,
    });
  });
});
