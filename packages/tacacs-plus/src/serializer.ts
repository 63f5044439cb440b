import { HeaderFlag } from './constants';
import { encodeHeader } from './header';
import { obfuscate } from './obfuscation';

/** Header fields of a packet to send; the body length is filled in. */
export interface PacketFields {
  readonly version: number;
  readonly type: number;
  readonly seqNo: number;
  readonly flags: number;
  readonly sessionId: number;
}

/**
 * Header ‖ body, the body obfuscated with `key` (RFC 8907 §4.5) unless the UNENCRYPTED flag is set
 * (test setups and RFC 9887 TLS, where the TLS layer protects the body).
 */
export function serializePacket(fields: PacketFields, plainBody: Buffer, key: Buffer): Buffer {
  const body =
    (fields.flags & HeaderFlag.UNENCRYPTED) !== 0
      ? plainBody
      : obfuscate(plainBody, {
          sessionId: fields.sessionId,
          key,
          version: fields.version,
          seqNo: fields.seqNo,
        });
  return Buffer.concat([encodeHeader({ ...fields, length: body.length }), body]);
}
