// The command lines POST /api/v1/auth/authorize accepts (issue 13). The bounds come from the wire:
// TACACS+ carries each argument in at most 255 bytes and at most 255 arguments in a request
// (RFC 8907 §6.1: one-octet lengths and count). A command goes out as `service=shell`, `cmd=<word>`
// and one `cmd-arg=<word>` per further word, so a word fits in 255 - 'cmd-arg='.length bytes.

/** The limits of a command line, checked before anything is asked of TACACS+. */
export const COMMAND_LINE_LIMITS = {
  /** The whole line, in UTF-8 bytes. */
  maxBytes: 1024,
  /** Words (the command and its arguments); leaves room for `service=shell` and any the client adds. */
  maxWords: 250,
  /** One word, in UTF-8 bytes: what fits after `cmd-arg=` in one TACACS+ argument. */
  maxWordBytes: 247,
} as const;

/** `code` of a 200 answer whose command TACACS+ refused (token refusals use the token routes' codes). */
export const COMMAND_DENIED = 'command_denied';

export type CommandLineParse =
  | { readonly kind: 'command'; readonly line: string; readonly words: readonly string[] }
  | { readonly kind: 'invalid'; readonly reason: string };

// Control characters (tabs and newlines included: words are separated by spaces) and lone
// surrogates, which UTF-8 cannot carry.
const UNPRINTABLE = /[\p{Cc}\p{Cs}]/u;

/**
 * Checks a command line and splits it into words at runs of spaces (leading and trailing spaces
 * ignored): `line` is the words joined by single spaces, what is authorized, cached and accounted.
 */
export function parseCommandLine(command: string): CommandLineParse {
  if (Buffer.byteLength(command, 'utf8') > COMMAND_LINE_LIMITS.maxBytes)
    return { kind: 'invalid', reason: `"command" is over ${COMMAND_LINE_LIMITS.maxBytes} bytes` };
  if (UNPRINTABLE.test(command))
    return {
      kind: 'invalid',
      reason: '"command" must be printable text: no control characters (tabs, newlines) or lone surrogates',
    };
  const words = command.split(' ').filter((word) => word !== '');
  if (words.length === 0) return { kind: 'invalid', reason: '"command" is empty' };
  if (words.length > COMMAND_LINE_LIMITS.maxWords)
    return { kind: 'invalid', reason: `"command" has over ${COMMAND_LINE_LIMITS.maxWords} words` };
  if (words.some((word) => Buffer.byteLength(word, 'utf8') > COMMAND_LINE_LIMITS.maxWordBytes))
    return {
      kind: 'invalid',
      reason: `a word of "command" is over ${COMMAND_LINE_LIMITS.maxWordBytes} bytes (a TACACS+ argument's limit)`,
    };
  return { kind: 'command', line: words.join(' '), words };
}
