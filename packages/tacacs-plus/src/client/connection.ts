import type { Duplex } from 'node:stream';
import { HeaderFlag } from '../constants';
import {
  TacacsConnectionError,
  TacacsProtocolError,
  TacacsTimeoutError,
  type TacacsServerFailure,
} from '../errors';
import type { RawPacket } from '../packet';
import { PacketParser } from '../parser';
import { connectionError } from './transport';

/** Session ids remembered after their session gave up, so that a late reply is dropped quietly. */
const MAX_ABANDONED = 1024;

export type SingleConnectState = 'pending' | 'yes' | 'no';

interface Waiter {
  resolve(packet: RawPacket): void;
  reject(error: TacacsServerFailure): void;
}

export interface ConnectionOptions {
  readonly maxBodyLength: number;
  /** Idle close of a single-connect connection with no session, in ms. */
  readonly idleTimeoutMs: number;
  readonly onClose?: (connection: TacacsConnection) => void;
}

/**
 * One client connection (the I/O layer): writes packets, parses replies, hands each reply to the session
 * waiting for it (sessions are multiplexed by session_id once single-connect is negotiated, RFC 8907
 * §4.3), and fails every waiting session when the stream breaks or the peer sends garbage.
 */
export class TacacsConnection {
  private readonly parser: PacketParser;
  private readonly waiters = new Map<number, Waiter>();
  private readonly sessions = new Set<number>();
  private readonly replied = new Set<number>();
  // Replies that arrive after a session gave up (timeout, deadline) are dropped, not treated as garbage.
  private readonly abandoned = new Set<number>();
  private failure: TacacsServerFailure | undefined;
  private socketError: unknown;
  private idleTimer: NodeJS.Timeout | undefined;
  private state: SingleConnectState = 'pending';
  private settleNegotiation!: () => void;
  /** Resolves once the first reply told whether the server keeps the connection, or when it closes. */
  readonly negotiated: Promise<void>;
  /** No new sessions (a read timed out on it): closed once its sessions end. */
  private retired = false;

  constructor(
    private readonly stream: Duplex,
    private readonly options: ConnectionOptions,
  ) {
    this.parser = new PacketParser({ maxBodyLength: options.maxBodyLength });
    this.negotiated = new Promise((resolve) => (this.settleNegotiation = resolve));
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('error', (error) => (this.socketError = error));
    stream.on('close', () => this.onClosed());
  }

  get singleConnect(): SingleConnectState {
    return this.state;
  }

  /** Open, not retired: may take new sessions. */
  get usable(): boolean {
    return this.failure === undefined && !this.retired;
  }

  get activeSessions(): number {
    return this.sessions.size;
  }

  hasSession(sessionId: number): boolean {
    return this.sessions.has(sessionId) || this.abandoned.has(sessionId);
  }

  /** True when the session got at least one reply on this connection (so it cannot be silently re-run). */
  hasReplied(sessionId: number): boolean {
    return this.replied.has(sessionId);
  }

  openSession(sessionId: number): void {
    if (this.failure !== undefined) throw this.failure;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.setRef(true);
    this.sessions.add(sessionId);
  }

  /** Ends a session; `abandon` keeps its id so a late reply is ignored. */
  endSession(sessionId: number, abandon: boolean): void {
    this.sessions.delete(sessionId);
    this.replied.delete(sessionId);
    this.waiters.delete(sessionId);
    if (abandon) this.rememberAbandoned(sessionId);
    if (this.sessions.size > 0) return;
    if (this.retired || this.state !== 'yes') {
      this.close();
      return;
    }
    this.setRef(false);
    this.idleTimer = setTimeout(() => this.close(), this.options.idleTimeoutMs);
    this.idleTimer.unref();
  }

  send(packet: Buffer): void {
    if (this.failure !== undefined) throw this.failure;
    this.stream.write(packet);
  }

  /** Waits for the next packet of `sessionId`, at most `timeoutMs`, or until `signal` aborts. */
  waitReply(sessionId: number, timeoutMs: number, signal: AbortSignal | undefined): Promise<RawPacket> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (signal?.aborted === true) return Promise.reject(new TacacsTimeoutError('deadline', undefined));
    return new Promise<RawPacket>((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiters.delete(sessionId);
      };
      const onAbort = (): void => {
        cleanup();
        reject(new TacacsTimeoutError('deadline', undefined));
      };
      const timer = setTimeout(() => {
        cleanup();
        // A server that stops answering on a shared connection may have lost it: stop using it.
        this.retired = true;
        reject(new TacacsTimeoutError('read', timeoutMs));
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.set(sessionId, {
        resolve: (packet) => {
          cleanup();
          resolve(packet);
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
      });
    });
  }

  /** Closes the stream; waiting sessions fail with a `closed` connection error. */
  close(): void {
    this.fail(new TacacsConnectionError('closed', 'connection closed by the client'));
  }

  private onData(chunk: Buffer): void {
    try {
      this.parser.push(chunk, (packet) => this.dispatch(packet));
    } catch (error) {
      this.fail(
        error instanceof TacacsProtocolError
          ? error
          : new TacacsProtocolError('bad-body', 'unreadable reply', { cause: error }),
      );
    }
  }

  private dispatch(packet: RawPacket): void {
    const { sessionId, flags } = packet.header;
    if (this.state === 'pending') {
      // RFC 8907 §4.3: only the first reply on a connection negotiates single-connect mode.
      this.state = (flags & HeaderFlag.SINGLE_CONNECT) !== 0 ? 'yes' : 'no';
      this.settleNegotiation();
    }
    const waiter = this.waiters.get(sessionId);
    if (waiter !== undefined) {
      this.replied.add(sessionId);
      waiter.resolve(packet);
      return;
    }
    if (this.abandoned.has(sessionId)) return;
    throw new TacacsProtocolError(
      this.sessions.has(sessionId) ? 'bad-sequence' : 'bad-session',
      this.sessions.has(sessionId)
        ? 'unexpected extra packet in a session'
        : 'reply for an unknown session_id',
    );
  }

  private onClosed(): void {
    const midReply = this.parser.bufferedBytes > 0 ? ' mid-reply' : '';
    this.fail(
      this.socketError !== undefined
        ? connectionError(this.socketError, `connection lost${midReply}`)
        : new TacacsConnectionError('closed', `connection closed by the server${midReply}`),
    );
  }

  private fail(error: TacacsServerFailure): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    clearTimeout(this.idleTimer);
    this.settleNegotiation();
    for (const waiter of [...this.waiters.values()]) waiter.reject(error);
    this.waiters.clear();
    this.stream.destroy();
    this.options.onClose?.(this);
  }

  private rememberAbandoned(sessionId: number): void {
    this.abandoned.add(sessionId);
    // Bounded: a long-lived shared connection must not grow without limit; the oldest go first.
    if (this.abandoned.size > MAX_ABANDONED) {
      const oldest = this.abandoned.values().next();
      if (oldest.done !== true) this.abandoned.delete(oldest.value);
    }
  }

  private setRef(active: boolean): void {
    // An idle shared connection must not keep a process alive.
    const socket = this.stream as Duplex & { ref?: () => void; unref?: () => void };
    if (active) socket.ref?.();
    else socket.unref?.();
  }
}
