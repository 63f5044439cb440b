import { type AuthorRequest, AuthorStatus, encodeAuthorResponse, Version } from '@sessiond/tacacs-plus';
import type { HandlerContext, HandlerReply } from './handler-types';

/**
 * Authorization: `service=shell` for a known user passes (PASS_ADD) with the user's `priv-lvl`; anything
 * else fails. Minor version must be 0 (RFC 8907 §6.1; real servers answer ERROR otherwise).
 */
export function handleAuthorization(
  context: HandlerContext,
  body: AuthorRequest,
  version: number,
): HandlerReply {
  const username = body.user;
  if (version !== Version.DEFAULT) {
    return {
      body: encodeAuthorResponse({ status: AuthorStatus.ERROR, serverMsg: 'wrong minor version' }),
      done: true,
      result: 'error',
      username,
    };
  }
  const user = context.users.users.get(username);
  const shell = body.args.includes('service=shell');
  if (user === undefined || !shell) {
    return {
      body: encodeAuthorResponse({ status: AuthorStatus.FAIL, serverMsg: 'not authorized' }),
      done: true,
      result: 'fail',
      username,
      detail: user === undefined ? 'unknown user' : 'service not allowed',
    };
  }
  return {
    body: encodeAuthorResponse({ status: AuthorStatus.PASS_ADD, args: [`priv-lvl=${user.privLvl}`] }),
    done: true,
    result: 'pass',
    username,
    detail: `priv-lvl=${user.privLvl}`,
  };
}
