import { assemble, byteValue, fieldBytes, u16Bytes, type FieldValue } from '../body-writer';
import { BodyReader } from '../body-reader';
import { MAX_LONG_FIELD } from '../constants';

/** RFC 8907 §5.3: authentication CONTINUE body. */
export interface AuthenContinue {
  /** The user's answer to the last prompt (user name or password). */
  readonly userMsg: string;
  readonly data: Buffer;
  readonly flags: number;
}

export interface AuthenContinueInput {
  readonly userMsg?: FieldValue;
  readonly data?: FieldValue;
  readonly flags?: number;
}

export function encodeAuthenContinue(body: AuthenContinueInput): Buffer {
  const userMsg = fieldBytes('user_msg', body.userMsg ?? '', MAX_LONG_FIELD);
  const data = fieldBytes('data', body.data ?? '', MAX_LONG_FIELD);
  return assemble(
    [...u16Bytes(userMsg.length), ...u16Bytes(data.length), byteValue('flags', body.flags ?? 0)],
    [userMsg, data],
  );
}

export function decodeAuthenContinue(body: Buffer): AuthenContinue {
  const reader = new BodyReader(body, 'authentication CONTINUE');
  const userMsgLen = reader.u16();
  const dataLen = reader.u16();
  const flags = reader.u8();
  reader.expectRemaining(userMsgLen + dataLen);
  return { userMsg: reader.text(userMsgLen), data: Buffer.from(reader.bytes(dataLen)), flags };
}
