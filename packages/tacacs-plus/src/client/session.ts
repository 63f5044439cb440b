import { HeaderFlag, MAX_SEQ_NO } from '../constants';
import type { TacacsConnection } from './connection';
import { TacacsProtocolError } from '../errors';
import { decodePacketBody, isUnencrypted } from '../packet';
import { serializePacket } from '../serializer';

/** What a flow (authentication, authorization, accounting) needs from a session: no sockets, no timers. */
export interface SessionChannel {
  /** Sends the next client packet and returns the decoded reply (checked: same session, type, seq_no + 1). */
  exchange<T>(version: number, body: Buffer, decode: (plain: Buffer) => T): Promise<T>;
  /** Sends a last packet that gets no reply (CONTINUE with abort, RFC 8907 §5.3). */
  sendLast(version: number, body: Buffer): void;
}

export interface SessionParams {
  readonly connection: TacacsConnection;
  readonly sessionId: number;
  readonly type: number;
  readonly key: Buffer;
  /** False when the transport protects bodies itself (RFC 9887 TLS) or the key is empty and allowed. */
  readonly obfuscate: boolean;
  readonly readTimeoutMs: number;
  readonly signal: AbortSignal | undefined;
}

/** One TACACS+ session on a connection: odd seq_no out, even seq_no back (RFC 8907 §4.1). */
export class ClientSession implements SessionChannel {
  private seqNo = 0;

  constructor(private readonly params: SessionParams) {}

  async exchange<T>(version: number, body: Buffer, decode: (plain: Buffer) => T): Promise<T> {
    const { connection, sessionId, type, key, readTimeoutMs, signal } = this.params;
    const sent = this.write(version, body);
    const packet = await connection.waitReply(sessionId, readTimeoutMs, signal);
    const { header } = packet;
    if (header.type !== type) {
      throw new TacacsProtocolError('bad-type', `reply type ${header.type} in a session of type ${type}`);
    }
    if (header.seqNo !== sent + 1) {
      throw new TacacsProtocolError('bad-sequence', `reply seq_no ${header.seqNo}, expected ${sent + 1}`);
    }
    if (isUnencrypted(header) === this.params.obfuscate) {
      // RFC 8907 §4.5: an unobfuscated reply to an obfuscated request (or the reverse) is refused.
      // RFC 9887 §4: over TLS a reply without the UNENCRYPTED flag MUST end the session.
      throw new TacacsProtocolError(
        'unencrypted-refused',
        this.params.obfuscate
          ? 'reply obfuscation flag does not match the request'
          : 'reply without TAC_PLUS_UNENCRYPTED_FLAG where obfuscation is off (over TLS, RFC 9887 §4): session ended',
      );
    }
    this.seqNo = header.seqNo;
    return decodePacketBody(packet, key, decode);
  }

  sendLast(version: number, body: Buffer): void {
    this.write(version, body);
  }

  private write(version: number, body: Buffer): number {
    const seqNo = this.seqNo + 1;
    if (seqNo >= MAX_SEQ_NO) {
      // §4.1: seq_no must not wrap; a session this long is abandoned.
      throw new TacacsProtocolError('bad-sequence', 'session exceeded 255 packets');
    }
    // Every packet of a single-connect connection carries the flag (connection.ts explains why).
    const flags = (this.params.obfuscate ? 0 : HeaderFlag.UNENCRYPTED) | this.params.connection.headerFlags;
    this.params.connection.send(
      serializePacket(
        { version, type: this.params.type, seqNo, flags, sessionId: this.params.sessionId },
        body,
        this.params.key,
      ),
    );
    this.seqNo = seqNo;
    return seqNo;
  }
}
