import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An independent, deliberately naive TACACS+ packet builder for golden bytes: written from RFC 8907's
 * text, sharing no code with src/. Tests compare the production codec against it or against the
 * published vectors, never against itself.
 */

export type Part = number | string | Buffer | readonly number[];

/** Concatenates single bytes (numbers), UTF-8 strings, buffers and byte arrays. */
export function bytes(...parts: Part[]): Buffer {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === 'number') out.push(part & 0xff);
    else if (typeof part === 'string') out.push(...Buffer.from(part, 'utf8'));
    else out.push(...part);
  }
  return Buffer.from(out);
}

/** Two bytes, big endian. */
export function u16(value: number): number[] {
  return [Math.floor(value / 256) % 256, value % 256];
}

function u32(value: number): number[] {
  return [...u16(Math.floor(value / 65536) % 65536), ...u16(value % 65536)];
}

/** RFC 8907 §4.5, literally: MD5(session_id, key, version, seq_no[, previous]) until long enough. */
export function naivePad(
  sessionId: number,
  key: string,
  version: number,
  seq: number,
  length: number,
): Buffer {
  let pad = Buffer.alloc(0);
  let previous = Buffer.alloc(0);
  while (pad.length < length) {
    const input = Buffer.concat([
      Buffer.from(u32(sessionId)),
      Buffer.from(key, 'utf8'),
      Buffer.from([version, seq]),
      previous,
    ]);
    previous = createHash('md5').update(input).digest();
    pad = Buffer.concat([pad, previous]);
  }
  return pad.subarray(0, length);
}

export interface NaiveHeader {
  readonly version: number;
  readonly type: number;
  readonly seq: number;
  readonly flags?: number;
  readonly sessionId: number;
}

/** Header ‖ (body XOR pad), or the plain body when flags has 0x01. */
export function naivePacket(header: NaiveHeader, body: Buffer, key: string): Buffer {
  const flags = header.flags ?? 0;
  const pad =
    (flags & 0x01) !== 0
      ? Buffer.alloc(body.length)
      : naivePad(header.sessionId, key, header.version, header.seq, body.length);
  const wire = Buffer.from(body.map((byte, i) => byte ^ (pad[i] ?? 0)));
  return Buffer.concat([
    Buffer.from([
      header.version,
      header.type,
      header.seq,
      flags,
      ...u32(header.sessionId),
      ...u32(body.length),
    ]),
    wire,
  ]);
}

export interface VectorPacket {
  readonly name: string;
  readonly version: number;
  readonly type: number;
  readonly seq: number;
  readonly flags: number;
  readonly session_id: number;
  readonly length: number;
  readonly key: string;
  readonly plain: string;
  readonly wire: string;
}

export interface PadVector {
  readonly name: string;
  readonly session_id: number;
  readonly key: string;
  readonly version: number;
  readonly seq: number;
  readonly pad: string;
}

/** The published vectors (copied from the project's spec folder; see the file's note for sources). */
export function loadVectors(): { packets: VectorPacket[]; pad_vectors: PadVector[] } {
  return JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'tacacs-vectors.json'), 'utf8')) as {
    packets: VectorPacket[];
    pad_vectors: PadVector[];
  };
}
