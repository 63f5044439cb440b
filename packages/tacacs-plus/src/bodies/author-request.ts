import { assemble, byteValue, fieldBytes, type FieldValue } from '../body-writer';
import { BodyReader } from '../body-reader';
import { encodeArgs, readArgLengths, readArgs, sum } from './args';

/** RFC 8907 §6.1: authorization REQUEST body. */
export interface AuthorRequest {
  readonly authenMethod: number;
  readonly privLvl: number;
  readonly authenType: number;
  readonly service: number;
  readonly user: string;
  readonly port: string;
  readonly remAddr: string;
  readonly args: readonly string[];
}

export interface AuthorRequestInput extends Omit<AuthorRequest, 'user' | 'port' | 'remAddr'> {
  readonly user: FieldValue;
  readonly port: FieldValue;
  readonly remAddr: FieldValue;
}

export function encodeAuthorRequest(body: AuthorRequestInput): Buffer {
  return encodeRequestFields([], body);
}

/**
 * The fields authorization and accounting REQUESTs share (RFC 8907 §6.1; an accounting REQUEST,
 * §7.1, is the same layout after its flags byte), after `prefix`.
 */
export function encodeRequestFields(prefix: readonly number[], body: AuthorRequestInput): Buffer {
  const user = fieldBytes('user', body.user);
  const port = fieldBytes('port', body.port);
  const remAddr = fieldBytes('rem_addr', body.remAddr);
  const args = encodeArgs(body.args);
  return assemble(
    [
      ...prefix,
      byteValue('authen_method', body.authenMethod),
      byteValue('priv_lvl', body.privLvl),
      byteValue('authen_type', body.authenType),
      byteValue('authen_service', body.service),
      user.length,
      port.length,
      remAddr.length,
      args.length,
      ...args.map((arg) => arg.length),
    ],
    [user, port, remAddr, ...args],
  );
}

export function decodeAuthorRequest(body: Buffer): AuthorRequest {
  return readRequestFields(new BodyReader(body, 'authorization REQUEST'));
}

/** Reads the shared REQUEST fields (see encodeRequestFields) from where `reader` stands. */
export function readRequestFields(reader: BodyReader): AuthorRequest {
  const authenMethod = reader.u8();
  const privLvl = reader.u8();
  const authenType = reader.u8();
  const service = reader.u8();
  const userLen = reader.u8();
  const portLen = reader.u8();
  const remAddrLen = reader.u8();
  const argCount = reader.u8();
  const argLengths = readArgLengths(reader, argCount);
  reader.expectRemaining(userLen + portLen + remAddrLen + sum(argLengths));
  return {
    authenMethod,
    privLvl,
    authenType,
    service,
    user: reader.text(userLen),
    port: reader.text(portLen),
    remAddr: reader.text(remAddrLen),
    args: readArgs(reader, argLengths),
  };
}
