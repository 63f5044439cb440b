import fc from 'fast-check';
import type { SessionDescriptor } from '@sessiond/session-store';
import { introspectionBody, sessionItem } from '../src/http/cisco';
import { introspectionJson, sessionItemJson } from '../src/http/hot-json';

// The hand-written JSON of the hot answers must be byte for byte what JSON.stringify writes of the
// objects the rest of the service builds (the OpenAPI checks and the listings use those).

const text = fc.string({ unit: 'binary', maxLength: 80 });
const time = fc.integer({ min: 0, max: 4_102_444_800_000 });
const session: fc.Arbitrary<SessionDescriptor> = fc.record({
  sessionId: text,
  username: text,
  privLvl: fc.integer({ min: 0, max: 15 }),
  aaa: text,
  sourceIp: text,
  userAgent: text,
  createdAtMs: time,
  lastAccessAtMs: time,
  expiresAtMs: time,
  absoluteExpiresAtMs: time,
  idleTimeoutMs: fc.integer({ min: 1000, max: 31_536_000_000 }),
});

describe('hot answers as JSON text', () => {
  it('a session item: what JSON.stringify(sessionItem(…)) writes, current or not', () => {
    fc.assert(
      fc.property(session, text, text, fc.boolean(), (s, baseUrl, token, isCurrent) => {
        const current = { session: { sessionId: isCurrent ? s.sessionId : `${s.sessionId}x` }, token };
        for (const c of [current, undefined])
          expect(sessionItemJson(s, baseUrl, c)).toBe(JSON.stringify(sessionItem(s, baseUrl, c)));
      }),
      { numRuns: 5000 },
    );
  });

  it('an introspection answer: what JSON.stringify(introspectionBody(…)) writes', () => {
    fc.assert(
      fc.property(session, (s) => {
        expect(introspectionJson(s)).toBe(JSON.stringify(introspectionBody(s)));
      }),
      { numRuns: 5000 },
    );
  });
});
