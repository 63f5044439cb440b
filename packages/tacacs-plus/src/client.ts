import { randomBytes } from 'node:crypto';
import { AuthenType, PacketType, PrivLevel } from './constants';
import { TacacsClientClosedError, TacacsConfigError } from './errors';
import { tcpTransport, type TacacsTransport } from './transport';
import { runAccounting, buildAcctRequest, type AcctFlagName, type AcctSpec } from './client/accounting-flow';
import {
  buildAuthenStart,
  runAuthentication,
  type AuthenSpec,
  type AuthenTypeName,
} from './client/authenticate-flow';
import { buildAuthorRequest, runAuthorization, type AuthorSpec } from './client/authorize-flow';
import type { TacacsClientEvent, TacacsOperation } from './client/events';
import { runWithFailover, type ServerSlot } from './client/failover';
import {
  resolveClientNumbers,
  resolveServer,
  WEAK_KEY_LENGTH,
  type TacacsClientOptions,
  type TacacsServerConfig,
} from './client/options';
import type { AccountingResult, AuthenticationResult, AuthorizationResult } from './client/results';
import { ClientSession, type SessionChannel } from './client/session';
import { ServerConnections } from './client/server-connections';
import { ServerCounters, type TacacsServerStats } from './client/stats';

export interface AuthenticateRequest {
  readonly username: string;
  readonly password: string;
  /** Default 'pap'. */
  readonly type?: AuthenTypeName;
  /** The client's address, sent as rem_addr (e.g. the HTTP client's IP). */
  readonly remAddr?: string;
  /** Sent as port (e.g. the service name). */
  readonly port?: string;
  /** priv_lvl of the START packet (default 1). */
  readonly privLvl?: number;
  /** Overall deadline for the whole server list. */
  readonly signal?: AbortSignal;
}

export interface AuthorizeRequest {
  readonly username: string;
  readonly remAddr?: string;
  readonly port?: string;
  /** Extra arguments after `service=shell` and `cmd=`. */
  readonly args?: readonly string[];
  /** How the user authenticated (authen_type field, default 'pap'). */
  readonly authenType?: AuthenTypeName;
  readonly privLvl?: number;
  readonly signal?: AbortSignal;
}

export interface AccountingRequest {
  readonly flag: AcctFlagName;
  readonly username: string;
  readonly taskId: string;
  readonly remAddr?: string;
  readonly port?: string;
  readonly startTime?: Date;
  readonly stopTime?: Date;
  readonly elapsedSeconds?: number;
  readonly args?: readonly string[];
  readonly authenType?: AuthenTypeName;
  readonly privLvl?: number;
  readonly signal?: AbortSignal;
}

interface Slot extends ServerSlot {
  readonly connections: ServerConnections;
}

const AUTHEN_TYPE_CODE = { pap: AuthenType.PAP, ascii: AuthenType.ASCII, chap: AuthenType.CHAP } as const;

function requireUsername(username: unknown): void {
  if (typeof username !== 'string' || username === '')
    throw new TacacsConfigError('username must be a non-empty string');
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
      if (resolved.obfuscate && config.key.length < WEAK_KEY_LENGTH) {
        this.emit({ type: 'weak-key', server: resolved.label, keyLength: config.key.length });
      }
      const counters = new ServerCounters(resolved.label);
      const connections = new ServerConnections(resolved, transport, {
        idleTimeoutMs: this.settings.idleTimeoutMs,
        maxBodyLength: this.settings.maxBodyLength,
        onConnectionOpened: () => {
          counters.connectionsOpened += 1;
          this.emit({ type: 'connection-opened', server: resolved.label });
        },
      });
      return { config: resolved, counters, connections };
    });
  }

  async authenticate(request: AuthenticateRequest): Promise<AuthenticationResult> {
    requireUsername(request.username);
    if (typeof request.password !== 'string') throw new TacacsConfigError('password must be a string');
    const type = request.type ?? 'pap';
    if (!(type in AUTHEN_TYPE_CODE))
      throw new TacacsConfigError(`unknown authentication type ${String(type)}`);
    const spec: AuthenSpec = {
      username: request.username,
      password: request.password,
      type,
      port: request.port ?? '',
      remAddr: request.remAddr ?? '',
      privLvl: request.privLvl ?? PrivLevel.USER,
    };
    buildAuthenStart(spec, randomBytes); // field limits are checked before any server is contacted
    const outcome = await this.track(
      this.run('authenticate', PacketType.AUTHEN, request.signal, (channel) =>
        runAuthentication(channel, spec, randomBytes),
      ),
    );
    if (outcome.status === 'unavailable') return outcome;
    const { slot, value } = outcome;
    return value.status === 'pass'
      ? { status: 'pass', server: slot.config.label, serverMsg: value.serverMsg }
      : { status: 'fail', server: slot.config.label, serverMsg: value.serverMsg, reason: value.reason };
  }

  async authorize(request: AuthorizeRequest): Promise<AuthorizationResult> {
    requireUsername(request.username);
    const spec: AuthorSpec = {
      username: request.username,
      port: request.port ?? '',
      remAddr: request.remAddr ?? '',
      args: request.args ?? [],
      privLvl: request.privLvl ?? PrivLevel.USER,
      authenType: AUTHEN_TYPE_CODE[request.authenType ?? 'pap'],
    };
    buildAuthorRequest(spec);
    const outcome = await this.track(
      this.run('authorize', PacketType.AUTHOR, request.signal, (channel) => runAuthorization(channel, spec)),
    );
    if (outcome.status === 'unavailable') return outcome;
    const { slot, value } = outcome;
    return value.status === 'pass'
      ? { ...value, server: slot.config.label }
      : { status: 'fail', server: slot.config.label, serverMsg: value.serverMsg, reason: value.reason };
  }

  async accounting(request: AccountingRequest): Promise<AccountingResult> {
    requireUsername(request.username);
    if (!['start', 'stop', 'watchdog'].includes(request.flag)) {
      throw new TacacsConfigError(`unknown accounting flag ${String(request.flag)}`);
    }
    const spec: AcctSpec = {
      flag: request.flag,
      username: request.username,
      taskId: request.taskId,
      port: request.port ?? '',
      remAddr: request.remAddr ?? '',
      startTime: request.startTime,
      stopTime: request.stopTime,
      elapsedSeconds: request.elapsedSeconds,
      args: request.args ?? [],
      privLvl: request.privLvl ?? PrivLevel.USER,
      authenType: AUTHEN_TYPE_CODE[request.authenType ?? 'pap'],
    };
    buildAcctRequest(spec);
    const outcome = await this.track(
      this.run('accounting', PacketType.ACCT, request.signal, (channel) => runAccounting(channel, spec)),
    );
    if (outcome.status === 'unavailable') return outcome;
    const { slot, value } = outcome;
    return value.status === 'pass'
      ? { status: 'pass', server: slot.config.label, serverMsg: value.serverMsg }
      : { status: 'fail', server: slot.config.label, serverMsg: value.serverMsg, reason: value.reason };
  }

  /** Per-server counters, in configuration order. */
  stats(): TacacsServerStats[] {
    return this.slots.map((slot) => slot.counters.snapshot());
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
      (slot as Slot).connections.run(signal, ({ connection, sessionId, firstFlags }) =>
        flow(
          new ClientSession({
            connection,
            sessionId,
            type,
            key: slot.config.key,
            obfuscate: slot.config.obfuscate,
            firstFlags,
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
