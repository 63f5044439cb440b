import type { IncomingMessage, ServerResponse } from 'node:http';
import { TOKEN_REFUSALS, parseCommandLine, type TokenRefusalCode } from '@sessiond/protocol';
import { InvalidOptionsError, SessiondError } from '../errors';
import { SessiondProblemError } from '../problem-error';
import { checkCommand, type SessionClient } from '../session-client';
import { sendProblem } from './problems';
import { DEFAULT_RETRY_AFTER_S } from './validators';

/**
 * The `command` option: a command line, or a function of the request that gives one. The function is
 * declared as a method so that one typed for Express's Request (an IncomingMessage) is accepted.
 */
export type CommandOption = string | { commandOf(req: IncomingMessage): string }['commandOf'];

/** The command a request needs; a fixed command line is checked once, at construction. */
export type CommandOf = (req: IncomingMessage) => string;

export type CommandCheck =
  | { readonly kind: 'permit' }
  | { readonly kind: 'answered' }
  | { readonly kind: 'error'; readonly error: unknown };

/** Checks the `command` option; undefined when the route requires no command. */
export function resolveCommand(value: unknown): CommandOf | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'function') return value as CommandOf;
  if (typeof value !== 'string') {
    throw new InvalidOptionsError('command', 'must be a command line or a function (req) => command line');
  }
  const parsed = parseCommandLine(value);
  if (parsed.kind === 'invalid') throw new InvalidOptionsError('command', parsed.reason);
  return () => parsed.line;
}

/** The client that asks the auth-api; it must hold introspection credentials. */
export function checkAuthorizer(client: SessionClient | undefined, option: string): SessionClient {
  if (client === undefined || !client.canIntrospect) {
    throw new InvalidOptionsError(
      option,
      'a required command is authorized by the auth-api: give a SessionClient with clientId and clientSecret',
    );
  }
  return client;
}

const isTokenRefusal = (code: string): code is TokenRefusalCode => Object.hasOwn(TOKEN_REFUSALS, code);

/**
 * After the session passed: asks the auth-api (POST /api/v1/auth/authorize) whether its user may run
 * the route's command, and answers a refusal itself: 403 command_denied (any `permit: false` whose
 * code is not a token refusal: an unknown code is a refusal too), 401 with the token code for a token
 * that died meanwhile, 503 aaa_unavailable when TACACS+ could not decide, 503 sessiond_unavailable
 * when the auth-api could not be asked or refused this service. Never a permit without its answer.
 */
export async function checkRouteCommand(
  client: SessionClient,
  commandOf: CommandOf,
  req: IncomingMessage,
  token: string,
  res: ServerResponse,
  onError: (error: Error) => void,
): Promise<CommandCheck> {
  let command: string;
  try {
    command = checkCommand(commandOf(req));
  } catch (error) {
    // The application's command function failed or gave no valid command line: a bug, not a refusal.
    return { kind: 'error', error };
  }
  try {
    const answer = await client.authorize(token, command);
    if (answer.permit) return { kind: 'permit' };
    const code = answer.code ?? '';
    if (isTokenRefusal(code)) sendProblem(res, code, TOKEN_REFUSALS[code]);
    else
      sendProblem(res, 'command_denied', `this session may not run "${answer.command}"`, {
        command: answer.command,
      });
    return { kind: 'answered' };
  } catch (error) {
    if (!(error instanceof SessiondError)) return { kind: 'error', error };
    onError(error);
    const retryAfter = { 'Retry-After': String(error.retryAfter ?? DEFAULT_RETRY_AFTER_S) };
    if (error instanceof SessiondProblemError && error.code === 'aaa_unavailable') {
      sendProblem(
        res,
        'aaa_unavailable',
        'no TACACS+ server could authorize the command; retry shortly',
        {},
        retryAfter,
      );
    } else {
      sendProblem(
        res,
        'sessiond_unavailable',
        'the session service (sessiond) could not authorize the command; retry shortly',
        {},
        retryAfter,
      );
    }
    return { kind: 'answered' };
  }
}
