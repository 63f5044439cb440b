import { AcctFlag, type AcctRequest, AcctStatus, encodeAcctReply, Version } from '@sessiond/tacacs-plus';
import { argsToObject, type AccountingRecord } from './accounting-log';
import type { HandlerContext, HandlerReply } from './handler-types';

function flagName(flags: number): AccountingRecord['flag'] {
  const start = (flags & AcctFlag.START) !== 0;
  const stop = (flags & AcctFlag.STOP) !== 0;
  const watchdog = (flags & AcctFlag.WATCHDOG) !== 0;
  if (start && !stop && !watchdog) return 'start';
  if (stop && !start && !watchdog) return 'stop';
  if (watchdog && !start && !stop) return 'watchdog';
  if (watchdog && start && !stop) return 'start+watchdog';
  return 'unknown';
}

/** Accounting: one JSON line per request, SUCCESS once written, ERROR when the flags or the write fail. */
export async function handleAccounting(
  context: HandlerContext,
  body: AcctRequest,
  version: number,
): Promise<HandlerReply> {
  const username = body.user;
  const error = (serverMsg: string): HandlerReply => ({
    body: encodeAcctReply({ status: AcctStatus.ERROR, serverMsg }),
    done: true,
    result: 'error',
    username,
    detail: serverMsg,
  });
  if (version !== Version.DEFAULT) return error('wrong minor version');
  const flag = flagName(body.flags);
  // RFC 8907 §7.1: STOP together with START or WATCHDOG is invalid.
  if (flag === 'unknown') return error('invalid accounting flags');
  const record: AccountingRecord = {
    time: new Date().toISOString(),
    flag,
    username,
    port: body.port,
    remAddr: body.remAddr,
    privLvl: body.privLvl,
    args: argsToObject(body.args),
  };
  try {
    await context.accountingLog?.append(record);
  } catch {
    return error('accounting record could not be written');
  }
  context.onAccounting(record);
  return {
    body: encodeAcctReply({ status: AcctStatus.SUCCESS }),
    done: true,
    result: 'pass',
    username,
    detail: flag,
  };
}
