import { assemble, byteValue, fieldBytes, u16Bytes, type FieldValue } from '../body-writer';
import { BodyReader } from '../body-reader';
import { MAX_LONG_FIELD } from '../constants';

/** RFC 8907 §7.2: accounting REPLY body. */
export interface AcctReply {
  readonly status: number;
  readonly serverMsg: string;
  readonly data: Buffer;
}

export interface AcctReplyInput {
  readonly status: number;
  readonly serverMsg?: FieldValue;
  readonly data?: FieldValue;
}

export function encodeAcctReply(body: AcctReplyInput): Buffer {
  const serverMsg = fieldBytes('server_msg', body.serverMsg ?? '', MAX_LONG_FIELD);
  const data = fieldBytes('data', body.data ?? '', MAX_LONG_FIELD);
  return assemble(
    [...u16Bytes(serverMsg.length), ...u16Bytes(data.length), byteValue('status', body.status)],
    [serverMsg, data],
  );
}

export function decodeAcctReply(body: Buffer): AcctReply {
  const reader = new BodyReader(body, 'accounting REPLY');
  const serverMsgLen = reader.u16();
  const dataLen = reader.u16();
  const status = reader.u8();
  reader.expectRemaining(serverMsgLen + dataLen);
  return { status, serverMsg: reader.text(serverMsgLen), data: Buffer.from(reader.bytes(dataLen)) };
}
