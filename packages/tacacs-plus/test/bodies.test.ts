import {
  decodeAcctReply,
  decodeAuthenContinue,
  decodeAuthenReply,
  decodeAuthorResponse,
  decodeHeader,
  encodeAcctReply,
  encodeAcctRequest,
  encodeAuthenContinue,
  encodeAuthenReply,
  encodeAuthenStart,
  encodeAuthorRequest,
  encodeAuthorResponse,
  PacketParser,
  serializePacket,
  TacacsConfigError,
  TacacsFieldTooLongError,
  TacacsProtocolError,
} from '../src';
import { bytes, naivePacket, u16 } from './helpers/naive-packet';

// Golden bytes below are written out by hand from RFC 8907's body layouts (§5–§7), independent of src/.

test('authentication REPLY with a message and data', () => {
  const golden = bytes(0x05, 0x01, u16(10), u16(2), 'Password: ', [0xaa, 0xbb]);
  expect(
    encodeAuthenReply({ status: 5, flags: 1, serverMsg: 'Password: ', data: Buffer.from([0xaa, 0xbb]) }),
  ).toEqual(golden);
  expect(decodeAuthenReply(golden)).toEqual({
    status: 5,
    flags: 1,
    serverMsg: 'Password: ',
    data: Buffer.from([0xaa, 0xbb]),
  });
});

test('authentication CONTINUE with the abort flag', () => {
  const golden = bytes(u16(0), u16(5), 0x01, 'abort');
  expect(encodeAuthenContinue({ data: 'abort', flags: 1 })).toEqual(golden);
  expect(decodeAuthenContinue(golden)).toEqual({ userMsg: '', data: Buffer.from('abort'), flags: 1 });
});

test('authorization RESPONSE with two arguments, message and data', () => {
  const golden = bytes(0x02, 2, u16(2), u16(1), 10, 5, 'hi', 'D', 'priv-lvl=7', 'a=b=c');
  expect(
    encodeAuthorResponse({ status: 2, args: ['priv-lvl=7', 'a=b=c'], serverMsg: 'hi', data: 'D' }),
  ).toEqual(golden);
  expect(decodeAuthorResponse(golden)).toEqual({
    status: 2,
    args: ['priv-lvl=7', 'a=b=c'],
    serverMsg: 'hi',
    data: Buffer.from('D'),
  });
});

test('accounting REQUEST STOP and REPLY', () => {
  const request = bytes(
    0x04,
    0x06,
    15,
    0x02,
    0x01,
    3,
    4,
    9,
    2,
    9,
    14,
    'bob',
    'http',
    '127.0.0.1',
    'task_id=7',
    'elapsed_time=5',
  );
  expect(
    encodeAcctRequest({
      flags: 4,
      authenMethod: 6,
      privLvl: 15,
      authenType: 2,
      service: 1,
      user: 'bob',
      port: 'http',
      remAddr: '127.0.0.1',
      args: ['task_id=7', 'elapsed_time=5'],
    }),
  ).toEqual(request);
  const reply = bytes(u16(2), u16(0), 0x01, 'ok');
  expect(encodeAcctReply({ status: 1, serverMsg: 'ok' })).toEqual(reply);
  expect(decodeAcctReply(reply)).toEqual({ status: 1, serverMsg: 'ok', data: Buffer.alloc(0) });
});

test('a full PAP START packet matches the naive builder', () => {
  const body = bytes(0x01, 0x01, 0x02, 0x01, 5, 4, 9, 6, 'alice', 'http', '127.0.0.1', 'secret');
  const start = encodeAuthenStart({
    action: 1,
    privLvl: 1,
    authenType: 2,
    service: 1,
    user: 'alice',
    port: 'http',
    remAddr: '127.0.0.1',
    data: 'secret',
  });
  expect(start).toEqual(body);
  const fields = { version: 0xc1, type: 1, seqNo: 1, flags: 0, sessionId: 0x01020304 };
  expect(serializePacket(fields, start, Buffer.from('k'))).toEqual(
    naivePacket({ version: 0xc1, type: 1, seq: 1, sessionId: 0x01020304 }, body, 'k'),
  );
});

