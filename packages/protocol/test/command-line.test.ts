import fc from 'fast-check';
import { COMMAND_LINE_LIMITS, parseCommandLine } from '@sessiond/protocol';

describe('parseCommandLine', () => {
  it('splits a line into words at runs of spaces and joins them back with one', () => {
    expect(parseCommandLine('  show   running-config  ')).toEqual({
      kind: 'command',
      line: 'show running-config',
      words: ['show', 'running-config'],
    });
  });

  it('refuses what one TACACS+ request cannot carry, saying why', () => {
    const reason = (command: string): string => {
      const parsed = parseCommandLine(command);
      return parsed.kind === 'invalid' ? parsed.reason : 'accepted';
    };
    expect(reason('   ')).toMatch(/empty/);
    expect(reason('show\tversion')).toMatch(/control characters/);
    expect(reason('show version\r\n')).toMatch(/control characters/);
    expect(reason('show \ud800')).toMatch(/lone surrogates/);
    expect(reason('x'.repeat(COMMAND_LINE_LIMITS.maxBytes + 1))).toMatch(/over 1024 bytes/);
    expect(
      reason(
        Array(COMMAND_LINE_LIMITS.maxWords + 1)
          .fill('a')
          .join(' '),
      ),
    ).toMatch(/over 250 words/);
    expect(reason(Array(COMMAND_LINE_LIMITS.maxWords).fill('a').join(' '))).toBe('accepted');
    expect(reason(`show ${'é'.repeat(124)}`)).toMatch(/over 247 bytes/);
    expect(reason(`show ${'é'.repeat(123)}x`)).toBe('accepted');
  });

  it('never throws, and what it accepts fits the limits', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 1200, unit: 'binary' }), (input) => {
        const parsed = parseCommandLine(input);
        if (parsed.kind === 'invalid') return;
        expect(Buffer.byteLength(parsed.line)).toBeLessThanOrEqual(COMMAND_LINE_LIMITS.maxBytes);
        expect(parsed.words.length).toBeLessThanOrEqual(COMMAND_LINE_LIMITS.maxWords);
        for (const word of parsed.words) {
          expect(word).not.toBe('');
          expect(Buffer.byteLength(word)).toBeLessThanOrEqual(COMMAND_LINE_LIMITS.maxWordBytes);
        }
        expect(parseCommandLine(parsed.line)).toEqual(parsed);
      }),
      { numRuns: 1000 },
    );
  });
});
