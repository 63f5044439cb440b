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
import { onAbort } from './abort-watch';
import { connectionError } from './transport';

/** `pending`: asked with the first packet, no reply yet; `yes` / `no`: the first reply settled it. */
export type SingleConnectState = 'pending' | 'yes' | 'no';

/** How a connection ended, for the pool's verdict on the server (single-connect-verdict.ts). */
export interface ConnectionEnd {
  /** The server (or the network) ended it; false when the client closed it. */
  readonly byServer: boolean;
  /** A session was in progress (sent, without its final reply). */
  readonly midSession: boolean;
  readonly sessionsCompleted: number;
  /** How long it had been idle when it ended (undefined mid-session or before any session). */
  readonly idleForMs: number | undefined;
}

export interface ConnectionOptions {
  readonly maxBodyLength: number;
  /** Idle close of a kept single-connect connection, in ms. */
  readonly idleTimeoutMs: number;
  /** Ask for single-connect with the first packet (RFC 8907 §4.3). */
  readonly askSingleConnect: boolean;
  readonly onNegotiated?: (state: 'yes' | 'no') => void;
  readonly onClose?: (connection: TacacsConnection, end: ConnectionEnd) => void;
}

interface Waiter {
  readonly sessionId: number;
  resolve(packet: RawPacket): void;
  reject(error: TacacsServerFailure): void;
}

/**
 * One client connection (the I/O layer). It carries ONE session at a time: servers in the field (tac_plus
 * with -S, many NAS-side implementations) cannot interleave sessions, so the pool serializes them
 * (server-connections.ts). Once single-connect is negotiated every packet carries the flag, because
 * such servers keep a connection after a session only if its last packet asked for it (issue 13).
 */
export class TacacsConnection {
  private readonly parser: PacketParser;
  private waiter: Waiter | undefined;
  private current: number | undefined;
  private completed = 0;
  private idleSince: number | undefined;
  private failure: TacacsServerFailure | undefined;
  private closedByClient = false;
  private socketError: unknown;
  private idleTimer: NodeJS.Timeout | undefined;
  private state: SingleConnectState;

  constructor(
    private readonly stream: Duplex,
    private readonly options: ConnectionOptions,
  ) {
    this.state = options.askSingleConnect ? 'pending' : 'no';
    this.parser = new PacketParser({ maxBodyLength: options.maxBodyLength });
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('error', (error) => (this.socketError = error));
    stream.on('close', () => this.onClosed());
  }

  get singleConnect(): SingleConnectState {
    return this.state;
  }

  /** Header flags for every packet sent now: SINGLE_CONNECT while asking and once agreed. */
  get headerFlags(): number {
    return this.state === 'no' ? 0 : HeaderFlag.SINGLE_CONNECT;
  }

  get usable(): boolean {
    return this.failure === undefined;
  }

  get sessionsCompleted(): number {
    return this.completed;
  }

  beginSession(sessionId: number): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.current !== undefined) throw new Error('a TACACS+ connection carries one session at a time');
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.idleSince = undefined;
    this.setRef(true);
    this.current = sessionId;
  }

  /**
   * Ends the session in progress. `final`: it got its last reply (or sent its last packet), so the
   * connection may carry the next one if single-connect was agreed. Otherwise the server may still be
   * busy with it, and a server that cannot multiplex would take the next session's packets for its own:
   * the connection closes. Returns whether the connection can take another session.
   */
  endSession(final: boolean): boolean {
    this.current = undefined;
    this.waiter = undefined;
    if (this.failure !== undefined) return false;
    if (!final || this.state !== 'yes') {
      this.close();
      return false;
    }
    this.completed += 1;
    this.idleSince = performance.now();
    // An idle connection must not keep a process alive.
    this.setRef(false);
    this.idleTimer = setTimeout(() => this.close(), this.options.idleTimeoutMs);
    this.idleTimer.unref();
    return true;
  }

  send(packet: Buffer): void {
    if (this.failure !== undefined) throw this.failure;
    this.stream.write(packet);
  }

  /** Waits for the next packet of the session in progress, at most `timeoutMs`, or until `signal` aborts. */
  waitReply(sessionId: number, timeoutMs: number, signal: AbortSignal | undefined): Promise<RawPacket> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (signal?.aborted === true) return Promise.reject(new TacacsTimeoutError('deadline', undefined));
    return new Promise<RawPacket>((resolve, reject) => {
      let unwatch = (): void => undefined;
      const settle = (): void => {
        clearTimeout(timer);
        unwatch();
        this.waiter = undefined;
      };
      const timer = setTimeout(() => {
        settle();
        reject(new TacacsTimeoutError('read', timeoutMs));
      }, timeoutMs);
      if (signal !== undefined) {
        unwatch = onAbort(signal, () => {
          settle();
          reject(new TacacsTimeoutError('deadline', undefined));
        });
      }
      this.waiter = {
        sessionId,
        resolve: (packet) => {
          settle();
          resolve(packet);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
    });
  }

  /** Closes the stream; a waiting session fails with a `closed` connection error. */
  close(): void {
    this.closedByClient = true;
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
      // RFC 8907 §4.3: the first reply on a connection settles single-connect mode.
      this.state = (flags & HeaderFlag.SINGLE_CONNECT) !== 0 ? 'yes' : 'no';
      this.options.onNegotiated?.(this.state);
    }
    const waiter = this.waiter;
    if (waiter !== undefined && waiter.sessionId === sessionId) {
      waiter.resolve(packet);
      return;
    }
    const ours = sessionId === this.current;
    throw new TacacsProtocolError(
      ours ? 'bad-sequence' : 'bad-session',
      ours ? 'unexpected extra packet in a session' : 'reply for an unknown session_id',
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
    const end: ConnectionEnd = {
      byServer: !this.closedByClient,
      midSession: this.current !== undefined,
      sessionsCompleted: this.completed,
      idleForMs:
        this.current === undefined && this.idleSince !== undefined
          ? performance.now() - this.idleSince
          : undefined,
    };
    this.waiter?.reject(error);
    this.waiter = undefined;
    this.stream.destroy();
    this.options.onClose?.(this, end);
  }

  private setRef(active: boolean): void {
    const socket = this.stream as Duplex & { ref?: () => void; unref?: () => void };
    if (active) socket.ref?.();
    else socket.unref?.();
  }
}
