import { randomBytes } from 'node:crypto';
import { AuthenType, PrivLevel } from '../constants';
import { TacacsConfigError } from '../errors';
import { buildAcctRequest, type AcctFlagName, type AcctSpec } from './accounting-flow';
import { buildAuthenStart, type AuthenSpec, type AuthenTypeName } from './authenticate-flow';
import { authorArgs, buildAuthorRequest, type AuthorSpec } from './authorize-flow';

export interface AuthenticateRequest {
  readonly username: string;
  readonly password: string;
  /** Default 'pap'. */
  readonly type?: AuthenTypeName;
  /** The client's address, sent as rem_addr (e.g. the HTTP client's IP). */
  readonly remAddr?: string;
  /** Sent as port (e.g. the service name). */
  readonly port?: string;
  /** priv_lvl of the START packet (default 1). */
  readonly privLvl?: number;
  /** Overall deadline for the whole server list. */
  readonly signal?: AbortSignal;
}

export interface AuthorizeRequest {
  readonly username: string;
  readonly remAddr?: string;
  readonly port?: string;
  /**
   * Arguments in your order, after `service=shell` (unless you send a `service`) and after `cmd=`
   * (unless you send a `cmd`). For commands prefer `authorizeCommand`.
   */
  readonly args?: readonly string[];
  /** How the user authenticated (authen_type field, default 'pap'). */
  readonly authenType?: AuthenTypeName;
  readonly privLvl?: number;
  readonly signal?: AbortSignal;
}

export interface AccountingRequest {
  readonly flag: AcctFlagName;
  readonly username: string;
  readonly taskId: string;
  readonly remAddr?: string;
  readonly port?: string;
  readonly startTime?: Date;
  readonly stopTime?: Date;
  readonly elapsedSeconds?: number;
  readonly args?: readonly string[];
  readonly authenType?: AuthenTypeName;
  readonly privLvl?: number;
  readonly signal?: AbortSignal;
}

const AUTHEN_TYPE_CODE = { pap: AuthenType.PAP, ascii: AuthenType.ASCII, chap: AuthenType.CHAP } as const;

export function requireUsername(username: unknown): void {
  if (typeof username !== 'string' || username === '') {
    throw new TacacsConfigError('username must be a non-empty string');
  }
}

export function authenTypeCode(type: AuthenTypeName | undefined): number {
  const code = AUTHEN_TYPE_CODE[type ?? 'pap'] as number | undefined;
  if (code === undefined) throw new TacacsConfigError(`unknown authentication type ${String(type)}`);
  return code;
}

/**
 * Validates a request and applies defaults. Every field limit (255 bytes, …) is checked here by
 * encoding the first packet once, so an invalid request throws before any server is contacted.
 */
export function authenSpec(request: AuthenticateRequest): AuthenSpec {
  requireUsername(request.username);
  if (typeof request.password !== 'string') throw new TacacsConfigError('password must be a string');
  authenTypeCode(request.type);
  const spec: AuthenSpec = {
    username: request.username,
    password: request.password,
    type: request.type ?? 'pap',
    port: request.port ?? '',
    remAddr: request.remAddr ?? '',
    privLvl: request.privLvl ?? PrivLevel.USER,
  };
  buildAuthenStart(spec, randomBytes);
  return spec;
}

export function authorSpec(request: AuthorizeRequest): AuthorSpec {
  requireUsername(request.username);
  if (request.args !== undefined && !Array.isArray(request.args)) {
    throw new TacacsConfigError('args must be an array of strings');
  }
  const spec: AuthorSpec = {
    username: request.username,
    port: request.port ?? '',
    remAddr: request.remAddr ?? '',
    args: authorArgs(request.args ?? []),
    privLvl: request.privLvl ?? PrivLevel.USER,
    authenType: authenTypeCode(request.authenType),
  };
  buildAuthorRequest(spec);
  return spec;
}

export function acctSpec(request: AccountingRequest): AcctSpec {
  requireUsername(request.username);
  if (!['start', 'stop', 'watchdog'].includes(request.flag)) {
    throw new TacacsConfigError(`unknown accounting flag ${String(request.flag)}`);
  }
  if (typeof request.taskId !== 'string' || request.taskId === '') {
    throw new TacacsConfigError('taskId must be a non-empty string');
  }
  const spec: AcctSpec = {
    flag: request.flag,
    username: request.username,
    taskId: request.taskId,
    port: request.port ?? '',
    remAddr: request.remAddr ?? '',
    startTime: request.startTime,
    stopTime: request.stopTime,
    elapsedSeconds: request.elapsedSeconds,
    args: request.args ?? [],
    privLvl: request.privLvl ?? PrivLevel.USER,
    authenType: authenTypeCode(request.authenType),
  };
  buildAcctRequest(spec);
  return spec;
}
