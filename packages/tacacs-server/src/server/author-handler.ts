import { type AuthorRequest, AuthorStatus, encodeAuthorResponse, Version } from '@sessiond/tacacs-plus';
import { decideCommand } from './command-rules';
import type { HandlerContext, HandlerReply } from './handler-types';
import { shellCommandLine } from './shell-command';

/** What a denied command's user sees (server_msg); the log detail says which rule decided. */
const COMMAND_DENIED_MSG = 'Command authorization failed';

/**
 * Authorization, `service=shell` only. Without a command (`cmd=` empty or absent: the login's
 * priv-lvl authorization) a known user passes (PASS_ADD) with the user's `priv-lvl`. With a command
 * (`cmd=show`, `cmd-arg=version`, RFC 8907 §8.2), the user's command rules decide (command-rules.ts):
 * permit is PASS_ADD with `priv-lvl`, deny is FAIL. Minor version must be 0 (RFC 8907 §6.1; real
 * servers answer ERROR otherwise).
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
  const fail = (serverMsg: string, detail: string): HandlerReply => ({
    body: encodeAuthorResponse({ status: AuthorStatus.FAIL, serverMsg }),
    done: true,
    result: 'fail',
    username,
    detail,
  });
  if (user === undefined || !shell) {
    return fail('not authorized', user === undefined ? 'unknown user' : 'service not allowed');
  }
  const pass = (detail: string): HandlerReply => ({
    body: encodeAuthorResponse({ status: AuthorStatus.PASS_ADD, args: [`priv-lvl=${user.privLvl}`] }),
    done: true,
    result: 'pass',
    username,
    detail,
  });
  const line = shellCommandLine(body.args);
  if (line === undefined) return pass(`priv-lvl=${user.privLvl}`);
  const decision = decideCommand(context.commands.get(username), line);
  const detail = `cmd=${JSON.stringify(line)} ${decision.reason}`;
  return decision.permit ? pass(`${detail} priv-lvl=${user.privLvl}`) : fail(COMMAND_DENIED_MSG, detail);
}
