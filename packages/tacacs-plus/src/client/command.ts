import { MAX_ARG_COUNT, MAX_SHORT_FIELD } from '../constants';
import { TacacsConfigError } from '../errors';

/**
 * RFC 8907 §8.2 shell command arguments: `service=shell`, then `cmd=<command word>`, then one
 * `cmd-arg=<word>` per further word, in the order the words were typed (Cisco IOS sends them so, and
 * servers such as tac_plus rebuild the command line from that order to match their rules).
 */
export const ShellArg = {
  SERVICE: 'service=shell',
  CMD: 'cmd=',
  CMD_ARG: 'cmd-arg=',
} as const;

/** What Cisco IOS appends to an accounted command line (`cmd=show version <cr>`): its end-of-line token. */
export const CR_TOKEN = '<cr>';

/** Every argument is one field with a one-byte length (RFC 8907 §6.1): these limits follow from it. */
export const COMMAND_LIMITS = {
  /** Bytes of the command word (255 − `cmd=`). */
  maxCommandBytes: MAX_SHORT_FIELD - ShellArg.CMD.length,
  /** Bytes of each further word (255 − `cmd-arg=`). */
  maxArgBytes: MAX_SHORT_FIELD - ShellArg.CMD_ARG.length,
  /** Further words: arg_cnt is one byte and `service` and `cmd` take two. */
  maxArgs: MAX_ARG_COUNT - 2,
  /** Bytes of the whole line in a command accounting record (255 − `cmd=` − ` <cr>`). */
  maxAccountedLineBytes: MAX_SHORT_FIELD - ShellArg.CMD.length - ` ${CR_TOKEN}`.length,
} as const;

/** A command split into its word and arguments; `line` is them joined by single spaces. */
export interface ParsedCommand {
  readonly cmd: string;
  readonly cmdArgs: readonly string[];
  readonly line: string;
}

// C0 controls and DEL, except tab (a word separator): a newline in a command would forge log lines.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
const WHITESPACE = /[ \t]+/;

const isList = (value: unknown): value is readonly unknown[] => Array.isArray(value);

/** Checks that `value` is an array of non-empty strings (`what` names it in the error). */
export function stringList(value: unknown, what: string): readonly string[] {
  if (!isList(value)) throw new TacacsConfigError(`${what} must be an array of strings`);
  value.forEach((item, index) => {
    if (typeof item !== 'string' || item === '') {
      throw new TacacsConfigError(`${what}[${index}] must be a non-empty string`);
    }
  });
  return value as readonly string[];
}

function checkWord(word: string, what: string, maxBytes: number): void {
  if (CONTROL.test(word)) throw new TacacsConfigError(`${what} must not contain control characters`);
  const bytes = Buffer.byteLength(word, 'utf8');
  if (bytes > maxBytes) {
    throw new TacacsConfigError(`${what} is ${bytes} bytes, a TACACS+ argument leaves room for ${maxBytes}`);
  }
}

/**
 * Validates a command: a whole line (`'show running-config'`, split at spaces and tabs), or with
 * `args` the command word alone plus its arguments (each sent verbatim, spaces included). Throws
 * TacacsConfigError (empty command, control characters, a word or too many words for one packet).
 */
export function parseCommand(command: unknown, args?: unknown): ParsedCommand {
  if (typeof command !== 'string' || command.trim() === '') {
    throw new TacacsConfigError('command must be a non-empty string');
  }
  const list = args === undefined ? [] : stringList(args, 'args');
  const words = command.trim().split(WHITESPACE);
  if (list.length > 0 && words.length > 1) {
    throw new TacacsConfigError('with args, command must be the command word alone');
  }
  const [cmd = '', ...rest] = words;
  const cmdArgs = list.length === 0 ? rest : list;
  checkWord(cmd, 'the command word', COMMAND_LIMITS.maxCommandBytes);
  if (cmdArgs.length > COMMAND_LIMITS.maxArgs) {
    throw new TacacsConfigError(`a command has at most ${COMMAND_LIMITS.maxArgs} arguments`);
  }
  cmdArgs.forEach((arg, index) =>
    checkWord(arg, `command argument ${index + 1}`, COMMAND_LIMITS.maxArgBytes),
  );
  return { cmd, cmdArgs, line: [cmd, ...cmdArgs].join(' ') };
}

/** The authorization arguments of a command, in wire order (RFC 8907 §8.2). */
export function commandAuthorArgs(command: ParsedCommand): string[] {
  return [
    ShellArg.SERVICE,
    `${ShellArg.CMD}${command.cmd}`,
    ...command.cmdArgs.map((arg) => `${ShellArg.CMD_ARG}${arg}`),
  ];
}

/** `cmd=<line> <cr>` of a command accounting record, as IOS writes it; throws when it cannot fit. */
export function accountedCommandArg(command: ParsedCommand): string {
  const bytes = Buffer.byteLength(command.line, 'utf8');
  if (bytes > COMMAND_LIMITS.maxAccountedLineBytes) {
    throw new TacacsConfigError(
      `the command line is ${bytes} bytes, an accounting record holds at most ${COMMAND_LIMITS.maxAccountedLineBytes}`,
    );
  }
  return `${ShellArg.CMD}${command.line} ${CR_TOKEN}`;
}
