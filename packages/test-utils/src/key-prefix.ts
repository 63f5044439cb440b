import { randomBytes } from 'node:crypto';

let counter = 0;

/** A key prefix no other test (in this or another jest worker) uses: `t<pid>x<n><random>`. */
export function uniqueKeyPrefix(label = 't'): string {
  counter += 1;
  return `${label}${process.pid}x${counter}${randomBytes(3).toString('hex')}`;
}
