import { randomBytes } from 'node:crypto';
import { PacketType } from '../constants';
import { TacacsClientClosedError, TacacsConfigError } from '../errors';
import { tcpTransport, type TacacsTransport } from './transport';
import { runAccounting } from './accounting-flow';
import { runAuthentication } from './authenticate-flow';
import { runAuthorization } from './authorize-flow';
import type { TacacsClientEvent, TacacsOperation } from './events';
import { runWithFailover, type ServerSlot } from './failover';
import { HoldDown } from './hold-down';
import {
  resolveClientNumbers,
  resolveServer,
  WEAK_KEY_LENGTH,
  type TacacsClientOptions,
  type TacacsServerConfig,
} from './options';
import {
  acctSpec,
  authenSpec,
  authorSpec,
  type AccountingRequest,
  type AuthenticateRequest,
  type AuthorizeRequest,
} from './requests';
import type { AccountingResult, AuthenticationResult, AuthorizationResult } from './results';
import {
  commandAcctSpec,
  commandAuthorSpec,
  type AuthorizeCommandRequest,
  type CommandAccountingRequest,
} from './command-requests';
import { ClientSession, type SessionChannel } from './session';
import { ServerConnections } from './server-connections';
import { ServerCounters, type TacacsServerStats } from './stats';

export type { AccountingRequest, AuthenticateRequest, AuthorizeRequest } from './requests';
export type { AuthorizeCommandRequest, CommandAccountingRequest } from './command-requests';

interface Slot extends ServerSlot {
  readonly connections: ServerConnections;
}

/**
 * RFC 8907 TACACS+ client: ordered servers with failover, retries and hold-down, optional single-connect,
 * PAP / ASCII / CHAP authentication, authorization (priv-lvl) and accounting. Operations resolve to a
 * result (pass / fail / unavailable); they throw only for invalid input or after `close()`.
 */
export class TacacsClient {
  private readonly slots: readonly Slot[];
  private readonly settings: ReturnType<typeof resolveClientNumbers>;
  private readonly emit: (event: TacacsClientEvent) => void;
  private readonly now: () => number;
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(options: TacacsClientOptions) {
    const servers: readonly TacacsServerConfig[] = options.servers;
    if (servers.length === 0) {
      throw new TacacsConfigError('servers must list at least one server');
    }
    const transport: TacacsTransport = options.transport ?? tcpTransport;
    const onEvent = options.onEvent;
    this.emit = (event) => {
      try {
        onEvent?.(event);
      } catch {
        // A failing metrics hook must not break logins.
      }
    };
    this.now = options.now ?? Date.now;
    this.settings = resolveClientNumbers(options);
    this.slots = servers.map((config, index) => {
      const resolved = resolveServer(config, index, options.unencrypted === true, transport);
      const keyLength = (config.key ?? '').length;
      if (resolved.obfuscate && keyLength < WEAK_KEY_LENGTH) {
        this.emit({ type: 'weak-key', server: resolved.label, keyLength });
      }
      const counters = new ServerCounters(resolved.label);
      const connections = new ServerConnections(resolved, transport, {
        idleTimeoutMs: this.settings.idleTimeoutMs,
        maxBodyLength: this.settings.maxBodyLength,
        maxConnections: this.settings.maxConnections,
        maxQueuedSessions: this.settings.maxQueuedSessions,
        emit: this.emit,
        onConnectionOpened: () => {
          counters.connectionsOpened += 1;
          this.emit({ type: 'connection-opened', server: resolved.label });
        },
      });
      return { config: resolved, counters, connections, holdDown: new HoldDown() };
    });
  }

  async authenticate(request: AuthenticateRequest): Promise<AuthenticationResult> {
    const spec = authenSpec(request);
    const outcome = await this.track(
      this.run('authenticate', PacketType.AUTHEN, request.signal, (channel) =>
        runAuthentication(channel, spec, randomBytes),
      ),
    );
    if (outcome.status === 'unavailable') return outcome;
    const { slot, value } = outcome;
    return { ...value, server: slot.config.label };
  }

  async authorize(request: AuthorizeRequest): Promise<AuthorizationResult> {
    const spec = authorSpec(request);
    const outcome = await this.track(
      this.run('authorize', PacketType.AUTHOR, request.signal, (channel) => runAuthorization(channel, spec)),
    );
    if (outcome.status === 'unavailable') return outcome;
    return { ...outcome.value, server: outcome.slot.config.label };
  }

  async accounting(request: AccountingRequest): Promise<AccountingResult> {
    const spec = acctSpec(request);
    const outcome = await this.track(
      this.run('accounting', PacketType.ACCT, request.signal, (channel) => runAccounting(channel, spec)),
    );
    if (outcome.status === 'unavailable') return outcome;
    return { ...outcome.value, server: outcome.slot.config.label };
  }

  /**
   * Command authorization (RFC 8907 §8.2): `service=shell`, `cmd=<first word>`, `cmd-arg=<each further
   * word>`. pass = permitted (PASS_ADD / PASS_REPL), fail = denied.
   */
  async authorizeCommand(request: AuthorizeCommandRequest): Promise<AuthorizationResult> {
    const spec = commandAuthorSpec(request);
    const outcome = await this.track(
      this.run('authorize', PacketType.AUTHOR, request.signal, (channel) => runAuthorization(channel, spec)),
    );
    if (outcome.status === 'unavailable') return outcome;
    return { ...outcome.value, server: outcome.slot.config.label };
  }

  /** Command accounting: one STOP record per command, as Cisco IOS sends (`cmd=<line> <cr>`). */
  async accountCommand(request: CommandAccountingRequest): Promise<AccountingResult> {
    const spec = commandAcctSpec(request);
    const outcome = await this.track(
      this.run('accounting', PacketType.ACCT, request.signal, (channel) => runAccounting(channel, spec)),
    );
    if (outcome.status === 'unavailable') return outcome;
    return { ...outcome.value, server: outcome.slot.config.label };
  }

  /** Per-server counters, in configuration order. */
  stats(): TacacsServerStats[] {
    return this.slots.map((slot) => slot.counters.snapshot(slot.holdDown.heldDownUntil));
  }

  /** Refuses new operations, lets the pending ones settle, then closes every connection. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    for (const slot of this.slots) slot.connections.closeAll();
  }

  private run<T extends { readonly status: 'pass' | 'fail' }>(
    operation: TacacsOperation,
    type: number,
    signal: AbortSignal | undefined,
    flow: (channel: SessionChannel) => Promise<T>,
  ): ReturnType<typeof runWithFailover<T>> {
    if (this.closed) return Promise.reject(new TacacsClientClosedError());
    const settings = {
      retries: this.settings.retries,
      holdDownMs: this.settings.holdDownMs,
      now: this.now,
      emit: this.emit,
    };
    return runWithFailover(operation, this.slots, settings, signal, (slot) =>
      (slot as Slot).connections.run(signal, ({ connection, sessionId }) =>
        flow(
          new ClientSession({
            connection,
            sessionId,
            type,
            key: slot.config.key,
            obfuscate: slot.config.obfuscate,
            readTimeoutMs: slot.config.readTimeoutMs,
            signal,
          }),
        ),
      ),
    );
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }
}
