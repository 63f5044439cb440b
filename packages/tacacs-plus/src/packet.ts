import { HeaderFlag } from './constants';
import { TacacsKeyMismatchError, TacacsProtocolError } from './errors';
import type { PacketHeader } from './header';
import { obfuscate } from './obfuscation';

/** A packet as read from the wire: validated header and the (possibly obfuscated) body. */
export interface RawPacket {
  readonly header: PacketHeader;
  readonly body: Buffer;
}

export function isUnencrypted(header: PacketHeader): boolean {
  return (header.flags & HeaderFlag.UNENCRYPTED) !== 0;
}

/** The plain body: de-obfuscated with `key` unless the packet carries the UNENCRYPTED flag. */
export function revealBody(packet: RawPacket, key: Buffer): Buffer {
  if (isUnencrypted(packet.header)) return packet.body;
  const { sessionId, version, seqNo } = packet.header;
  return obfuscate(packet.body, { sessionId, key, version, seqNo });
}

/**
 * De-obfuscates and decodes a body. When an obfuscated body's field lengths do not add up, the pad was
 * wrong: that is reported as a key mismatch (RFC 8907 §4.5), not as a malformed packet.
 */
export function decodePacketBody<T>(packet: RawPacket, key: Buffer, decode: (body: Buffer) => T): T {
  const plain = revealBody(packet, key);
  try {
    return decode(plain);
  } catch (error) {
    if (
      error instanceof TacacsProtocolError &&
      error.reason === 'bad-body' &&
      !isUnencrypted(packet.header)
    ) {
      throw new TacacsKeyMismatchError();
    }
    throw error;
  }
}
