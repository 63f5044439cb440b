import { randomBytes } from 'node:crypto';
import { TacacsConnection, type ConnectionEnd } from './connection';
import { TacacsClientClosedError, TacacsConnectionError, TacacsTimeoutError } from '../errors';
import type { TacacsClientEvent } from './events';
import type { ResolvedServer } from './options';
import { SessionQueue } from './session-queue';
import { SingleConnectVerdict } from './single-connect-verdict';
import type { TacacsTransport } from './transport';

export interface SessionSlot {
  readonly connection: TacacsConnection;
  readonly sessionId: number;
}

export interface ConnectionSettings {
  readonly idleTimeoutMs: number;
  readonly maxBodyLength: number;
  /** Single-connect connections kept per server (the pool). */
  readonly maxConnections: number;
  /** Sessions that may wait for a pooled connection; more are refused at once (`busy`). */
  readonly maxQueuedSessions: number;
  readonly onConnectionOpened: () => void;
  readonly emit: (event: TacacsClientEvent) => void;
}

/** What a waiting session is given: a connection to reuse, a reserved pool slot, or its own connection. */
type Grant =
  | { readonly kind: 'reuse'; readonly connection: TacacsConnection }
  | { readonly kind: 'open' }
  | { readonly kind: 'dedicated' };

/**
 * The connections to one server (I/O layer).
 *
 * Without single-connect every session gets its own connection, closed when the session ends. With it
 * (RFC 8907 §4.3) a pool of at most `maxConnections` connections, each carrying ONE session at a time,
 * with every packet flagged once agreed (connection.ts). Sessions beyond the pool wait in a bounded FIFO
 * (session-queue.ts). When the server closes a kept connection, the session it carried without a final
 * reply is retried once on a brand-new connection; queued sessions simply wait for the next connection.
 * A server that declines, or closes after every session, gets one connection per session from then on
 * (single-connect-verdict.ts).
 */
export class ServerConnections {
  private readonly all = new Set<TacacsConnection>();
  private readonly pooled = new Set<TacacsConnection>();
  private readonly idle: TacacsConnection[] = [];
  private opening = 0;
  private closed = false;
  private readonly queue: SessionQueue<Grant>;
  private readonly verdict: SingleConnectVerdict;

  constructor(
    private readonly server: ResolvedServer,
    private readonly transport: TacacsTransport,
    private readonly settings: ConnectionSettings,
  ) {
    this.queue = new SessionQueue<Grant>(settings.maxQueuedSessions);
    this.verdict = new SingleConnectVerdict((reason) => {
      settings.emit({ type: 'single-connect-unsupported', server: server.label, reason });
      for (const connection of this.idle.splice(0)) connection.close();
      this.pump();
    });
  }

