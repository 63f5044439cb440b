import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AuthenContinueFlag,
  AuthenStatus,
  decodeAcctRequest,
  decodeAuthenContinue,
  decodeAuthenStart,
  decodeAuthorRequest,
  decodePacketBody,
  encodeAuthenReply,
  HeaderFlag,
  isUnencrypted,
  type PacketHeader,
  PacketParser,
  PacketType,
  type RawPacket,
  serializePacket,
  TacacsError,
  TacacsKeyMismatchError,
} from '@sessiond/tacacs-plus';
import { handleAccounting } from './acct-handler';
import { AuthenSession } from './authen-handler';
import { handleAuthorization } from './author-handler';
import { errorBody, faultReply } from './fault-replies';
import { GARBAGE_REPLY, WRONG_KEY, type TacacsFault } from './faults';
import type { HandlerContext, HandlerReply, RequestKind, RequestLogEntry } from './handler-types';

/**
 * How a connection that uses single-connect carries sessions:
 * - `multiplex`: RFC 8907 §4.3 — the first packet asks, the first reply answers, and then any number
 *   of sessions interleave on the connection (told apart by session_id);
 * - `tac-plus`: like facebook's tac_plus started with `-S` — one session at a time; every reply carries
 *   the flag when its request did; after a session the connection stays open only if the LAST packet
 *   received carried the flag. A packet of another session while one is in progress closes the
 *   connection (that server cannot multiplex; it drops the connection on an unexpected session_id).
 */
export type SingleConnectMode = 'multiplex' | 'tac-plus';

export interface ServerConnectionDeps {
  readonly key: Buffer;
  /** TACACS+ over TLS (RFC 9887 §4): no obfuscation; every packet carries the UNENCRYPTED flag. */
  readonly tls?: boolean;
  readonly singleConnect: boolean;
  readonly singleConnectMode: SingleConnectMode;
  readonly idleTimeoutMs: number;
  readonly maxBodyLength: number;
  readonly context: HandlerContext;
  readonly fault: () => TacacsFault | undefined;
  readonly onRequest: (kind: RequestKind) => void;
  readonly onResult: (entry: RequestLogEntry) => void;
}

interface SessionState {
  readonly kind: RequestKind;
  readonly type: number;
  readonly version: number;
  lastSeq: number;
  authen?: AuthenSession;
  getdata?: boolean;
}

const KIND: Readonly<Record<number, RequestKind>> = {
  [PacketType.AUTHEN]: 'authentication',
  [PacketType.AUTHOR]: 'authorization',
  [PacketType.ACCT]: 'accounting',
};

/** One accepted connection of the test server: parses requests, runs sessions, applies faults. */
export class ServerConnection {
  private readonly parser: PacketParser;
  private readonly sessions = new Map<number, SessionState>();
  private mode: 'pending' | 'yes' | 'no' = 'pending';
  private repliedOnce = false;
  private closed = false;
  /** The server ended the connection (socket.end()): later packets are ignored, nothing more is sent. */
  private ending = false;
  /** tac-plus mode: the session in progress, and the flags of the last packet received. */
  private current: number | undefined;
  private lastFlags = 0;
  private sessionsDone = 0;
  private readonly remote: string;

  constructor(
    private readonly socket: Socket,
    private readonly deps: ServerConnectionDeps,
  ) {
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.parser = new PacketParser({ maxBodyLength: deps.maxBodyLength });
    socket.setNoDelay(true);
    socket.setTimeout(deps.idleTimeoutMs, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => (this.closed = true));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    try {
      this.parser.push(chunk, (packet) => {
        this.handle(packet).catch(() => this.socket.destroy());
      });
    } catch {
      // Not TACACS+ (or over the size limit): there is no way to resynchronise.
      this.socket.destroy();
    }
  }

  private async handle(packet: RawPacket): Promise<void> {
    const { header } = packet;
    if (this.ending) return;
    if (this.deps.singleConnectMode === 'tac-plus') {
      if (this.current !== undefined && this.current !== header.sessionId) {
        this.socket.destroy();
        return;
      }
      this.current = header.sessionId;
      this.lastFlags = header.flags;
    }
    if (this.mode === 'pending') {
      // RFC 8907 §4.3: the first packet asks, the first reply answers.
      this.mode = (header.flags & HeaderFlag.SINGLE_CONNECT) !== 0 && this.deps.singleConnect ? 'yes' : 'no';
    }
    if (header.seqNo % 2 === 0) {
      this.socket.destroy();
      return;
    }
    let session = this.sessions.get(header.sessionId);
    if (session === undefined) {
      const kind = KIND[header.type];
      if (header.seqNo !== 1 || kind === undefined) {
        this.socket.destroy();
        return;
      }
      session = { kind, type: header.type, version: header.version, lastSeq: 1 };
      this.sessions.set(header.sessionId, session);
      this.deps.onRequest(kind);
    } else if (header.seqNo !== session.lastSeq + 2 || header.type !== session.type) {
      this.socket.destroy();
      return;
    } else {
      session.lastSeq = header.seqNo;
    }
    const reply = await this.answer(packet, session);
    // A dropped reply leaves the session (and the connection) open and silent, like a server that hangs.
    if (reply !== undefined && !(await this.send(header, reply))) return;
    if (reply === undefined || reply.done) this.endSession(header.sessionId, session, reply);
  }

