import {
  AcctStatus,
  AuthenStatus,
  AuthorStatus,
  encodeAcctReply,
  encodeAuthenReply,
  encodeAuthorResponse,
  PacketType,
} from '@sessiond/tacacs-plus';
import type { TacacsFault } from './faults';

/** The ERROR reply body of a packet type (RFC 8907 §5.2, §6.2, §7.2). */
export function errorBody(type: number, serverMsg: string): Buffer {
  if (type === PacketType.AUTHEN) return encodeAuthenReply({ status: AuthenStatus.ERROR, serverMsg });
  if (type === PacketType.AUTHOR) return encodeAuthorResponse({ status: AuthorStatus.ERROR, serverMsg });
  return encodeAcctReply({ status: AcctStatus.ERROR, serverMsg });
}

/**
 * The reply a status fault sends instead of the real answer to a session's first packet, and whether the
 * session stays open (GETDATA waits for the client's CONTINUE). Undefined for non-status faults.
 */
export function faultReply(
  fault: TacacsFault | undefined,
  type: number,
): { body: Buffer; done: boolean; result: string } | undefined {
  if (fault === undefined) return undefined;
  const authen = type === PacketType.AUTHEN;
  switch (fault.type) {
    case 'error':
      return { body: errorBody(type, 'fault: error'), done: true, result: 'fault-error' };
    case 'follow': {
      const body =
        type === PacketType.AUTHEN
          ? encodeAuthenReply({ status: AuthenStatus.FOLLOW, serverMsg: 'fault: follow' })
          : type === PacketType.AUTHOR
            ? encodeAuthorResponse({ status: AuthorStatus.FOLLOW, serverMsg: 'fault: follow' })
            : encodeAcctReply({ status: AcctStatus.FOLLOW, serverMsg: 'fault: follow' });
      return { body, done: true, result: 'fault-follow' };
    }
    case 'restart':
      return authen
        ? {
            body: encodeAuthenReply({ status: AuthenStatus.RESTART, serverMsg: 'fault: restart' }),
            done: true,
            result: 'fault-restart',
          }
        : { body: errorBody(type, 'fault: restart'), done: true, result: 'fault-error' };
    case 'getdata':
      return authen
        ? {
            body: encodeAuthenReply({ status: AuthenStatus.GETDATA, serverMsg: 'fault: getdata' }),
            done: false,
            result: 'fault-getdata',
          }
        : { body: errorBody(type, 'fault: getdata'), done: true, result: 'fault-error' };
    case 'delay':
    case 'drop':
    case 'close-mid-reply':
    case 'garbage':
    case 'wrong-key':
    case 'obfuscated-reply':
    case 'close-after-sessions':
      return undefined;
  }
}
