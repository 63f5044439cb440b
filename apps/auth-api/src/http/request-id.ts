import { randomBytes } from 'node:crypto';

/**
 * Request ids for answers whose client sent none: this process's random prefix (72 bits, base64url)
 * and a counter, e.g. `q3Jx9LmA0c2Z-1a4f`. Unique across processes and restarts without drawing
 * randomness per request: a randomUUID() each was 0.5 µs of a validation's profile (bench/results/profile.md).
 */
export function requestIdSource(): () => string {
  const prefix = randomBytes(9).toString('base64url');
  let counter = 0;
  return () => {
    counter += 1;
    return `${prefix}-${counter.toString(36)}`;
  };
}
