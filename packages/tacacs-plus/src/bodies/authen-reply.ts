import { assemble, byteValue, fieldBytes, u16Bytes, type FieldValue } from '../body-writer';
import { BodyReader } from '../body-reader';
import { MAX_LONG_FIELD } from '../constants';

/** RFC 8907 §5.2: authentication REPLY body. */
export interface AuthenReply {
  readonly status: number;
  readonly flags: number;
  readonly serverMsg: string;
  readonly data: Buffer;
}

export interface AuthenReplyInput {
  readonly status: number;
  readonly flags?: number;
  readonly serverMsg?: FieldValue;
  readonly data?: FieldValue;
}

export function encodeAuthenReply(body: AuthenReplyInput): Buffer {
  const serverMsg = fieldBytes('server_msg', body.serverMsg ?? '', MAX_LONG_FIELD);
  const data = fieldBytes('data', body.data ?? '', MAX_LONG_FIELD);
  return assemble(
    [
      byteValue('status', body.status),
      byteValue('flags', body.flags ?? 0),
      ...u16Bytes(serverMsg.length),
      ...u16Bytes(data.length),
    ],
    [serverMsg, data],
  );
}

export function decodeAuthenReply(body: Buffer): AuthenReply {
  const reader = new BodyReader(body, 'authentication REPLY');
  const status = reader.u8();
  const flags = reader.u8();
  const serverMsgLen = reader.u16();
  const dataLen = reader.u16();
  reader.expectRemaining(serverMsgLen + dataLen);
  return {
    status,
    flags,
    serverMsg: reader.text(serverMsgLen),
    data: Buffer.from(reader.bytes(dataLen)),
  };
}
