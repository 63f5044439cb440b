import type { IRouter, Response } from 'express';
import { AUTHORIZE_PATH, COMMAND_DENIED, parseCommandLine } from '@sessiond/protocol';
import type { SessionDescriptor, SessionStore } from '@sessiond/session-store';
import { authenticateServiceClient } from '../auth/client-authentication';
import { CommandOutage, type CommandDecision, type CommandDecisions } from '../auth/command-decisions';
import type { FailureThrottle } from '../auth/failure-throttle';
import type { IntrospectionClients } from '../auth/introspection-clients';
import { invalidTokenProblem } from '../auth/token-auth';
import { ProblemError } from '../http/problem-error';
import { readObjectBody } from '../http/read-body';
import { contextOf, type RequestContext } from '../http/request-context';
import type { Metrics } from '../metrics';

export { AUTHORIZE_PATH };

export interface AuthorizeDeps {
  readonly store: SessionStore;
  readonly introspectionClients: IntrospectionClients;
  /** The same instance as introspection's: a client's failures count once, wherever they happen. */
  readonly clientThrottle: FailureThrottle;
  readonly metrics: Metrics;
  /** Shared with forward-auth's command check: one decision cache, one accounting path. */
  readonly decisions: CommandDecisions;
}

/** A token and a command line (at most 1 KiB; JSON escapes can make that ~6 KiB), and room to spare. */
const BODY = { maxBytes: 8 * 1024, maxFields: 20 };

/**
 * POST /api/v1/auth/authorize (issue 13): may the user of a live session run a command line? Other
 * services ask with the Basic credentials of an INTROSPECTION_CLIENTS_FILE client (the introspection
 * clients' throttle too); the session is validated like introspection does (the call counts as use,
 * sliding its idle expiry), then TACACS+ is asked at the session's priv-lvl. 200 with `permit` for a
 * decision or a dead token; 503 aaa_unavailable / 502 aaa_misconfigured when no server can decide
 * (never a guess); 501 command_authorization_unavailable when AAA_METHODS has no TACACS+.
 */
export function authorizeRoutes(router: IRouter, deps: AuthorizeDeps): void {
  const { store, metrics, decisions } = deps;

  router.post(AUTHORIZE_PATH, async (req, res) => {
    const context = contextOf(res);
    // Every decision and every refusal is an audit record (the request's one line).
    const audit = await authenticateServiceClient(
      req.headers,
      context,
      deps,
      'authorize',
      'command authorization',
    );
    decisions.require();
    const { token, words, line } = await readRequest(req);
    audit.command = line;
    const result = await store.validate(token, { touch: true });
    metrics.validations.inc({ result: result.valid ? 'valid' : result.reason });
    if (!result.valid) {
      const refusal = invalidTokenProblem(result.reason);
      audit.reason = result.reason;
      audit.permit = false;
      const body = { permit: false, code: refusal.code, detail: refusal.detail, command: line };
      decided(context, res, refusal.code, false, body);
      return;
    }
    const { session } = result;
    context.sessionId = session.sessionId;
    audit.username = session.username;
    let decision: CommandDecision;
    try {
      decision = await decisions.decide(session, words, line);
    } catch (error) {
      if (!(error instanceof CommandOutage)) throw error;
      audit.aaa = error.aaa;
      metrics.commandAuthorizations.inc({ result: error.problem.code, cached: 'false' });
      throw error.problem;
    }
    if (decision.aaa !== undefined) audit.aaa = decision.aaa;
    audit.permit = decision.permit;
    audit.cached = decision.cached;
    const answer = answerOf(session, line, decision, decisions.method ?? 'tacacs');
    decided(context, res, decision.permit ? 'permit' : COMMAND_DENIED, decision.cached, answer);
  });

  function decided(
    context: RequestContext,
    res: Response,
    result: string,
    cached: boolean,
    body: Record<string, unknown>,
  ): void {
    metrics.commandAuthorizations.inc({ result, cached: String(cached) });
    // A refusal's code goes into the request's line (its status stays 200: the question was answered).
    if (result !== 'permit') context.code = result;
    res.set('Cache-Control', 'no-store').json(body);
  }
}

/** The body's token and command line, checked (400 with the reason, never a 500). */
async function readRequest(
  req: Parameters<typeof readObjectBody>[0],
): Promise<{ token: string; words: readonly string[]; line: string }> {
  const { token, command } = await readObjectBody(req, BODY);
  if (token === undefined || command === undefined)
    throw new ProblemError('invalid_request', 'the body needs a "token" and a "command" (JSON strings)');
  // Any other string is looked up: one that is no token of ours gets permit false, token_invalid.
  if (typeof token !== 'string' || token === '')
    throw new ProblemError('invalid_request', '"token" must be a non-empty string');
  if (typeof command !== 'string') throw new ProblemError('invalid_request', '"command" must be a string');
  const parsed = parseCommandLine(command);
  if (parsed.kind === 'invalid') throw new ProblemError('invalid_request', parsed.reason);
  return { token, words: parsed.words, line: parsed.line };
}

function answerOf(
  session: SessionDescriptor,
  line: string,
  decision: CommandDecision,
  method: string,
): Record<string, unknown> {
  const who = {
    username: session.username,
    'priv-lvl': session.privLvl,
    command: line,
    'session-id': session.sessionId,
    cached: decision.cached,
  };
  if (decision.permit) return { permit: true, ...who };
  return {
    permit: false,
    code: COMMAND_DENIED,
    detail: commandDeniedDetail(method, session, decision),
    ...who,
  };
}

/** Why a command was denied, with the server's own message (bounded). */
export function commandDeniedDetail(
  method: string,
  session: SessionDescriptor,
  decision: CommandDecision,
): string {
  const message = decision.serverMsg.trim().slice(0, 200);
  return `${method} did not authorize this command for ${session.username} at priv-lvl ${session.privLvl}${message !== '' ? `: ${message}` : ''}`;
}