  private async answer(packet: RawPacket, session: SessionState): Promise<HandlerReply | undefined> {
    const { header } = packet;
    const fail = (result: string, serverMsg: string): HandlerReply => ({
      body: errorBody(header.type, serverMsg),
      done: true,
      result,
      username: '',
      detail: serverMsg,
    });
    if (this.deps.tls === true && !isUnencrypted(header)) {
      // RFC 9887 §4: ERROR (with the UNENCRYPTED flag) and the session ends.
      return fail('error', 'TAC_PLUS_UNENCRYPTED_FLAG must be set over TLS (RFC 9887)');
    }
    if (isUnencrypted(header) !== (this.deps.key.length === 0)) {
      return fail('error', 'obfuscation flag does not match the server configuration');
    }
    const fault = this.deps.fault();
    try {
      if (header.seqNo === 1) {
        const faulted = faultReply(fault, header.type);
        if (faulted !== undefined) {
          if (faulted.done === false) session.getdata = true;
          return { ...faulted, username: '' };
        }
      }
      const decode = <T>(decoder: (body: Buffer) => T): T => decodePacketBody(packet, this.deps.key, decoder);
      switch (header.type) {
        case PacketType.AUTHEN:
          return await this.authen(packet, session, decode);
        case PacketType.AUTHOR:
          return handleAuthorization(this.deps.context, decode(decodeAuthorRequest), header.version);
        default:
          return await handleAccounting(this.deps.context, decode(decodeAcctRequest), header.version);
      }
    } catch (error) {
      if (error instanceof TacacsKeyMismatchError)
        return fail('error', 'cannot decode the request (key mismatch?)');
      if (error instanceof TacacsError) return fail('error', 'malformed request');
      throw error;
    }
  }

  private async authen(
    packet: RawPacket,
    session: SessionState,
    decode: <T>(decoder: (body: Buffer) => T) => T,
  ): Promise<HandlerReply | undefined> {
    if (packet.header.seqNo === 1) {
      session.authen = new AuthenSession(this.deps.context);
      return session.authen.start(decode(decodeAuthenStart), packet.header.version);
    }
    const body = decode(decodeAuthenContinue);
    if (session.getdata === true) {
      // GETDATA fault: the client must abort (RFC 8907 §5.4.3 lets it); an answer still fails.
      if ((body.flags & AuthenContinueFlag.ABORT) !== 0) return undefined;
      return {
        body: encodeAuthenReply({ status: AuthenStatus.FAIL }),
        done: true,
        result: 'fail',
        username: '',
      };
    }
    return session.authen?.continue(body);
  }

  /** Writes the reply as the fault mode dictates; false when nothing was sent (drop, or closed meanwhile). */
  private async send(request: PacketHeader, reply: HandlerReply): Promise<boolean> {
    const fault = this.deps.fault();
    if (fault?.type === 'delay') await sleep(fault.ms);
    if (this.closed || this.ending || fault?.type === 'drop') return false;
    // Over TLS every reply carries the UNENCRYPTED flag (RFC 9887 §4), unless a fault says otherwise.
    let flags =
      fault?.type === 'obfuscated-reply'
        ? 0
        : this.deps.tls === true
          ? HeaderFlag.UNENCRYPTED
          : request.flags & HeaderFlag.UNENCRYPTED;
    if (this.deps.singleConnectMode === 'tac-plus') {
      // tac_plus echoes the request's single-connect flag in every reply (when -S allows it).
      if (this.deps.singleConnect) flags |= request.flags & HeaderFlag.SINGLE_CONNECT;
    } else if (!this.repliedOnce && this.mode === 'yes') flags |= HeaderFlag.SINGLE_CONNECT;
    this.repliedOnce = true;
    const key =
      fault?.type === 'wrong-key' || (fault?.type === 'obfuscated-reply' && this.deps.key.length === 0)
        ? WRONG_KEY
        : this.deps.key;
    const bytes = serializePacket(
      {
        version: request.version,
        type: request.type,
        seqNo: request.seqNo + 1,
        flags,
        sessionId: request.sessionId,
      },
      reply.body,
      key,
    );
    if (fault?.type === 'garbage') {
      this.socket.end(GARBAGE_REPLY);
      return true;
    }
    if (fault?.type === 'close-mid-reply') {
      this.socket.end(bytes.subarray(0, Math.ceil(bytes.length / 2)));
      return true;
    }
    this.socket.write(bytes);
    return true;
  }

  private endSession(sessionId: number, session: SessionState, reply: HandlerReply | undefined): void {
    this.sessions.delete(sessionId);
    this.deps.onResult({
      time: new Date().toISOString(),
      remote: this.remote,
      kind: session.kind,
      username: reply?.username ?? '',
      result: reply?.result ?? 'abort',
      ...(reply?.detail !== undefined ? { detail: reply.detail } : {}),
    });
    this.sessionsDone += 1;
    const fault = this.deps.fault();
    if (fault?.type === 'close-after-sessions' && this.sessionsDone >= fault.sessions) {
      this.end();
      return;
    }
    if (this.deps.singleConnectMode === 'tac-plus') {
      this.current = undefined;
      // tac_plus keeps reading only if the last packet it received asked for single-connect.
      if (!this.deps.singleConnect || (this.lastFlags & HeaderFlag.SINGLE_CONNECT) === 0) this.end();
      return;
    }
    // Without single-connect the connection carries one session (RFC 8907 §4.3).
    if (this.mode !== 'yes' && this.sessions.size === 0) this.end();
  }

  private end(): void {
    this.ending = true;
    this.socket.end();
  }
}
