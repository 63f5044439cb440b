import fc from 'fast-check';
import { iso } from '../src/http/cisco';

// cisco.ts formats times itself (a cached minute prefix): it must write what toISOString writes.
describe('iso', () => {
  it('writes what Date#toISOString writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8.64e15 }), (ms) => iso(ms) === new Date(ms).toISOString()),
      { numRuns: 20_000 },
    );
    const now = Date.now();
    for (let ms = now - 120_000; ms < now + 120_000; ms += 997)
      expect(iso(ms)).toBe(new Date(ms).toISOString());
    for (const ms of [0, 1, 999, 1000, 59_999, 60_000, 8.64e15, 253_402_300_799_999, 253_402_300_800_000])
      expect(iso(ms)).toBe(new Date(ms).toISOString());
  });

  it('leaves what it does not cache to toISOString, errors included', () => {
    for (const ms of [-1, -60_001, 1.5, 8.64e15 - 0.5]) expect(iso(ms)).toBe(new Date(ms).toISOString());
    expect(() => iso(Number.NaN)).toThrow(RangeError);
    expect(() => iso(8.64e15 + 1)).toThrow(RangeError);
  });
});
