import { fieldBytes } from '../body-writer';
import { MAX_ARG_COUNT } from '../constants';
import type { BodyReader } from '../body-reader';
import { TacacsFieldTooLongError } from '../errors';

/** RFC 8907 §6.1 / §7.1: arguments are `name=value` (mandatory) or `name*value` (optional) strings. */
export function encodeArgs(args: readonly string[]): Buffer[] {
  if (args.length > MAX_ARG_COUNT) throw new TacacsFieldTooLongError('arg_cnt', args.length, MAX_ARG_COUNT);
  return args.map((arg, index) => fieldBytes(`arg[${index}]`, arg));
}

/** Reads `count` one-byte argument lengths. */
export function readArgLengths(reader: BodyReader, count: number): number[] {
  const lengths: number[] = [];
  for (let i = 0; i < count; i += 1) lengths.push(reader.u8());
  return lengths;
}

export function readArgs(reader: BodyReader, lengths: readonly number[]): string[] {
  return lengths.map((length) => reader.text(length));
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
