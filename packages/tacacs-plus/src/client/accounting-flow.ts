import { AcctFlag, AcctStatus, AuthenMethod, AuthenService, Version } from '../constants';
import { decodeAcctReply } from '../bodies/acct-reply';
import { encodeAcctRequest } from '../bodies/acct-request';
import { TacacsProtocolError, TacacsServerError } from '../errors';
import type { SessionChannel } from './session';

export type AcctFlagName = 'start' | 'stop' | 'watchdog';

export interface AcctSpec {
  readonly flag: AcctFlagName;
  readonly username: string;
  readonly taskId: string;
  readonly port: string;
  readonly remAddr: string;
  readonly startTime?: Date | undefined;
  readonly stopTime?: Date | undefined;
  readonly elapsedSeconds?: number | undefined;
  /** More accounting arguments (RFC 8907 §8.3: timezone, bytes_in, …), sent before `service=shell`. */
  readonly acctArgs?: readonly string[] | undefined;
  /** Arguments after `service=shell` (priv-lvl, cmd, …). */
  readonly args: readonly string[];
  readonly privLvl: number;
  readonly authenType: number;
}

export type AcctOutcome =
  | { readonly status: 'pass'; readonly serverMsg: string }
  | { readonly status: 'fail'; readonly serverMsg: string; readonly reason: 'follow' };

const FLAG = { start: AcctFlag.START, stop: AcctFlag.STOP, watchdog: AcctFlag.WATCHDOG } as const;

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/**
 * RFC 8907 §8.3 accounting arguments (task_id, start_time / stop_time in epoch seconds, elapsed_time,
 * then any others), which must precede the authorization ones (`service=shell`, then `args`).
 */
export function accountingArgs(spec: AcctSpec): string[] {
  const args = [`task_id=${spec.taskId}`];
  if (spec.startTime !== undefined) args.push(`start_time=${epochSeconds(spec.startTime)}`);
  if (spec.stopTime !== undefined) args.push(`stop_time=${epochSeconds(spec.stopTime)}`);
  if (spec.elapsedSeconds !== undefined)
    args.push(`elapsed_time=${Math.max(0, Math.round(spec.elapsedSeconds))}`);
  args.push(...(spec.acctArgs ?? []), 'service=shell', ...spec.args);
  return args;
}

export function buildAcctRequest(spec: AcctSpec): Buffer {
  return encodeAcctRequest({
    flags: FLAG[spec.flag],
    authenMethod: AuthenMethod.TACACSPLUS,
    privLvl: spec.privLvl,
    authenType: spec.authenType,
    service: AuthenService.LOGIN,
    user: spec.username,
    port: spec.port,
    remAddr: spec.remAddr,
    args: accountingArgs(spec),
  });
}

export async function runAccounting(channel: SessionChannel, spec: AcctSpec): Promise<AcctOutcome> {
  const reply = await channel.exchange(Version.DEFAULT, buildAcctRequest(spec), decodeAcctReply);
  switch (reply.status) {
    case AcctStatus.SUCCESS:
      return { status: 'pass', serverMsg: reply.serverMsg };
    case AcctStatus.FOLLOW:
      return { status: 'fail', serverMsg: reply.serverMsg, reason: 'follow' };
    case AcctStatus.ERROR:
      throw new TacacsServerError(reply.serverMsg);
    default:
      throw new TacacsProtocolError('unexpected-status', `unknown accounting status ${reply.status}`);
  }
}
