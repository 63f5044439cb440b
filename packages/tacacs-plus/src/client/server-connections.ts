import { randomBytes } from 'node:crypto';
import { HeaderFlag } from '../constants';
import { TacacsConnection } from './connection';
import { TacacsClientClosedError, TacacsConnectionError, TacacsTimeoutError } from '../errors';
import type { TacacsTransport } from './transport';
import type { ResolvedServer } from './options';

export interface SessionSlot {
  readonly connection: TacacsConnection;
  readonly sessionId: number;
  /** Header flags for the session's first packet (SINGLE_CONNECT while negotiating). */
  readonly firstFlags: number;
}

export interface ConnectionSettings {
  readonly idleTimeoutMs: number;
  readonly maxBodyLength: number;
  readonly onConnectionOpened: () => void;
}

/** Waits for `promise`, or rejects with a deadline error when `signal` aborts first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(new TacacsTimeoutError('deadline', undefined));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new TacacsTimeoutError('deadline', undefined));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * The connections to one server (I/O layer). Without single-connect every session gets its own
 * connection, closed when the session ends. With single-connect (RFC 8907 §4.3) the first session on a
 * connection negotiates: others wait for that first reply, then share the connection (multiplexed by
 * session_id) if the server agreed; a stale shared connection is replaced transparently once.
 */
export class ServerConnections {
  private shared: TacacsConnection | undefined;
  private declined = false;
  private connecting: Promise<TacacsConnection> | undefined;
  private closed = false;
  private readonly open = new Set<TacacsConnection>();

  constructor(
    private readonly server: ResolvedServer,
    private readonly transport: TacacsTransport,
    private readonly settings: ConnectionSettings,
  ) {}

  /** Runs `session` on a suitable connection and always ends the session afterwards. */
  async run<T>(signal: AbortSignal | undefined, session: (slot: SessionSlot) => Promise<T>): Promise<T> {
    for (let reuse = 0; ; reuse += 1) {
      const { connection, firstFlags, reused } = await this.acquire(signal);
      const sessionId = this.newSessionId(connection);
      let abandon = true;
      try {
        connection.openSession(sessionId);
        const result = await session({ connection, sessionId, firstFlags });
        abandon = false;
        return result;
      } catch (error) {
        // A shared connection the server closed while idle: replace it once, if this session had no reply.
        const stale =
          reused &&
          reuse === 0 &&
          error instanceof TacacsConnectionError &&
          !connection.hasReplied(sessionId);
        if (!stale) throw error;
      } finally {
        connection.endSession(sessionId, abandon);
      }
    }
  }

  /** Closes every connection; sessions still waiting fail with a connection error. */
  closeAll(): void {
    this.closed = true;
    for (const connection of [...this.open]) connection.close();
    this.shared = undefined;
  }

  private async acquire(
    signal: AbortSignal | undefined,
  ): Promise<{ connection: TacacsConnection; firstFlags: number; reused: boolean }> {
    if (!this.server.singleConnect)
      return { connection: await this.connect(signal), firstFlags: 0, reused: false };
    for (;;) {
      if (this.declined) return { connection: await this.connect(signal), firstFlags: 0, reused: false };
      if (this.connecting !== undefined) {
        // Another session is opening the shared connection: share its fate (and its error).
        await untilAborted(this.connecting, signal);
        continue;
      }
      const shared = this.shared;
      if (shared !== undefined && shared.usable) {
        if (shared.singleConnect === 'yes') return { connection: shared, firstFlags: 0, reused: true };
        if (shared.singleConnect === 'pending') {
          // §4.3: no second packet on a connection before single-connect is established.
          await untilAborted(shared.negotiated, signal);
          continue;
        }
        this.declined = true;
        continue;
      }
      // This session opens the connection and negotiates with its first packet.
      const connecting = this.connect(signal);
      this.connecting = connecting;
      try {
        const connection = await connecting;
        this.shared = connection;
        void connection.negotiated.then(() => {
          if (connection.singleConnect === 'no') this.declined = true;
        });
        return { connection, firstFlags: HeaderFlag.SINGLE_CONNECT, reused: false };
      } finally {
        if (this.connecting === connecting) this.connecting = undefined;
      }
    }
  }

  private async connect(signal: AbortSignal | undefined): Promise<TacacsConnection> {
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
      onClose: (closed) => {
        this.open.delete(closed);
        if (this.shared === closed) this.shared = undefined;
      },
    });
    this.open.add(connection);
    return connection;
  }

  /** A fresh CSPRNG session_id for every session (RFC 8907 §4.1), unique on its connection. */
  private newSessionId(connection: TacacsConnection): number {
    for (;;) {
      const id = randomBytes(4).readUInt32BE(0);
      if (id !== 0 && !connection.hasSession(id)) return id;
    }
  }
}