test('fields over 255 bytes are refused before anything is built', () => {
  const long = 'x'.repeat(256);
  const base = {
    action: 1,
    privLvl: 1,
    authenType: 2,
    service: 1,
    user: 'u',
    port: '',
    remAddr: '',
    data: '',
  };
  expect(() => encodeAuthenStart({ ...base, user: long })).toThrow(TacacsFieldTooLongError);
  expect(() => encodeAuthenStart({ ...base, data: long })).toThrow(TacacsFieldTooLongError);
  expect(() => encodeAuthenStart({ ...base, remAddr: long })).toThrow(TacacsFieldTooLongError);
  // 255 bytes is the largest value that fits; multi-byte characters count in bytes.
  expect(encodeAuthenStart({ ...base, user: 'x'.repeat(255) })).toHaveLength(8 + 255);
  expect(() => encodeAuthenStart({ ...base, user: 'é'.repeat(128) })).toThrow(TacacsFieldTooLongError);
  const author = { authenMethod: 6, privLvl: 1, authenType: 2, service: 1, user: 'u', port: '', remAddr: '' };
  expect(() => encodeAuthorRequest({ ...author, args: [long] })).toThrow(TacacsFieldTooLongError);
  expect(() => encodeAuthorRequest({ ...author, args: Array.from({ length: 256 }, () => 'a=b') })).toThrow(
    TacacsFieldTooLongError,
  );
  expect(() => encodeAuthenStart({ ...base, privLvl: 256 })).toThrow(TacacsConfigError);
});

test('a body whose lengths do not add up is a bad-body protocol error', () => {
  const shortByOne = bytes(0x01, 0x00, u16(3), u16(0), 'ab');
  expect(() => decodeAuthenReply(shortByOne)).toThrow(TacacsProtocolError);
  const extraByte = bytes(0x01, 0x00, u16(0), u16(0), 'z');
  expect(() => decodeAuthenReply(extraByte)).toThrow(
    expect.objectContaining({ reason: 'bad-body' }) as Error,
  );
  expect(() => decodeAuthenReply(bytes(0x01))).toThrow(TacacsProtocolError);
});

describe('header validation', () => {
  const header = (version: number, type: number, length: number): Buffer =>
    bytes(
      version,
      type,
      1,
      0,
      [0, 0, 0, 1],
      [length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff],
    );

  test.each([
    ['major version 0xB', header(0xb0, 1, 0), 'bad-version'],
    ['minor version 2', header(0xc2, 1, 0), 'bad-version'],
    ['type 0', header(0xc0, 0, 0), 'bad-type'],
    ['type 4', header(0xc0, 4, 0), 'bad-type'],
    ['length over the limit', header(0xc0, 1, 65_536), 'too-long'],
    ['length 4 GiB', header(0xc0, 1, 0xffffffff), 'too-long'],
  ])('%s is refused', (_name, bytesIn, reason) => {
    expect(() => decodeHeader(bytesIn, 65_535)).toThrow(expect.objectContaining({ reason }) as Error);
  });

  test('the parser refuses an oversized length from the header alone and stays failed', () => {
    const parser = new PacketParser({ maxBodyLength: 100 });
    const packets: unknown[] = [];
    expect(() => parser.push(header(0xc0, 1, 101), (p) => packets.push(p))).toThrow(TacacsProtocolError);
    expect(() => parser.push(Buffer.alloc(1), (p) => packets.push(p))).toThrow(TacacsProtocolError);
    expect(packets).toHaveLength(0);
  });

  test('a packet before a bad header is still delivered', () => {
    const parser = new PacketParser();
    const good = naivePacket({ version: 0xc0, type: 3, seq: 2, sessionId: 9 }, bytes(u16(0), u16(0), 1), 'k');
    const packets: unknown[] = [];
    expect(() => parser.push(Buffer.concat([good, header(0xb0, 1, 0)]), (p) => packets.push(p))).toThrow(
      TacacsProtocolError,
    );
    expect(packets).toHaveLength(1);
  });
});
