import { createHash } from 'node:crypto';

/** MD5 digest length: the pad grows 16 bytes per round (RFC 8907 §4.5). */
const MD5_LENGTH = 16;
const SESSION_ID_LENGTH = 4;

export interface PadInput {
  readonly sessionId: number;
  readonly key: Buffer;
  readonly version: number;
  readonly seqNo: number;
}

/**
 * RFC 8907 §4.5: pseudo_pad = MD5_1 ‖ MD5_2 ‖ … truncated to `length`, where
 * MD5_1 = MD5(session_id ‖ key ‖ version ‖ seq_no) and MD5_n = MD5(session_id ‖ key ‖ version ‖ seq_no ‖ MD5_n-1).
 */
export function pseudoPad(input: PadInput, length: number): Buffer {
  const prefix = Buffer.allocUnsafe(SESSION_ID_LENGTH + input.key.length + 2);
  prefix.writeUInt32BE(input.sessionId >>> 0, 0);
  input.key.copy(prefix, SESSION_ID_LENGTH);
  prefix.writeUInt8(input.version, SESSION_ID_LENGTH + input.key.length);
  prefix.writeUInt8(input.seqNo, SESSION_ID_LENGTH + input.key.length + 1);

  const rounds = Math.ceil(length / MD5_LENGTH);
  const pad = Buffer.allocUnsafe(rounds * MD5_LENGTH);
  let previous: Buffer | undefined;
  for (let round = 0; round < rounds; round += 1) {
    const hash = createHash('md5').update(prefix);
    if (previous !== undefined) hash.update(previous);
    previous = hash.digest();
    previous.copy(pad, round * MD5_LENGTH);
  }
  return pad.subarray(0, length);
}

/** XORs `body` with the pseudo pad: the same call obfuscates and de-obfuscates. Returns a new buffer. */
export function obfuscate(body: Buffer, input: PadInput): Buffer {
  const pad = pseudoPad(input, body.length);
  const out = Buffer.allocUnsafe(body.length);
  for (let i = 0; i < body.length; i += 1) {
    out[i] = (body[i] ?? 0) ^ (pad[i] ?? 0);
  }
  return out;
}
