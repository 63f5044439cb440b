import fc from 'fast-check';
import {
  decodeAcctReply,
  decodeAcctRequest,
  decodeAuthenContinue,
  decodeAuthenReply,
  decodeAuthenStart,
  decodeAuthorRequest,
  decodeAuthorResponse,
  decodePacketBody,
  PacketParser,
  TacacsError,
  type RawPacket,
} from '../src';
import { bytes, naivePacket, u16 } from './helpers/naive-packet';

// RFC 8907 robustness: nothing a peer sends may crash the process or make the codec allocate more than
// the configured limit. 100,000 cases in total (50,000 random streams + 50,000 mutated valid packets).

const KEY = 'property-key';
const DECODERS: readonly ((body: Buffer) => unknown)[] = [
  decodeAuthenStart,
  decodeAuthenReply,
  decodeAuthenContinue,
  decodeAuthorRequest,
  decodeAuthorResponse,
  decodeAcctRequest,
  decodeAcctReply,
];

/** Records the largest buffer allocated while `watching` is on. */
const allocations = { watching: false, largest: 0 };
function watch<T extends (...args: never[]) => Buffer>(
  name: 'alloc' | 'allocUnsafe' | 'allocUnsafeSlow' | 'concat' | 'from',
): void {
  const original = (Buffer[name] as unknown as T).bind(Buffer) as T;
  jest.spyOn(Buffer, name).mockImplementation(((...args: Parameters<T>) => {
    const out = original(...args);
    if (allocations.watching) allocations.largest = Math.max(allocations.largest, out.length);
    return out;
  }) as never);
}
beforeAll(() => {
  for (const name of ['alloc', 'allocUnsafe', 'allocUnsafeSlow', 'concat', 'from'] as const) watch(name);
});
afterAll(() => jest.restoreAllMocks());

/** Parses the chunks and decodes every packet with every decoder; only TacacsErrors may escape. */
function exercise(chunks: readonly Buffer[], maxBodyLength: number): void {
  const parser = new PacketParser({ maxBodyLength });
  allocations.watching = true;
  allocations.largest = 0;
  try {
    for (const chunk of chunks) {
      parser.push(chunk, (packet: RawPacket) => {
        for (const decode of DECODERS) {
          try {
            decodePacketBody(packet, Buffer.from(KEY), decode);
          } catch (error) {
            if (!(error instanceof TacacsError)) throw error;
          }
        }
      });
    }
  } catch (error) {
    if (!(error instanceof TacacsError)) throw error;
  } finally {
    allocations.watching = false;
  }
  // Pads are rounded up to whole MD5 blocks (16 bytes); nothing else may exceed the limit.
  expect(allocations.largest).toBeLessThanOrEqual(Math.max(maxBodyLength, 12) + 16);
}

/** Splits `data` at the given (sorted, deduplicated) offsets. */
function split(data: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const point of points) {
    out.push(data.subarray(last, point));
    last = point;
  }
  out.push(data.subarray(last));
  return out;
}

const limit = fc.constantFrom(16, 64, 300, 65_535);

test('50,000 random byte streams (valid-looking headers included) never throw outside TacacsError', () => {
  const header = fc.record({
    version: fc.constantFrom(0xc0, 0xc1, 0xc2, 0x00, 0xff),
    type: fc.integer({ min: 0, max: 4 }),
    seq: fc.integer({ min: 0, max: 255 }),
    flags: fc.integer({ min: 0, max: 255 }),
    session: fc.integer({ min: 0, max: 0xffffffff }),
    length: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 0xffffffff })),
  });
  const stream = fc.oneof(
    fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
    fc
      .tuple(header, fc.uint8Array({ maxLength: 100 }))
      .map(([h, tail]) =>
        bytes(
          h.version,
          h.type,
          h.seq,
          h.flags,
          u16(Math.floor(h.session / 65536)),
          u16(h.session % 65536),
          u16(Math.floor(h.length / 65536)),
          u16(h.length % 65536),
          Buffer.from(tail),
        ),
      ),
  );
  fc.assert(
    fc.property(stream, fc.array(fc.nat(), { maxLength: 4 }), limit, (data, cuts, max) => {
      exercise(split(data, cuts), max);
    }),
    { numRuns: 50_000 },
  );
});

test('50,000 mutated valid packets never throw outside TacacsError', () => {
  // A valid packet (from the naive builder) of any type/direction, then flipped, truncated, extended bytes.
  const body = fc.uint8Array({ maxLength: 80 }).map((a) => Buffer.from(a));
  const packet = fc
    .record({
      version: fc.constantFrom(0xc0, 0xc1),
      type: fc.constantFrom(1, 2, 3),
      seq: fc.integer({ min: 1, max: 255 }),
      flags: fc.constantFrom(0, 1, 4, 5),
      sessionId: fc.integer({ min: 0, max: 0xffffffff }),
      shape: fc.constantFrom('authen-reply', 'author-response', 'acct-reply', 'raw'),
      msg: fc.string({ maxLength: 20 }),
      args: fc.array(fc.string({ maxLength: 12 }), { maxLength: 4 }),
      raw: body,
    })
    .map((p) => {
      const msg = Buffer.from(p.msg);
      const args = p.args.map((a) => Buffer.from(a));
      const plain =
        p.shape === 'authen-reply'
          ? bytes(1, 0, u16(msg.length), u16(0), msg)
          : p.shape === 'author-response'
            ? bytes(
                1,
                args.length,
                u16(msg.length),
                u16(0),
                args.map((a) => a.length),
                msg,
                ...args,
              )
            : p.shape === 'acct-reply'
              ? bytes(u16(msg.length), u16(0), 1, msg)
              : p.raw;
      return naivePacket(
        { version: p.version, type: p.type, seq: p.seq, flags: p.flags, sessionId: p.sessionId },
        plain,
        KEY,
      );
    });
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), value: fc.constant(0) }),
    fc.record({
      kind: fc.constant('extend' as const),
      at: fc.nat({ max: 40 }),
      value: fc.integer({ min: 0, max: 255 }),
    }),
    fc.record({
      kind: fc.constant('length' as const),
      at: fc.nat(),
      value: fc.integer({ min: 0, max: 255 }),
    }),
  );
  const mutate = (data: Buffer, m: { kind: string; at: number; value: number }): Buffer => {
    const copy = Buffer.from(data);
    switch (m.kind) {
      case 'flip':
        copy[m.at % copy.length] = m.value;
        return copy;
      case 'truncate':
        return copy.subarray(0, m.at % (copy.length + 1));
      case 'extend':
        return Buffer.concat([copy, Buffer.alloc(m.at, m.value)]);
      default:
        copy[8 + (m.at % 4)] = m.value; // a byte of the header's length field
        return copy;
    }
  };
  fc.assert(
    fc.property(
      fc.array(packet, { minLength: 1, maxLength: 3 }),
      fc.array(mutation, { maxLength: 3 }),
      fc.array(fc.nat(), { maxLength: 4 }),
      limit,
      (packets, mutations, cuts, max) => {
        let data: Buffer = Buffer.concat(packets);
        for (const m of mutations) data = mutate(data, m);
        exercise(split(data, cuts), max);
      },
    ),
    { numRuns: 50_000 },
  );
});
