import {
  AuthenAction,
  type AuthenContinue,
  AuthenContinueFlag,
  AuthenReplyFlag,
  type AuthenStart,
  AuthenStatus,
  AuthenType,
  encodeAuthenReply,
  Version,
} from '@sessiond/tacacs-plus';
import { checkChap, checkPassword } from './credentials';
import type { HandlerContext, HandlerReply } from './handler-types';

/** Minor version each START must carry, as real servers enforce it (tacacs.md; RFC 8907 §5.4.1). */
const REQUIRED_VERSION: Readonly<Record<number, number>> = {
  [AuthenType.ASCII]: Version.DEFAULT,
  [AuthenType.PAP]: Version.ONE,
  [AuthenType.CHAP]: Version.ONE,
};

const reply = (
  status: number,
  username: string,
  result: string,
  options: { serverMsg?: string; flags?: number; done?: boolean; detail?: string } = {},
): HandlerReply => ({
  body: encodeAuthenReply({ status, flags: options.flags ?? 0, serverMsg: options.serverMsg ?? '' }),
  done: options.done ?? true,
  result,
  username,
  ...(options.detail !== undefined ? { detail: options.detail } : {}),
});

/**
 * Server side of one authentication session: PAP and CHAP answer the START; ASCII asks GETUSER (when the
 * START has no user) and GETPASS (no echo), then answers. Returns undefined when no reply is due (abort).
 */
export class AuthenSession {
  private step: 'start' | 'user' | 'password' | 'ended' = 'start';
  private username = '';

  constructor(private readonly context: HandlerContext) {}

  async start(body: AuthenStart, version: number): Promise<HandlerReply> {
    this.username = body.user;
    const required = REQUIRED_VERSION[body.authenType];
    if (body.action !== AuthenAction.LOGIN || required === undefined) {
      return reply(AuthenStatus.ERROR, body.user, 'error', {
        serverMsg: 'unsupported authentication action or type',
        detail: `action ${body.action} type ${body.authenType}`,
      });
    }
    if (version !== required) {
      return reply(AuthenStatus.ERROR, body.user, 'error', {
        serverMsg: 'wrong minor version for this authentication type',
        detail: `version 0x${version.toString(16)}`,
      });
    }
    const user = this.context.users.users.get(body.user);
    switch (body.authenType) {
      case AuthenType.PAP:
        return this.verdict(await checkPassword(user, body.data.toString('utf8')), 'pap');
      case AuthenType.CHAP:
        return this.verdict(checkChap(user, body.data), 'chap');
      default:
        if (body.user === '') {
          this.step = 'user';
          return reply(AuthenStatus.GETUSER, '', 'continue', { serverMsg: 'Username: ', done: false });
        }
        this.step = 'password';
        return reply(AuthenStatus.GETPASS, body.user, 'continue', {
          serverMsg: 'Password: ',
          flags: AuthenReplyFlag.NOECHO,
          done: false,
        });
    }
  }

  async continue(body: AuthenContinue): Promise<HandlerReply | undefined> {
    if ((body.flags & AuthenContinueFlag.ABORT) !== 0) {
      this.step = 'ended';
      return undefined;
    }
    switch (this.step) {
      case 'user':
        this.username = body.userMsg;
        this.step = 'password';
        return reply(AuthenStatus.GETPASS, this.username, 'continue', {
          serverMsg: 'Password: ',
          flags: AuthenReplyFlag.NOECHO,
          done: false,
        });
      case 'password': {
        this.step = 'ended';
        const user = this.context.users.users.get(this.username);
        return this.verdict(await checkPassword(user, body.userMsg), 'ascii');
      }
      case 'start':
      case 'ended':
        return reply(AuthenStatus.ERROR, this.username, 'error', { serverMsg: 'unexpected CONTINUE' });
    }
  }

  private verdict(ok: boolean, method: string): HandlerReply {
    this.step = 'ended';
    return ok
      ? reply(AuthenStatus.PASS, this.username, 'pass', { detail: method })
      : reply(AuthenStatus.FAIL, this.username, 'fail', {
          serverMsg: 'Authentication failed',
          detail: method,
        });
  }
}
