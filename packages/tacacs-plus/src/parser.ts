import { DEFAULT_MAX_BODY_LENGTH, HEADER_LENGTH } from './constants';
import { TacacsProtocolError } from './errors';
import { decodeHeader, type PacketHeader } from './header';
import type { RawPacket } from './packet';

export interface ParserOptions {
  /** Largest body accepted, in bytes; checked on the header, before any buffer is allocated for it. */
  readonly maxBodyLength?: number;
}

/**
 * Streaming packet parser: accepts TCP data in any chunking (including splits inside the header) and
 * emits whole packets. It never copies more than one header (12 bytes) or one body of a length it has
 * already validated. After a protocol error it stays failed: TACACS+ has no way to resynchronise, the
 * connection must be closed.
 */
export class PacketParser {
  private readonly maxBodyLength: number;
  private readonly chunks: Buffer[] = [];
  private headOffset = 0;
  private buffered = 0;
  private header: PacketHeader | undefined;
  private failure: TacacsProtocolError | undefined;

  constructor(options: ParserOptions = {}) {
    this.maxBodyLength = options.maxBodyLength ?? DEFAULT_MAX_BODY_LENGTH;
  }

  /** Bytes received but not yet returned as part of a packet. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Feeds a chunk; calls `onPacket` for every packet it completes, then throws if the stream is bad. */
  push(chunk: Buffer, onPacket: (packet: RawPacket) => void): void {
    if (this.failure !== undefined) throw this.failure;
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    for (;;) {
      if (this.header === undefined) {
        if (this.buffered < HEADER_LENGTH) return;
        try {
          this.header = decodeHeader(this.take(HEADER_LENGTH), this.maxBodyLength);
        } catch (error) {
          this.failure =
            error instanceof TacacsProtocolError
              ? error
              : new TacacsProtocolError('bad-body', 'unreadable header', { cause: error });
          this.chunks.length = 0;
          this.buffered = 0;
          throw this.failure;
        }
      }
      if (this.buffered < this.header.length) return;
      const header = this.header;
      this.header = undefined;
      onPacket({ header, body: this.take(header.length) });
    }
  }

  /** Removes `length` (≤ buffered) bytes from the front: a view when they sit in one chunk, else a copy. */
  private take(length: number): Buffer {
    const first = this.chunks[0];
    if (length === 0 || first === undefined) return Buffer.alloc(0);
    if (first.length - this.headOffset >= length) {
      const view = first.subarray(this.headOffset, this.headOffset + length);
      this.consume(length);
      return view;
    }
    const out = Buffer.allocUnsafe(length);
    let written = 0;
    while (written < length) {
      const chunk = this.chunks[0];
      if (chunk === undefined) break;
      const n = Math.min(length - written, chunk.length - this.headOffset);
      chunk.copy(out, written, this.headOffset, this.headOffset + n);
      written += n;
      this.consume(n);
    }
    return out;
  }

  private consume(length: number): void {
    this.headOffset += length;
    this.buffered -= length;
    const first = this.chunks[0];
    if (first !== undefined && this.headOffset >= first.length) {
      this.chunks.shift();
      this.headOffset = 0;
    }
  }
}
