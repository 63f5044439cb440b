import type { UsersDatabase } from '@sessiond/passwords';
import type { AccountingLog, AccountingRecord } from './accounting-log';
import type { CommandRules } from './command-rules';

export type RequestKind = 'authentication' | 'authorization' | 'accounting';

/** One line of the server's request log: never a password or key. */
export interface RequestLogEntry {
  readonly time: string;
  readonly remote: string;
  readonly kind: RequestKind;
  readonly username: string;
  /** pass, fail, error, abort, … */
  readonly result: string;
  readonly detail?: string;
}

export interface HandlerContext {
  readonly users: UsersDatabase;
  /** Per-user command rules (users without an entry may run every command). */
  readonly commands: ReadonlyMap<string, CommandRules>;
  readonly accountingLog: AccountingLog | undefined;
  readonly onAccounting: (record: AccountingRecord) => void;
}

/** A reply body (plain) and whether it ends the session; `log` is set when the session ends. */
export interface HandlerReply {
  readonly body: Buffer;
  readonly done: boolean;
  readonly result: string;
  readonly detail?: string;
  readonly username: string;
}
