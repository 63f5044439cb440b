import { AuthenMethod, AuthenService, AuthorStatus, PrivLevel, Version } from '../constants';
import { decodeAuthorResponse } from '../bodies/author-response';
import { encodeAuthorRequest } from '../bodies/author-request';
import { TacacsConfigError, TacacsProtocolError, TacacsServerError } from '../errors';
import { ShellArg } from './command';
import type { SessionChannel } from './session';

export interface AuthorSpec {
  readonly username: string;
  readonly port: string;
  readonly remAddr: string;
  /** The arguments exactly as sent (see authorArgs and commandAuthorArgs). */
  readonly args: readonly string[];
  readonly privLvl: number;
  readonly authenType: number;
}

export type AuthorOutcome =
  | {
      readonly status: 'pass';
      readonly serverMsg: string;
      /** From the server's arguments only; a missing or invalid priv-lvl is 0, never a pass at a higher level. */
      readonly privLvl: number;
      /** PASS_ADD: request arguments plus the server's; PASS_REPL: the server's only (RFC 8907 §6.2). */
      readonly args: readonly string[];
      readonly replaced: boolean;
    }
  | { readonly status: 'fail'; readonly serverMsg: string; readonly reason: 'fail' | 'follow' };

/** The attribute of a `name=value` / `name*value` argument (the whole string when it has neither). */
export function argName(arg: string): string {
  const at = arg.search(/[=*]/);
  return at < 0 ? arg : arg.slice(0, at);
}

/**
 * The arguments of `authorize({ args })`, the caller's in the caller's order (RFC 8907 §8.2: `cmd*`
 * and `cmd-arg*` as the NAS sends them). `service=shell` comes first unless the caller names a
 * service; `cmd=` is added only when the caller sends no `cmd`: without args this is the login
 * (priv-lvl) authorization `service=shell cmd=`, since some servers answer ERROR to `service=shell`
 * alone (tacacs.md). `cmd-arg` without `cmd` is refused (§8.2: `cmd` is required with `service=shell`).
 */
export function authorArgs(extra: readonly string[]): string[] {
  const names = new Set(extra.map(argName));
  if (names.has('service')) return [...extra];
  if (names.has('cmd-arg') && !names.has('cmd')) {
    throw new TacacsConfigError('args with cmd-arg must also carry cmd (RFC 8907 §8.2)');
  }
  return names.has('cmd') ? [ShellArg.SERVICE, ...extra] : [ShellArg.SERVICE, ShellArg.CMD, ...extra];
}

export function buildAuthorRequest(spec: AuthorSpec): Buffer {
  return encodeAuthorRequest({
    authenMethod: AuthenMethod.TACACSPLUS,
    privLvl: spec.privLvl,
    authenType: spec.authenType,
    service: AuthenService.LOGIN,
    user: spec.username,
    port: spec.port,
    remAddr: spec.remAddr,
    args: spec.args,
  });
}

/** Reads `priv-lvl=N` or `priv-lvl*N` (the last one wins); 0 when absent or not an integer 0..15. */
export function privLevelOf(args: readonly string[]): number {
  let level: number = PrivLevel.MIN;
  for (const arg of args) {
    const match = /^priv-lvl[=*](\d{1,2})$/.exec(arg);
    if (match === null) {
      if (/^priv-lvl[=*]/.test(arg)) level = PrivLevel.MIN;
      continue;
    }
    const value = Number(match[1]);
    level = value <= PrivLevel.MAX ? value : PrivLevel.MIN;
  }
  return level;
}

export async function runAuthorization(channel: SessionChannel, spec: AuthorSpec): Promise<AuthorOutcome> {
  const reply = await channel.exchange(Version.DEFAULT, buildAuthorRequest(spec), decodeAuthorResponse);
  switch (reply.status) {
    case AuthorStatus.PASS_ADD:
    case AuthorStatus.PASS_REPL: {
      const replaced = reply.status === AuthorStatus.PASS_REPL;
      return {
        status: 'pass',
        serverMsg: reply.serverMsg,
        privLvl: privLevelOf(reply.args),
        args: replaced ? [...reply.args] : [...spec.args, ...reply.args],
        replaced,
      };
    }
    case AuthorStatus.FAIL:
      return { status: 'fail', serverMsg: reply.serverMsg, reason: 'fail' };
    case AuthorStatus.FOLLOW:
      return { status: 'fail', serverMsg: reply.serverMsg, reason: 'follow' };
    case AuthorStatus.ERROR:
      throw new TacacsServerError(reply.serverMsg);
    default:
      throw new TacacsProtocolError('unexpected-status', `unknown authorization status ${reply.status}`);
  }
}
