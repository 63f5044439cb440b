import { assemble, byteValue, fieldBytes, type FieldValue } from '../body-writer';
import { BodyReader } from '../body-reader';

/** RFC 8907 §5.1: authentication START body. */
export interface AuthenStart {
  readonly action: number;
  readonly privLvl: number;
  readonly authenType: number;
  readonly service: number;
  readonly user: string;
  readonly port: string;
  readonly remAddr: string;
  /** PAP: the password; CHAP: id ‖ challenge ‖ response; ASCII: empty. */
  readonly data: Buffer;
}

export interface AuthenStartInput extends Omit<AuthenStart, 'user' | 'port' | 'remAddr' | 'data'> {
  readonly user: FieldValue;
  readonly port: FieldValue;
  readonly remAddr: FieldValue;
  readonly data: FieldValue;
}

export function encodeAuthenStart(body: AuthenStartInput): Buffer {
  const user = fieldBytes('user', body.user);
  const port = fieldBytes('port', body.port);
  const remAddr = fieldBytes('rem_addr', body.remAddr);
  const data = fieldBytes('data', body.data);
  return assemble(
    [
      byteValue('action', body.action),
      byteValue('priv_lvl', body.privLvl),
      byteValue('authen_type', body.authenType),
      byteValue('authen_service', body.service),
      user.length,
      port.length,
      remAddr.length,
      data.length,
    ],
    [user, port, remAddr, data],
  );
}

export function decodeAuthenStart(body: Buffer): AuthenStart {
  const reader = new BodyReader(body, 'authentication START');
  const action = reader.u8();
  const privLvl = reader.u8();
  const authenType = reader.u8();
  const service = reader.u8();
  const userLen = reader.u8();
  const portLen = reader.u8();
  const remAddrLen = reader.u8();
  const dataLen = reader.u8();
  reader.expectRemaining(userLen + portLen + remAddrLen + dataLen);
  return {
    action,
    privLvl,
    authenType,
    service,
    user: reader.text(userLen),
    port: reader.text(portLen),
    remAddr: reader.text(remAddrLen),
    data: Buffer.from(reader.bytes(dataLen)),
  };
}
