import {
  PacketParser,
  decodeAcctReply,
  decodeAcctRequest,
  decodeAuthenContinue,
  decodeAuthenReply,
  decodeAuthenStart,
  decodeAuthorRequest,
  decodeAuthorResponse,
  decodeHeader,
  decodePacketBody,
  encodeAcctReply,
  encodeAcctRequest,
  encodeAuthenContinue,
  encodeAuthenReply,
  encodeAuthenStart,
  encodeAuthorRequest,
  encodeAuthorResponse,
  pseudoPad,
  revealBody,
  serializePacket,
  TacacsKeyMismatchError,
  type RawPacket,
} from '../src';
import { loadVectors, naivePacket, naivePad, type VectorPacket } from './helpers/naive-packet';

const { packets, pad_vectors: padVectors } = loadVectors();

/** Decodes then re-encodes a plain body with the codec matching the packet's type and direction. */
function roundTrip(vector: VectorPacket, plain: Buffer): Buffer {
  const fromClient = vector.seq % 2 === 1;
  switch (vector.type) {
    case 1:
      if (vector.seq === 1) return encodeAuthenStart(decodeAuthenStart(plain));
      return fromClient
        ? encodeAuthenContinue(decodeAuthenContinue(plain))
        : encodeAuthenReply(decodeAuthenReply(plain));
    case 2:
      return fromClient
        ? encodeAuthorRequest(decodeAuthorRequest(plain))
        : encodeAuthorResponse(decodeAuthorResponse(plain));
    case 3:
      return fromClient
        ? encodeAcctRequest(decodeAcctRequest(plain))
        : encodeAcctReply(decodeAcctReply(plain));
    default:
      throw new Error(`vector ${vector.name} has type ${vector.type}`);
  }
}

function parseAll(chunks: readonly Buffer[]): RawPacket[] {
  const parser = new PacketParser();
  const out: RawPacket[] = [];
  for (const chunk of chunks) parser.push(chunk, (packet) => out.push(packet));
  expect(parser.bufferedBytes).toBe(0);
  return out;
}

test('the vector file has the 14 packets and the pad vector', () => {
  expect(packets).toHaveLength(14);
  expect(padVectors).toHaveLength(1);
});

describe.each(packets.map((p) => [p.name, p] as const))('vector %s', (_name, vector) => {
  const wire = Buffer.from(vector.wire, 'hex');
  const plain = Buffer.from(vector.plain, 'hex');
  const key = Buffer.from(vector.key, 'utf8');

  test('header decodes to the published fields', () => {
    expect(decodeHeader(wire, 65_535)).toEqual({
      version: vector.version,
      type: vector.type,
      seqNo: vector.seq,
      flags: vector.flags,
      sessionId: vector.session_id,
      length: vector.length,
    });
  });

  test('wire bytes decode to the plain body', () => {
    const [packet] = parseAll([wire]);
    expect(packet).toBeDefined();
    expect(revealBody(packet as RawPacket, key).toString('hex')).toBe(vector.plain);
  });

  test('the plain body decodes and re-encodes byte for byte', () => {
    expect(roundTrip(vector, plain).toString('hex')).toBe(vector.plain);
  });

  test('the serializer re-encodes the wire bytes', () => {
    const fields = {
      version: vector.version,
      type: vector.type,
      seqNo: vector.seq,
      flags: vector.flags,
      sessionId: vector.session_id,
    };
    expect(serializePacket(fields, plain, key).toString('hex')).toBe(vector.wire);
  });

  test('the naive test builder agrees with the published wire bytes (checks the test builder)', () => {
    const header = {
      version: vector.version,
      type: vector.type,
      seq: vector.seq,
      flags: vector.flags,
      sessionId: vector.session_id,
    };
    expect(naivePacket(header, plain, vector.key).toString('hex')).toBe(vector.wire);
  });

  test('the parser returns the packet for every split point', () => {
    for (let at = 0; at <= wire.length; at += 1) {
      const parsed = parseAll([wire.subarray(0, at), wire.subarray(at)]);
      expect(parsed).toHaveLength(1);
      expect((parsed[0] as RawPacket).body.toString('hex')).toBe(vector.wire.slice(24));
    }
  });

  test('a wrong key is reported as a key mismatch, not as garbage', () => {
    if (vector.flags & 0x01) {
      // Unencrypted packets do not depend on the key at all.
      const [packet] = parseAll([wire]);
      expect(revealBody(packet as RawPacket, Buffer.from('other')).toString('hex')).toBe(vector.plain);
      return;
    }
    const [packet] = parseAll([wire]);
    const decode = (body: Buffer): unknown => decodeBodyFor(vector, body);
    expect(() => decodePacketBody(packet as RawPacket, Buffer.from(`${vector.key}x`), decode)).toThrow(
      TacacsKeyMismatchError,
    );
    expect(decodePacketBody(packet as RawPacket, key, decode)).toBeDefined();
  });
});

function decodeBodyFor(vector: VectorPacket, body: Buffer): unknown {
  const fromClient = vector.seq % 2 === 1;
  if (vector.type === 1) {
    if (vector.seq === 1) return decodeAuthenStart(body);
    return fromClient ? decodeAuthenContinue(body) : decodeAuthenReply(body);
  }
  if (vector.type === 2) return fromClient ? decodeAuthorRequest(body) : decodeAuthorResponse(body);
  return fromClient ? decodeAcctRequest(body) : decodeAcctReply(body);
}

test('all 14 packets back to back, split at every offset, come out whole and in order', () => {
  const stream = Buffer.concat(packets.map((p) => Buffer.from(p.wire, 'hex')));
  for (let at = 0; at <= stream.length; at += 1) {
    const parsed = parseAll([stream.subarray(0, at), stream.subarray(at)]);
    expect(parsed.map((p) => p.header.sessionId)).toEqual(packets.map((p) => p.session_id));
  }
});

test('all 14 packets fed one byte at a time', () => {
  const stream = Buffer.concat(packets.map((p) => Buffer.from(p.wire, 'hex')));
  const chunks = [...stream].map((byte) => Buffer.from([byte]));
  const parsed = parseAll(chunks);
  expect(parsed.map((p) => p.body.toString('hex'))).toEqual(packets.map((p) => p.wire.slice(24)));
});

test.each(padVectors.map((v) => [v.name, v] as const))('pad vector %s', (_name, vector) => {
  const length = vector.pad.length / 2;
  const pad = pseudoPad(
    {
      sessionId: vector.session_id,
      key: Buffer.from(vector.key),
      version: vector.version,
      seqNo: vector.seq,
    },
    length,
  );
  expect(pad.toString('hex')).toBe(vector.pad);
  expect(naivePad(vector.session_id, vector.key, vector.version, vector.seq, length).toString('hex')).toBe(
    vector.pad,
  );
});

test('pads longer than one MD5 block chain the previous digest', () => {
  const input = { sessionId: 0xdeadbeef, key: Buffer.from('k3y'), version: 0xc1, seqNo: 3 };
  for (const length of [0, 1, 15, 16, 17, 31, 32, 33, 100, 1000]) {
    expect(pseudoPad(input, length).toString('hex')).toBe(
      naivePad(0xdeadbeef, 'k3y', 0xc1, 3, length).toString('hex'),
    );
  }
});
