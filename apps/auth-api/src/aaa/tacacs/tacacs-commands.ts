import { COMMAND_LIMITS, type TacacsClient, type TacacsUnavailable } from '@sessiond/tacacs-plus';
import type { CommandAuthorization, CommandOutcome, CommandRecord, CommandRequest } from '../commands';
import type { AaaUnavailable } from '../types';
import type { TacacsSettings } from './settings';

/** The accounting argument that marks a command TACACS+ refused (README, "Command authorization"). */
export const DENIED_ARG = 'cmd-denied=true';
/**
 * The argument that marks a command line cut to fit its accounting record: `cmd=<line> <cr>` is one
 * TACACS+ argument (255 bytes), while /authorize accepts lines up to 1 KiB.
 */
export const TRUNCATED_ARG = 'cmd-truncated=true';

/**
 * TACACS+ command authorization (RFC 8907 §6: `service=shell`, `cmd=<word>`, `cmd-arg=<word>`…, at
 * the session's priv-lvl) and command accounting (§7: a STOP record per command, as IOS sends with
 * `aaa accounting commands`). PASS_ADD and PASS_REPL both permit; FAIL (and anything the client ends
 * as a FAIL) denies; no answer is `unavailable`, which the route reports as such.
 */
export class TacacsCommands implements CommandAuthorization {
  readonly accounting: boolean;

  constructor(
    readonly method: string,
    private readonly client: TacacsClient,
    private readonly settings: TacacsSettings,
    /** The method's own mapping of an unanswered request (tacacs-method.ts). */
    private readonly unavailable: (result: TacacsUnavailable) => AaaUnavailable,
  ) {
    this.accounting = settings.accounting;
  }

  async authorize({ username, words, privLvl, remAddr, signal }: CommandRequest): Promise<CommandOutcome> {
    const [command = '', ...args] = words;
    const started = performance.now();
    const result = await this.client.authorizeCommand({
      username,
      command,
      args,
      privLvl,
      remAddr,
      port: this.settings.portName,
      authenType: this.settings.authType,
      signal,
    });
    if (result.status === 'unavailable') return this.unavailable(result);
    const ms = Math.round((performance.now() - started) * 10) / 10;
    const step = {
      method: this.method,
      server: result.server,
      result: result.status === 'pass' ? ('pass' as const) : ('reject' as const),
      ms,
    };
    return result.status === 'pass'
      ? { kind: 'permit', method: this.method, server: result.server, steps: [step] }
      : {
          kind: 'deny',
          method: this.method,
          server: result.server,
          serverMsg: result.serverMsg,
          steps: [step],
        };
  }

  async account(record: CommandRecord, signal: AbortSignal): Promise<'pass' | 'fail' | 'unavailable'> {
    const line = record.words.join(' ');
    const fitted = fitBytes(line, COMMAND_LIMITS.maxAccountedLineBytes);
    const extraArgs = [
      ...(record.permitted ? [] : [DENIED_ARG]),
      ...(fitted.length < line.length ? [TRUNCATED_ARG] : []),
    ];
    const result = await this.client.accountCommand({
      username: record.username,
      command: fitted,
      taskId: record.taskId,
      privLvl: record.privLvl,
      remAddr: record.remAddr,
      port: this.settings.portName,
      authenType: this.settings.authType,
      ...(extraArgs.length > 0 ? { extraArgs } : {}),
      signal,
    });
    return result.status;
  }
}

/** The longest start of `text` (whole characters, no trailing space) of at most `maxBytes` in UTF-8. */
function fitBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char, 'utf8');
    if (bytes > maxBytes) break;
    end += char.length;
  }
  return text.slice(0, end).trimEnd();
}
