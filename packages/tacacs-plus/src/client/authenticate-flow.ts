import { createHash } from 'node:crypto';
import {
  AuthenAction,
  AuthenContinueFlag,
  AuthenService,
  AuthenStatus,
  AuthenType,
  CHAP_MIN_CHALLENGE_LENGTH,
  Version,
} from '../constants';
import { decodeAuthenReply, type AuthenReply } from '../bodies/authen-reply';
import { encodeAuthenContinue } from '../bodies/authen-continue';
import { encodeAuthenStart } from '../bodies/authen-start';
import { TacacsServerError } from '../errors';
import type { SessionChannel } from './session';

export type AuthenTypeName = 'pap' | 'ascii' | 'chap';

export interface AuthenSpec {
  readonly username: string;
  readonly password: string;
  readonly type: AuthenTypeName;
  readonly port: string;
  readonly remAddr: string;
  readonly privLvl: number;
}

/** Why a session ended in FAIL: the server said so, or the client ended it (RFC 8907 §5.4). */
export type AuthenFailReason = 'fail' | 'follow' | 'restart' | 'getdata' | 'unexpected';

export type AuthenOutcome =
  | { readonly status: 'pass'; readonly serverMsg: string }
  | { readonly status: 'fail'; readonly serverMsg: string; readonly reason: AuthenFailReason };

const TYPE_CODE = { pap: AuthenType.PAP, ascii: AuthenType.ASCII, chap: AuthenType.CHAP } as const;

/** Real servers enforce this: PAP/CHAP START minor 1, ASCII login minor 0 (tacacs.md; RFC 8907 §5.4.1). */
const START_VERSION = { pap: Version.ONE, ascii: Version.DEFAULT, chap: Version.ONE } as const;

/** CHAP data: id ‖ challenge ‖ MD5(id ‖ secret ‖ challenge) (RFC 8907 §5.4.2.3, RFC 1994). */
export function chapData(password: string, random: (size: number) => Buffer): Buffer {
  const id = random(1);
  const challenge = random(CHAP_MIN_CHALLENGE_LENGTH);
  const response = createHash('md5').update(id).update(password, 'utf8').update(challenge).digest();
  return Buffer.concat([id, challenge, response]);
}

export function buildAuthenStart(spec: AuthenSpec, random: (size: number) => Buffer): Buffer {
  const data =
    spec.type === 'pap' ? spec.password : spec.type === 'chap' ? chapData(spec.password, random) : '';
  return encodeAuthenStart({
    action: AuthenAction.LOGIN,
    privLvl: spec.privLvl,
    authenType: TYPE_CODE[spec.type],
    service: AuthenService.LOGIN,
    user: spec.username,
    port: spec.port,
    remAddr: spec.remAddr,
    data,
  });
}

/**
 * One authentication session. PASS and FAIL end it; ERROR throws (the caller moves on to the next
 * server); FOLLOW and RESTART are a FAIL; GETUSER / GETPASS are answered once each (ASCII only);
 * GETDATA and anything unexpected get a CONTINUE with abort, then FAIL.
 */
export async function runAuthentication(
  channel: SessionChannel,
  spec: AuthenSpec,
  random: (size: number) => Buffer,
): Promise<AuthenOutcome> {
  const version = START_VERSION[spec.type];
  let reply: AuthenReply = await channel.exchange(version, buildAuthenStart(spec, random), decodeAuthenReply);
  let sentUser = false;
  let sentPassword = false;
  for (;;) {
    switch (reply.status) {
      case AuthenStatus.PASS:
        return { status: 'pass', serverMsg: reply.serverMsg };
      case AuthenStatus.FAIL:
        return { status: 'fail', serverMsg: reply.serverMsg, reason: 'fail' };
      case AuthenStatus.FOLLOW:
        return { status: 'fail', serverMsg: reply.serverMsg, reason: 'follow' };
      case AuthenStatus.RESTART:
        return { status: 'fail', serverMsg: reply.serverMsg, reason: 'restart' };
      case AuthenStatus.ERROR:
        throw new TacacsServerError(reply.serverMsg);
      case AuthenStatus.GETUSER:
      case AuthenStatus.GETPASS: {
        const wantsUser = reply.status === AuthenStatus.GETUSER;
        if (spec.type !== 'ascii' || (wantsUser ? sentUser : sentPassword)) {
          return abort(channel, version, reply, 'unexpected');
        }
        if (wantsUser) sentUser = true;
        else sentPassword = true;
        const answer = wantsUser ? spec.username : spec.password;
        reply = await channel.exchange(version, encodeAuthenContinue({ userMsg: answer }), decodeAuthenReply);
        break;
      }
      case AuthenStatus.GETDATA:
        return abort(channel, version, reply, 'getdata');
      default:
        return abort(channel, version, reply, 'unexpected');
    }
  }
}

function abort(
  channel: SessionChannel,
  version: number,
  reply: AuthenReply,
  reason: AuthenFailReason,
): AuthenOutcome {
  channel.sendLast(version, encodeAuthenContinue({ flags: AuthenContinueFlag.ABORT }));
  return { status: 'fail', serverMsg: reply.serverMsg, reason };
}
