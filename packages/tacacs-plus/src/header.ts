import { HEADER_LENGTH, HeaderOffset, MAJOR_VERSION, PacketType, Version } from './constants';
import { TacacsProtocolError } from './errors';

/** RFC 8907 §4.1: the 12-byte packet header. */
export interface PacketHeader {
  /** Full version byte: 0xC0 (minor 0) or 0xC1 (minor 1). */
  readonly version: number;
  /** 1 authentication, 2 authorization, 3 accounting. */
  readonly type: number;
  readonly seqNo: number;
  readonly flags: number;
  /** Unsigned 32-bit session id. */
  readonly sessionId: number;
  /** Body length in bytes. */
  readonly length: number;
}

const KNOWN_VERSIONS: ReadonlySet<number> = new Set(Object.values(Version));
const KNOWN_TYPES: ReadonlySet<number> = new Set(Object.values(PacketType));

/** Writes a header; `length` is the body length. */
export function encodeHeader(header: PacketHeader): Buffer {
  const out = Buffer.allocUnsafe(HEADER_LENGTH);
  out.writeUInt8(header.version, HeaderOffset.VERSION);
  out.writeUInt8(header.type, HeaderOffset.TYPE);
  out.writeUInt8(header.seqNo, HeaderOffset.SEQ_NO);
  out.writeUInt8(header.flags, HeaderOffset.FLAGS);
  out.writeUInt32BE(header.sessionId >>> 0, HeaderOffset.SESSION_ID);
  out.writeUInt32BE(header.length, HeaderOffset.LENGTH);
  return out;
}

/**
 * Reads and validates a header from the first 12 bytes of `bytes`. The body length is checked against
 * `maxBodyLength` here, so a caller never allocates for a length it would refuse.
 */
export function decodeHeader(bytes: Buffer, maxBodyLength: number): PacketHeader {
  if (bytes.length < HEADER_LENGTH) {
    throw new TacacsProtocolError('truncated', `a header is ${HEADER_LENGTH} bytes, got ${bytes.length}`);
  }
  const version = bytes.readUInt8(HeaderOffset.VERSION);
  if (version >> 4 !== MAJOR_VERSION || !KNOWN_VERSIONS.has(version)) {
    throw new TacacsProtocolError('bad-version', `unsupported version byte 0x${version.toString(16)}`);
  }
  const type = bytes.readUInt8(HeaderOffset.TYPE);
  if (!KNOWN_TYPES.has(type)) {
    throw new TacacsProtocolError('bad-type', `unknown packet type ${type}`);
  }
  const length = bytes.readUInt32BE(HeaderOffset.LENGTH);
  if (length > maxBodyLength) {
    throw new TacacsProtocolError('too-long', `body length ${length} exceeds the limit of ${maxBodyLength}`);
  }
  return {
    version,
    type,
    seqNo: bytes.readUInt8(HeaderOffset.SEQ_NO),
    flags: bytes.readUInt8(HeaderOffset.FLAGS),
    sessionId: bytes.readUInt32BE(HeaderOffset.SESSION_ID),
    length,
  };
}
