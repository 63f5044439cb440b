import { assemble, byteValue, fieldBytes, u16Bytes, type FieldValue } from '../body-writer';
import { BodyReader } from '../body-reader';
import { MAX_LONG_FIELD } from '../constants';
import { encodeArgs, readArgLengths, readArgs, sum } from './args';

/** RFC 8907 §6.2: authorization RESPONSE body. */
export interface AuthorResponse {
  readonly status: number;
  readonly args: readonly string[];
  readonly serverMsg: string;
  readonly data: Buffer;
}

export interface AuthorResponseInput {
  readonly status: number;
  readonly args?: readonly string[];
  readonly serverMsg?: FieldValue;
  readonly data?: FieldValue;
}

export function encodeAuthorResponse(body: AuthorResponseInput): Buffer {
  const args = encodeArgs(body.args ?? []);
  const serverMsg = fieldBytes('server_msg', body.serverMsg ?? '', MAX_LONG_FIELD);
  const data = fieldBytes('data', body.data ?? '', MAX_LONG_FIELD);
  return assemble(
    [
      byteValue('status', body.status),
      args.length,
      ...u16Bytes(serverMsg.length),
      ...u16Bytes(data.length),
      ...args.map((arg) => arg.length),
    ],
    [serverMsg, data, ...args],
  );
}

export function decodeAuthorResponse(body: Buffer): AuthorResponse {
  const reader = new BodyReader(body, 'authorization RESPONSE');
  const status = reader.u8();
  const argCount = reader.u8();
  const serverMsgLen = reader.u16();
  const dataLen = reader.u16();
  const argLengths = readArgLengths(reader, argCount);
  reader.expectRemaining(serverMsgLen + dataLen + sum(argLengths));
  const serverMsg = reader.text(serverMsgLen);
  const data = Buffer.from(reader.bytes(dataLen));
  return { status, serverMsg, data, args: readArgs(reader, argLengths) };
}