  /** Runs `session` on a connection of its own for its duration, and always ends the session afterwards. */
  async run<T>(signal: AbortSignal | undefined, session: (slot: SessionSlot) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      const connection = await this.acquire(signal, attempt > 0);
      const reused = connection.sessionsCompleted > 0;
      const sessionId = newSessionId();
      connection.beginSession(sessionId);
      let final = false;
      try {
        const result = await session({ connection, sessionId });
        final = true;
        return result;
      } catch (error) {
        // The server closed a kept connection before this session's final reply: it never answered it,
        // so run it again, once, on a new connection (the first session of a connection every server
        // answers). The first session of a new connection failing is the server's own failure.
        const retry = reused && attempt === 0 && !this.closed && error instanceof TacacsConnectionError;
        if (!retry) throw error;
      } finally {
        this.release(connection, final);
      }
    }
  }

  /** Closes every connection; queued sessions fail with TacacsClientClosedError. */
  closeAll(): void {
    this.closed = true;
    this.queue.rejectAll(new TacacsClientClosedError());
    for (const connection of [...this.all]) connection.close();
  }

  private async acquire(signal: AbortSignal | undefined, fresh: boolean): Promise<TacacsConnection> {
    if (this.closed) throw new TacacsClientClosedError();
    if (!this.server.singleConnect || this.verdict.unsupported) return this.connect(signal, false);
    if (fresh) return this.connectPooled(signal, false);
    const idle = this.idle.pop();
    if (idle !== undefined) return idle;
    if (this.pooled.size + this.opening < this.settings.maxConnections)
      return this.connectPooled(signal, false);
    const grant = await this.queue.wait(this.server.readTimeoutMs, signal);
    if (grant.kind === 'open') return this.connectPooled(signal, true);
    if (grant.kind === 'dedicated') return this.connect(signal, false);
    if (signal?.aborted === true) {
      this.handBack(grant.connection);
      throw new TacacsTimeoutError('deadline', undefined);
    }
    return grant.connection;
  }

  private release(connection: TacacsConnection, final: boolean): void {
    if (!connection.endSession(final)) return; // closed: onClose frees its place
    this.verdict.sessionCompleted(connection.sessionsCompleted);
    if (this.verdict.unsupported || this.pooled.size > this.settings.maxConnections) connection.close();
    else this.handBack(connection);
  }

  private handBack(connection: TacacsConnection): void {
    if (!this.queue.grant({ kind: 'reuse', connection })) this.idle.push(connection);
  }

  /** Lets waiting sessions in when a pool place is free (or when the pool is given up). */
  private pump(): void {
    if (this.closed) return;
    if (this.verdict.unsupported) {
      while (this.queue.grant({ kind: 'dedicated' }));
      return;
    }
    while (this.queue.length > 0 && this.pooled.size + this.opening < this.settings.maxConnections) {
      this.opening += 1; // reserved for the waiter granted below
      if (!this.queue.grant({ kind: 'open' })) {
        this.opening -= 1;
        return;
      }
    }
  }

  /** A pooled connection that asks for single-connect; `reserved`: its place was counted by pump(). */
  private async connectPooled(signal: AbortSignal | undefined, reserved: boolean): Promise<TacacsConnection> {
    if (!reserved) this.opening += 1;
    let connection: TacacsConnection;
    try {
      connection = await this.connect(signal, true);
    } catch (error) {
      // The place is free again: the next waiter tries (and meets the same failure, or not).
      this.opening -= 1;
      this.pump();
      throw error;
    }
    this.opening -= 1;
    this.pooled.add(connection);
    return connection;
  }

  private async connect(
    signal: AbortSignal | undefined,
    askSingleConnect: boolean,
  ): Promise<TacacsConnection> {
    if (this.closed) throw new TacacsClientClosedError();
    const stream = await this.transport.connect({
      host: this.server.host,
      port: this.server.port,
      connectTimeoutMs: this.server.connectTimeoutMs,
      localAddress: this.server.localAddress,
      signal,
    });
    if (this.closed) {
      stream.destroy();
      throw new TacacsClientClosedError();
    }
    this.settings.onConnectionOpened();
    const connection = new TacacsConnection(stream, {
      maxBodyLength: this.settings.maxBodyLength,
      idleTimeoutMs: this.settings.idleTimeoutMs,
      askSingleConnect,
      onNegotiated: (state) => this.verdict.negotiated(state),
      onClose: (closed, end) => this.onClose(closed, end),
    });
    this.all.add(connection);
    return connection;
  }

  private onClose(connection: TacacsConnection, end: ConnectionEnd): void {
    this.all.delete(connection);
    const wasPooled = this.pooled.delete(connection);
    const at = this.idle.indexOf(connection);
    if (at >= 0) this.idle.splice(at, 1);
    if (connection.singleConnect === 'yes') this.verdict.ended(end);
    if (wasPooled) this.pump();
  }
}

/** A fresh CSPRNG session_id for every session (RFC 8907 §4.1). */
function newSessionId(): number {
  for (;;) {
    const id = randomBytes(4).readUInt32BE(0);
    if (id !== 0) return id;
  }
}
