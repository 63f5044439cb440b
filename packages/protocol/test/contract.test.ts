import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  CLIENT_PROBLEM_CODES,
  MAX_TOKEN_LENGTH,
  PROBLEMS,
  SERVER_PROBLEM_CODES,
  SESSION_ID_LENGTH,
  SESSION_PATH,
  TOKEN_FORMAT,
  TOKEN_SERVICES_PATH,
  USER_SESSIONS_PATH,
  formatSessionId,
  formatToken,
  parseSessionId,
  parseToken,
  pathBuilder,
  pathOf,
  routePattern,
} from '@sessiond/protocol';

describe('the token format', () => {
  const sessionId = formatSessionId(
    35,
    'A'.repeat(TOKEN_FORMAT.tagLength),
    'b'.repeat(TOKEN_FORMAT.lidLength),
  );
  const secret = 'c'.repeat(TOKEN_FORMAT.secretLength);

  it('round-trips a session id and a token', () => {
    expect(sessionId).toBe(`0z${'A'.repeat(11)}${'b'.repeat(8)}`);
    expect(sessionId).toHaveLength(SESSION_ID_LENGTH);
    expect(parseSessionId(sessionId)).toEqual({
      bucket: 35,
      tag: 'A'.repeat(11),
      lid: 'b'.repeat(8),
      sessionId,
    });
    const token = formatToken(sessionId, secret);
    expect(token).toBe(`sd1.${sessionId}.${secret}`);
    expect(parseToken(token)).toEqual({ ref: parseSessionId(sessionId), secret });
  });

  it('fits MAX_TOKEN_LENGTH, which headers are cut just past', () => {
    expect(formatToken(sessionId, secret).length).toBeLessThanOrEqual(MAX_TOKEN_LENGTH);
  });

  it('parses nothing but well-formed tokens, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (input) => {
        const parsed = parseToken(input);
        if (parsed !== undefined) expect(formatToken(parsed.ref.sessionId, parsed.secret)).toBe(input);
      }),
      { numRuns: 2000 },
    );
    expect(parseToken(`sd1.${'a'.repeat(21)}.${'b'.repeat(42)}`)).toBeUndefined();
    expect(parseToken(`sd2.${'a'.repeat(21)}.${'b'.repeat(43)}`)).toBeUndefined();
    expect(parseToken(`sd1.${'A'.repeat(21)}.${'b'.repeat(43)}`)).toBeUndefined(); // bucket is lower-case base 36
    expect(parseToken(`sd1.${'a'.repeat(21)}.${'b'.repeat(43)}${' '.repeat(100)}`)).toBeUndefined();
  });
});

describe('route paths', () => {
  it('fill templates with each value encoded as one segment', () => {
    expect(pathOf(SESSION_PATH, { sessionId: 'ab/c d' })).toBe(`${TOKEN_SERVICES_PATH}/ab%2Fc%20d`);
    expect(pathOf(USER_SESSIONS_PATH, { username: 'alice' })).toBe('/api/v1/auth/users/alice/sessions');
    expect(pathOf(TOKEN_SERVICES_PATH, {})).toBe('/api/v1/auth/token-services');
    const sessionPath = pathBuilder(SESSION_PATH);
    expect(sessionPath({ sessionId: 'x' })).toBe(`${TOKEN_SERVICES_PATH}/x`);
    expect(sessionPath({ sessionId: 'ab/c d' })).toBe(`${TOKEN_SERVICES_PATH}/ab%2Fc%20d`);
  });

  it('turn templates into :name route patterns', () => {
    expect(routePattern(SESSION_PATH)).toBe('/api/v1/auth/token-services/:sessionId');
    expect(routePattern(USER_SESSIONS_PATH)).toBe('/api/v1/auth/users/:username/sessions');
  });
});

describe('problem codes', () => {
  it('split into the auth-api’s and the client’s own, covering every code once', () => {
    expect([...SERVER_PROBLEM_CODES, ...CLIENT_PROBLEM_CODES].sort()).toEqual(Object.keys(PROBLEMS).sort());
    expect(SERVER_PROBLEM_CODES).not.toContain('sessiond_unavailable');
  });
});

describe('the package', () => {
  // style.md: @sessiond/protocol is a leaf; a service that only presents or introspects tokens
  // installs it without Redis, ioredis or anything else of ours.
  it('is a leaf: no dependency, and its sources import only each other and node:', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest['dependencies']).toBeUndefined();
    expect(manifest['peerDependencies']).toBeUndefined();
    const src = join(__dirname, '..', 'src');
    for (const file of readdirSync(src)) {
      const imports = [...readFileSync(join(src, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      for (const specifier of imports) expect(specifier).toMatch(/^(\.\/|node:)/);
    }
  });
});
