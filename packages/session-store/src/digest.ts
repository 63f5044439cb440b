import * as crypto from 'node:crypto';

// One-shot hashing (crypto.hash, Node ≥ 20.12) skips building a Hash object, and a latin1 string
// (one character per byte) skips allocating a Buffer: measured on the bench machine, 0.27 µs against
// 1.17 µs for the same hash with a Buffer result and 1.29 µs for createHash().digest(); once per
// validation, and the larger part of a session-cache hit. Older Node 20 releases fall back to createHash.
const ONE_SHOT = typeof crypto.hash === 'function';

/**
 * SHA-256 of a token secret's UTF-8 bytes, what Redis keeps instead of the secret, as a 32-character
 * latin1 string (Node's `binary` encoding): character i is byte i.
 */
export function secretDigest(secret: string): string {
  if (ONE_SHOT) return crypto.hash('sha256', secret, 'binary');
  return crypto.createHash('sha256').update(secret, 'utf8').digest('binary');
}

/** The digest as the bytes a script argument carries. */
export function digestBytes(digest: string): Buffer {
  return Buffer.from(digest, 'latin1');
}

/**
 * Whether two digests are equal, in time that does not depend on where they differ: every
 * character is compared, differences accumulated without a branch (crypto.timingSafeEqual's rule,
 * on strings, which would otherwise need two Buffers per call).
 */
export function sameDigest(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** sameDigest of bytes Redis returned and a digest string, without converting either. */
export function sameDigestBytes(stored: Buffer, digest: string): boolean {
  if (stored.length !== digest.length) return false;
  let difference = 0;
  for (let i = 0; i < stored.length; i += 1) difference |= (stored[i] ?? 0) ^ digest.charCodeAt(i);
  return difference === 0;
}
