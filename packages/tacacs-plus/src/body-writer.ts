import { MAX_SHORT_FIELD } from './constants';
import { TacacsConfigError, TacacsFieldTooLongError } from './errors';

/** Field values are text (UTF-8 on the wire) or raw bytes. */
export type FieldValue = string | Buffer;

/** Encodes a field and checks it fits `max` bytes (255 for one-byte lengths) before anything is sent. */
export function fieldBytes(name: string, value: FieldValue, max: number = MAX_SHORT_FIELD): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  if (bytes.length > max) throw new TacacsFieldTooLongError(name, bytes.length, max);
  return bytes;
}

/** Checks a one-byte numeric field (priv_lvl, action, …). */
export function byteValue(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw new TacacsConfigError(`${name} must be an integer from 0 to 255, got ${value}`);
  }
  return value;
}

/** Builds a body from a fixed part and the variable fields that follow it. */
export function assemble(fixed: readonly number[] | Buffer, fields: readonly Buffer[]): Buffer {
  const head = Buffer.isBuffer(fixed) ? fixed : Buffer.from(fixed);
  return Buffer.concat([head, ...fields]);
}

/** A big-endian two-byte length as two bytes. */
export function u16Bytes(value: number): [number, number] {
  return [(value >> 8) & 0xff, value & 0xff];
}
