import { byteValue, type FieldValue } from '../body-writer';
import { BodyReader } from '../body-reader';
import { encodeRequestFields, readRequestFields, type AuthorRequest } from './author-request';

/** RFC 8907 §7.1: accounting REQUEST body: a flags byte, then the authorization REQUEST's fields. */
export interface AcctRequest extends AuthorRequest {
  readonly flags: number;
}

export interface AcctRequestInput extends Omit<AcctRequest, 'user' | 'port' | 'remAddr'> {
  readonly user: FieldValue;
  readonly port: FieldValue;
  readonly remAddr: FieldValue;
}

export function encodeAcctRequest(body: AcctRequestInput): Buffer {
  return encodeRequestFields([byteValue('flags', body.flags)], body);
}

export function decodeAcctRequest(body: Buffer): AcctRequest {
  const reader = new BodyReader(body, 'accounting REQUEST');
  const flags = reader.u8();
  return { flags, ...readRequestFields(reader) };
}
