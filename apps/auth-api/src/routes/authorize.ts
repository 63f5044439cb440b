import { randomUUID } from 'node:crypto';
import type { IRouter, Response } from 'express';
import { AUTHORIZE_PATH, COMMAND_DENIED, parseCommandLine } from '@sessiond/protocol';
import type { SessionDescriptor, SessionStore } from '@sessiond/session-store';
import type { AaaChain } from '../aaa/chain';
import { CommandAccounting } from '../aaa/command-accounting';
import { commandAuthorizationOf, type CommandAuthorization } from '../aaa/commands';
import { authenticateClient } from '../auth/client-authentication';
import { DecisionCache, type CachedDecision } from '../auth/decision-cache';
import type { FailureThrottle } from '../auth/failure-throttle';
import type { IntrospectionClients } from '../auth/introspection-clients';
import { invalidTokenProblem } from '../auth/token-auth';
import type { Config } from '../config';
import { aaaProblem, auditAaa } from '../http/aaa-problem';
import type { AuditFields } from '../http/audit';
import { parseBasicAuthorization } from '../http/basic-credentials';
import { ProblemError } from '../http/problem-error';
import { readObjectBody } from '../http/read-body';
import { contextOf, type RequestContext } from '../http/request-context';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';

export { AUTHORIZE_PATH };

export interface AuthorizeDeps {
  readonly config: Config;
  readonly store: SessionStore;
  readonly aaa: AaaChain;
  readonly introspectionClients: IntrospectionClients;
  /** The same instance as introspection's: a client's failures count once, wherever they happen. */
  readonly clientThrottle: FailureThrottle;
  readonly metrics: Metrics;
  readonly logger: Logger;
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
  const { config, store, metrics, introspectionClients, clientThrottle } = deps;
  const commands = commandAuthorizationOf(deps.aaa.methods);
  const accounting = new CommandAccounting(commands, config.aaa.deadlineMs, deps.logger, metrics);
  const cache = new DecisionCache(config.authorizeCache.ttlMs, config.authorizeCache.maxEntries);
  const invalidClient = (): ProblemError =>
    new ProblemError(
      'invalid_client',
      'command authorization needs the Basic credentials of a client in INTROSPECTION_CLIENTS_FILE',
    );
  const verify = (id: string, secret: string): Promise<boolean> => introspectionClients.verify(id, secret);

  router.post(AUTHORIZE_PATH, async (req, res) => {
    const context = contextOf(res);
    const credentials = parseBasicAuthorization(req.headers.authorization);
    // Every decision and every refusal is an audit record (the request's one line).
    const audit: AuditFields = {
      event: 'authorize',
      ...(credentials.kind === 'credentials' ? { clientId: credentials.username } : {}),
    };
    context.audit = audit;
    if (credentials.kind === 'malformed') throw new ProblemError('invalid_request', credentials.reason);
    if (credentials.kind === 'missing') throw invalidClient();
    await authenticateClient(
      clientThrottle,
      verify,
      { id: credentials.username, secret: credentials.password },
      context.clientIp,
      invalidClient,
    );
    if (commands === undefined) throw notConfigured();
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
    const cached = cache.get(session.username, session.privLvl, line);
    const decision = cached ?? (await ask(commands, session, words, audit));
    if (cached === undefined) cache.set(session.username, session.privLvl, line, decision);
    audit.permit = decision.permit;
    audit.cached = cached !== undefined;
    accounting.record({
      username: session.username,
      words,
      privLvl: session.privLvl,
      remAddr: session.sourceIp,
      taskId: randomUUID(),
      permitted: decision.permit,
    });
    const answer = answerOf(session, line, decision, cached !== undefined, commands);
    decided(context, res, decision.permit ? 'permit' : COMMAND_DENIED, cached !== undefined, answer);
  });

  /** TACACS+'s decision; an outage becomes its problem (503, or 502 for a key mismatch), never a decision. */
  async function ask(
    commands: CommandAuthorization,
    session: SessionDescriptor,
    words: readonly string[],
    audit: AuditFields,
  ): Promise<CachedDecision> {
    const outcome = await commands.authorize({
      username: session.username,
      words,
      privLvl: session.privLvl,
      remAddr: session.sourceIp,
      signal: AbortSignal.timeout(config.aaa.deadlineMs),
    });
    if (outcome.kind === 'unavailable') {
      const unavailable = {
        kind: 'unavailable',
        cause: outcome,
        fallback: undefined,
        steps: outcome.steps,
      } as const;
      audit.aaa = auditAaa(unavailable);
      const problem = aaaProblem(unavailable, {
        timeoutMs: config.aaa.timeoutMs,
        retries: config.aaa.retries,
      });
      metrics.commandAuthorizations.inc({ result: problem.code, cached: 'false' });
      throw problem;
    }
    audit.aaa = { method: outcome.method, server: outcome.server, steps: outcome.steps };
    return { permit: outcome.kind === 'permit', serverMsg: outcome.kind === 'deny' ? outcome.serverMsg : '' };
  }

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
  decision: CachedDecision,
  cached: boolean,
  commands: CommandAuthorization,
): Record<string, unknown> {
  const who = {
    username: session.username,
    'priv-lvl': session.privLvl,
    command: line,
    'session-id': session.sessionId,
    cached,
  };
  if (decision.permit) return { permit: true, ...who };
  const message = decision.serverMsg.trim().slice(0, 200);
  return {
    permit: false,
    code: COMMAND_DENIED,
    detail: `${commands.method} did not authorize this command for ${session.username} at priv-lvl ${session.privLvl}${message !== '' ? `: ${message}` : ''}`,
    ...who,
  };
}

function notConfigured(): ProblemError {
  return new ProblemError(
    'command_authorization_unavailable',
    'command authorization needs TACACS+: add tacacs to AAA_METHODS (with TACACS_SERVERS); nothing is permitted or denied without it',
  );
}
