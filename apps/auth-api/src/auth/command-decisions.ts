import { randomUUID } from 'node:crypto';
import type { SessionDescriptor } from '@sessiond/session-store';
import { CommandAccounting } from '../aaa/command-accounting';
import { commandAuthorizationOf, type CommandAuthorization } from '../aaa/commands';
import type { Config } from '../config';
import { aaaProblem, auditAaa } from '../http/aaa-problem';
import type { AuditAaa } from '../http/audit';
import { ProblemError } from '../http/problem-error';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { DecisionCache } from './decision-cache';

/** TACACS+'s answer about one command of one session. */
export interface CommandDecision {
  readonly permit: boolean;
  /** For a denial: the server's message (server_msg), if any. */
  readonly serverMsg: string;
  /** The decision cache gave it (AUTHORIZE_CACHE_TTL_MS). */
  readonly cached: boolean;
  /** Which method and server decided, for the audit record (absent when cached). */
  readonly aaa?: AuditAaa;
}

export interface CommandDecisionsDeps {
  readonly config: Config;
  readonly aaa: { readonly methods: readonly { readonly commands?: CommandAuthorization }[] };
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * Command authorization for a live session, shared by POST /authorize and forward-auth's
 * `?command=tacacs`: one decision cache, one accounting path. Each decided command (permitted or
 * denied, cached or not) gets its accounting record when TACACS_ACCOUNTING is on. An outage is thrown
 * as its problem (503 aaa_unavailable, 502 aaa_misconfigured), never turned into a decision.
 */
export class CommandDecisions {
  private readonly commands: CommandAuthorization | undefined;
  private readonly accounting: CommandAccounting;
  private readonly cache: DecisionCache;

  constructor(private readonly deps: CommandDecisionsDeps) {
    this.commands = commandAuthorizationOf(deps.aaa.methods);
    this.accounting = new CommandAccounting(
      this.commands,
      deps.config.aaa.deadlineMs,
      deps.logger,
      deps.metrics,
    );
    this.cache = new DecisionCache(deps.config.authorizeCache.ttlMs, deps.config.authorizeCache.maxEntries);
  }

  /** The method that decides (`tacacs`), or undefined when AAA_METHODS has none that can. */
  get method(): string | undefined {
    return this.commands?.method;
  }

  /** 501 command_authorization_unavailable when no method can decide. */
  require(): void {
    if (this.commands === undefined) throw notConfigured();
  }

  async decide(session: SessionDescriptor, words: readonly string[], line: string): Promise<CommandDecision> {
    const commands = this.commands;
    if (commands === undefined) throw notConfigured();
    const cached = this.cache.get(session.username, session.privLvl, line);
    const decision: CommandDecision =
      cached !== undefined
        ? { permit: cached.permit, serverMsg: cached.serverMsg, cached: true }
        : await this.ask(commands, session, words);
    if (cached === undefined) {
      this.cache.set(session.username, session.privLvl, line, {
        permit: decision.permit,
        serverMsg: decision.serverMsg,
      });
    }
    this.accounting.record({
      username: session.username,
      words,
      privLvl: session.privLvl,
      remAddr: session.sourceIp,
      taskId: randomUUID(),
      permitted: decision.permit,
    });
    return decision;
  }

  private async ask(
    commands: CommandAuthorization,
    session: SessionDescriptor,
    words: readonly string[],
  ): Promise<CommandDecision> {
    const { config } = this.deps;
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
      throw new CommandOutage(
        aaaProblem(unavailable, { timeoutMs: config.aaa.timeoutMs, retries: config.aaa.retries }),
        auditAaa(unavailable),
      );
    }
    return {
      permit: outcome.kind === 'permit',
      serverMsg: outcome.kind === 'deny' ? outcome.serverMsg : '',
      cached: false,
      aaa: { method: outcome.method, server: outcome.server, steps: outcome.steps },
    };
  }
}

/** No server could decide: the problem to answer, and what to audit. */
export class CommandOutage extends Error {
  constructor(
    readonly problem: ProblemError,
    readonly aaa: AuditAaa,
  ) {
    super(problem.detail);
    this.name = 'CommandOutage';
  }
}

function notConfigured(): ProblemError {
  return new ProblemError(
    'command_authorization_unavailable',
    'command authorization needs TACACS+: add tacacs to AAA_METHODS (with TACACS_SERVERS); nothing is permitted or denied without it',
  );
}
