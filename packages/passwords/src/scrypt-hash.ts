import { randomBytes, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { InvalidHashError } from './errors';

/** Options of `hashPassword`; defaults: ln=14 (N=16384), r=8, p=1, 16-byte salt, 32-byte hash. */
export interface HashPasswordOptions {
  /** log2 of the scrypt cost N. */
  readonly ln?: number;
  readonly r?: number;
  readonly p?: number;
  readonly saltBytes?: number;
  readonly hashBytes?: number;
}

export interface ScryptHash {
  readonly ln: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/** What `hashPassword` uses when an option is omitted (ln=14 is N=16384, about 16 MiB per check). */
const DEFAULTS = { ln: 14, r: 8, p: 1, saltBytes: 16, hashBytes: 32 } as const;

// Bounds keep a hostile or mistyped users file from asking for gigabytes or minutes per login.
const LIMITS = { ln: [1, 20], r: [1, 32], p: [1, 16], salt: [8, 64], hash: [16, 64] } as const;
const PREFIX = '$scrypt$';
const PATTERN =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

function inRange(name: string, value: number, [min, max]: readonly [number, number]): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidHashError(`scrypt ${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** Parses `$scrypt$ln=14,r=8,p=1$<salt base64>$<hash base64>`; throws InvalidHashError when malformed. */
export function parseScryptHash(encoded: string): ScryptHash {
  const match = PATTERN.exec(encoded);
  if (match === null) throw new InvalidHashError('not a $scrypt$ln=…,r=…,p=…$salt$hash string');
  const [, ln, r, p, salt, hash] = match;
  const parsed = {
    ln: inRange('ln', Number(ln), LIMITS.ln),
    r: inRange('r', Number(r), LIMITS.r),
    p: inRange('p', Number(p), LIMITS.p),
    salt: Buffer.from(salt ?? '', 'base64'),
    hash: Buffer.from(hash ?? '', 'base64'),
  };
  inRange('salt length', parsed.salt.length, LIMITS.salt);
  inRange('hash length', parsed.hash.length, LIMITS.hash);
  return parsed;
}

// scrypt needs about 128·r·(N + p) bytes (RFC 7914 §5: the B and V arrays); 256·N·r·p bounds that and
// the headroom covers the rest. Node's default maxmem (32 MiB) would refuse ln ≥ 15 with r = 8.
const MEMORY_PER_UNIT = 256;
const MEMORY_HEADROOM = 1024 * 1024;

function scryptOptions(params: ScryptHash | Required<HashPasswordOptions>): ScryptOptions {
  const N = 2 ** params.ln;
  return { N, r: params.r, p: params.p, maxmem: MEMORY_PER_UNIT * N * params.r * params.p + MEMORY_HEADROOM };
}

function derive(
  password: string,
  salt: Buffer,
  length: number,
  params: ScryptHash | Required<HashPasswordOptions>,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Asynchronous scrypt runs on the libuv pool: logins never block the event loop.
    scrypt(password.normalize('NFC'), salt, length, scryptOptions(params), (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Hashes a password with scrypt into a PHC-like string (`$scrypt$ln=14,r=8,p=1$salt$hash`). */
export async function hashPassword(password: string, options: HashPasswordOptions = {}): Promise<string> {
  const params = {
    ln: inRange('ln', options.ln ?? DEFAULTS.ln, LIMITS.ln),
    r: inRange('r', options.r ?? DEFAULTS.r, LIMITS.r),
    p: inRange('p', options.p ?? DEFAULTS.p, LIMITS.p),
    saltBytes: inRange('salt length', options.saltBytes ?? DEFAULTS.saltBytes, LIMITS.salt),
    hashBytes: inRange('hash length', options.hashBytes ?? DEFAULTS.hashBytes, LIMITS.hash),
  };
  const salt = randomBytes(params.saltBytes);
  const hash = await derive(password, salt, params.hashBytes, params);
  return `${PREFIX}ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** True when `password` matches `encoded`; constant-time comparison. Throws InvalidHashError if malformed. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parseScryptHash(encoded);
  const candidate = await derive(password, parsed.salt, parsed.hash.length, parsed);
  return timingSafeEqual(candidate, parsed.hash);
}

/**
 * verifyPassword for a thread of its own (a worker that does nothing else): the same check,
 * blocking the calling thread for the scrypt work. Never call it on an event loop that serves.
 */
export function verifyPasswordSync(password: string, encoded: string): boolean {
  const parsed = parseScryptHash(encoded);
  const candidate = scryptSync(
    password.normalize('NFC'),
    parsed.salt,
    parsed.hash.length,
    scryptOptions(parsed),
  );
  return timingSafeEqual(candidate, parsed.hash);
}
