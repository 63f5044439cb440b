import type { AaaMethodName, AaaStep, AaaUnavailable } from './types';

/** One command of a live session, as the method is asked about it. */
export interface CommandRequest {
  readonly username: string;
  /** The command line's words (the command and its arguments), as parseCommandLine split them. */
  readonly words: readonly string[];
  /** The session's priv-lvl: the level the command would run at. */
  readonly privLvl: number;
  /** The session's source address, sent as rem_addr. */
  readonly remAddr: string;
  readonly signal: AbortSignal;
}

export interface CommandPermit {
  readonly kind: 'permit';
  readonly method: AaaMethodName;
  readonly server: string;
  readonly steps: readonly AaaStep[];
}

export interface CommandDeny {
  readonly kind: 'deny';
  readonly method: AaaMethodName;
  readonly server: string;
  /** The server's message to the user, if any (TACACS+ server_msg). */
  readonly serverMsg: string;
  readonly steps: readonly AaaStep[];
}

/** Permit, deny, or no server could decide (never turned into either). */
export type CommandOutcome = CommandPermit | CommandDeny | AaaUnavailable;

/** A decided command, for its accounting record. */
export interface CommandRecord {
  readonly username: string;
  readonly words: readonly string[];
  readonly privLvl: number;
  readonly remAddr: string;
  /** A per-command id (the record's task_id). */
  readonly taskId: string;
  readonly permitted: boolean;
}

/**
 * What a method that authorizes commands offers (TACACS+: `aaa authorization commands` and
 * `aaa accounting commands` on Cisco). The method owns its connections; the /authorize route uses
 * only this.
 */
export interface CommandAuthorization {
  readonly method: AaaMethodName;
  /** Whether each decided command gets an accounting record (TACACS_ACCOUNTING). */
  readonly accounting: boolean;
  authorize(request: CommandRequest): Promise<CommandOutcome>;
  /**
   * Sends the command's accounting record; resolves with the outcome (`pass`, `fail`,
   * `unavailable`), never rejects for a server's failure.
   */
  account(record: CommandRecord, signal: AbortSignal): Promise<'pass' | 'fail' | 'unavailable'>;
}

/**
 * The command authorization POST /authorize uses: the first method in AAA_METHODS order that offers
 * one (Cisco `aaa authorization commands <lvl> default group tacacs+`), or none (the route answers
 * 501 command_authorization_unavailable).
 */
export function commandAuthorizationOf(
  methods: readonly { readonly commands?: CommandAuthorization }[],
): CommandAuthorization | undefined {
  return methods.find((method) => method.commands !== undefined)?.commands;
}
