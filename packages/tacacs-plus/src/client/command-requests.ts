import { randomUUID } from 'node:crypto';
import { PrivLevel } from '../constants';
import { TacacsConfigError } from '../errors';
import { buildAcctRequest, type AcctSpec } from './accounting-flow';
import type { AuthenTypeName } from './authenticate-flow';
import { argName, buildAuthorRequest, type AuthorSpec } from './authorize-flow';
import { accountedCommandArg, commandAuthorArgs, parseCommand, stringList } from './command';
import { authenTypeCode, requireUsername } from './requests';

export interface AuthorizeCommandRequest {
  readonly username: string;
  /** A whole command line (`'show running-config'`), or with `args` the command word alone. */
  readonly command: string;
  /** The command's arguments, each sent verbatim as one `cmd-arg` (spaces included). */
  readonly args?: readonly string[];
  readonly remAddr?: string;
  readonly port?: string;
  /** priv_lvl field of the request: the session's level (default 1). */
  readonly privLvl?: number;
  /** How the user authenticated (authen_type field, default 'pap'). */
  readonly authenType?: AuthenTypeName;
  readonly signal?: AbortSignal;
}

export interface CommandAccountingRequest {
  readonly username: string;
  /** A whole command line, or with `args` the command word alone. */
  readonly command: string;
  readonly args?: readonly string[];
  /** task_id of the record (default: a fresh UUID; a command record is its own task). */
  readonly taskId?: string;
  /** Sent as the priv_lvl field and as `priv-lvl=N` (default 1). */
  readonly privLvl?: number;
  readonly remAddr?: string;
  readonly port?: string;
  readonly authenType?: AuthenTypeName;
  /**
   * More arguments. RFC 8907 §8.3 accounting ones (timezone, bytes_in, …) are sent with task_id
   * before `service=shell`; any others after `cmd`.
   */
  readonly extraArgs?: readonly string[];
  readonly signal?: AbortSignal;
}

/** RFC 8907 §8.3: arguments defined for accounting only, which must precede the authorization ones. */
const ACCOUNTING_ARG_NAMES: ReadonlySet<string> = new Set([
  'task_id',
  'start_time',
  'stop_time',
  'elapsed_time',
  'timezone',
  'event',
  'reason',
  'bytes',
  'bytes_in',
  'bytes_out',
  'paks',
  'paks_in',
  'paks_out',
  'status',
  'err_msg',
]);

/** Fields set by accountCommand itself: an extra argument may not send them a second time. */
const OWN_ARG_NAMES: ReadonlySet<string> = new Set(['task_id', 'elapsed_time', 'service', 'priv-lvl', 'cmd']);

function privLevel(value: number | undefined): number {
  const level = value ?? PrivLevel.USER;
  if (!Number.isInteger(level) || level < PrivLevel.MIN || level > PrivLevel.MAX) {
    throw new TacacsConfigError(`privLvl must be an integer from ${PrivLevel.MIN} to ${PrivLevel.MAX}`);
  }
  return level;
}

/** Validates a command authorization request (throws before any server is contacted). */
export function commandAuthorSpec(request: AuthorizeCommandRequest): AuthorSpec {
  requireUsername(request.username);
  const spec: AuthorSpec = {
    username: request.username,
    port: request.port ?? '',
    remAddr: request.remAddr ?? '',
    args: commandAuthorArgs(parseCommand(request.command, request.args)),
    privLvl: privLevel(request.privLvl),
    authenType: authenTypeCode(request.authenType),
  };
  buildAuthorRequest(spec);
  return spec;
}

/**
 * A command accounting record as Cisco IOS sends one per command: a STOP with task_id,
 * elapsed_time=0, service=shell, priv-lvl=N and `cmd=<line> <cr>`.
 */
export function commandAcctSpec(request: CommandAccountingRequest): AcctSpec {
  requireUsername(request.username);
  const command = parseCommand(request.command, request.args);
  const taskId = request.taskId ?? randomUUID();
  if (typeof taskId !== 'string' || taskId === '') {
    throw new TacacsConfigError('taskId must be a non-empty string');
  }
  const extra = request.extraArgs === undefined ? [] : stringList(request.extraArgs, 'extraArgs');
  const own = extra.find((arg) => OWN_ARG_NAMES.has(argName(arg)));
  if (own !== undefined) throw new TacacsConfigError(`extraArgs must not set ${argName(own)}`);
  const privLvl = privLevel(request.privLvl);
  const spec: AcctSpec = {
    flag: 'stop',
    username: request.username,
    taskId,
    port: request.port ?? '',
    remAddr: request.remAddr ?? '',
    elapsedSeconds: 0,
    acctArgs: extra.filter((arg) => ACCOUNTING_ARG_NAMES.has(argName(arg))),
    args: [
      `priv-lvl=${privLvl}`,
      accountedCommandArg(command),
      ...extra.filter((arg) => !ACCOUNTING_ARG_NAMES.has(argName(arg))),
    ],
    privLvl,
    authenType: authenTypeCode(request.authenType),
  };
  buildAcctRequest(spec);
  return spec;
}
