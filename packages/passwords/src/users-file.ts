import { readFile } from 'node:fs/promises';
import { UsersFileError } from './errors';
import { parseScryptHash } from './scrypt-hash';

/**
 * The longest username anywhere in sessiond, in UTF-8 bytes: TACACS+ carries the user in a field with
 * a one-byte length (RFC 8907 §5.1), and a local user must be able to exist on the TACACS+ side too.
 */
const MAX_USERNAME_BYTES = 255;

/** Privilege levels are 0..15 (RFC 8907 §6.1 priv_lvl, Cisco IOS); a user without one gets 1. */
const PRIV_LVL = { MIN: 0, DEFAULT: 1, MAX: 15 } as const;

/**
 * One user of the users file (shared by sessiond's local AAA method and the TACACS+ dev server).
 * Exactly one of `password` (plain text; required for CHAP, which needs a reversible secret) or
 * `scrypt` (a `hashPassword` string) is set.
 */
export interface UserRecord {
  readonly username: string;
  readonly password?: string;
  readonly scrypt?: string;
  /** 0..15; 1 when the file omits it. */
  readonly privLvl: number;
}

/** Parsed users, looked up by name. */
export interface UsersDatabase {
  readonly users: ReadonlyMap<string, UserRecord>;
}

function fail(index: number, message: string, cause?: unknown): never {
  throw new UsersFileError(
    `users file: users[${index}]: ${message}`,
    cause === undefined ? undefined : { cause },
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseUser(raw: unknown, index: number): UserRecord {
  if (!isObject(raw)) fail(index, 'must be an object');
  const known = new Set(['username', 'password', 'scrypt', 'priv-lvl']);
  for (const key of Object.keys(raw)) if (!known.has(key)) fail(index, `unknown property "${key}"`);
  const { username, password, scrypt } = raw;
  const privLvl = raw['priv-lvl'] ?? PRIV_LVL.DEFAULT;
  if (typeof username !== 'string' || username === '') fail(index, '"username" must be a non-empty string');
  if (Buffer.byteLength(username) > MAX_USERNAME_BYTES) {
    fail(index, `"username" is longer than ${MAX_USERNAME_BYTES} bytes`);
  }
  if ((password === undefined) === (scrypt === undefined))
    fail(index, 'set exactly one of "password" or "scrypt"');
  if (password !== undefined && (typeof password !== 'string' || password === '')) {
    fail(index, '"password" must be a non-empty string');
  }
  if (scrypt !== undefined) {
    if (typeof scrypt !== 'string') fail(index, '"scrypt" must be a string');
    try {
      parseScryptHash(scrypt);
    } catch (error) {
      fail(index, `"scrypt": ${(error as Error).message}`, error);
    }
  }
  if (
    typeof privLvl !== 'number' ||
    !Number.isInteger(privLvl) ||
    privLvl < PRIV_LVL.MIN ||
    privLvl > PRIV_LVL.MAX
  ) {
    fail(index, `"priv-lvl" must be an integer from ${PRIV_LVL.MIN} to ${PRIV_LVL.MAX}`);
  }
  return {
    username,
    privLvl,
    ...(typeof password === 'string' ? { password } : {}),
    ...(typeof scrypt === 'string' ? { scrypt } : {}),
  };
}

/**
 * Validates a users document: `{ "users": [ { "username", "password" | "scrypt", "priv-lvl"? } ] }`.
 * Throws UsersFileError naming the first bad entry (never echoing a password).
 */
export function parseUsers(document: unknown): UsersDatabase {
  if (!isObject(document) || !Array.isArray(document['users'])) {
    throw new UsersFileError('users file: expected an object with a "users" array');
  }
  const users = new Map<string, UserRecord>();
  (document['users'] as unknown[]).forEach((raw, index) => {
    const user = parseUser(raw, index);
    if (users.has(user.username)) fail(index, `duplicate username "${user.username}"`);
    users.set(user.username, user);
  });
  return { users };
}

/** Reads and validates a users file (JSON). */
export async function loadUsersFile(path: string): Promise<UsersDatabase> {
  const text = await readFile(path, 'utf8');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    // The parser's message may quote file content (a password): keep it out of the error.
    throw new UsersFileError(`users file ${path}: not valid JSON`);
  }
  return parseUsers(document);
}
