import { readFile } from 'node:fs/promises';
import { MAX_SHORT_FIELD, PrivLevel } from './constants';
import { TacacsConfigError } from './errors';
import { parseScryptHash } from './password-hash';

/**
 * One user of the users file (shared by the TACACS+ test server and sessiond's local AAA method).
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

function fail(index: number, message: string): never {
  throw new TacacsConfigError(`users file: users[${index}]: ${message}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseUser(raw: unknown, index: number): UserRecord {
  if (!isObject(raw)) fail(index, 'must be an object');
  const known = new Set(['username', 'password', 'scrypt', 'priv-lvl']);
  for (const key of Object.keys(raw)) if (!known.has(key)) fail(index, `unknown property "${key}"`);
  const { username, password, scrypt } = raw;
  const privLvl = raw['priv-lvl'] ?? PrivLevel.USER;
  if (typeof username !== 'string' || username === '') fail(index, '"username" must be a non-empty string');
  if (Buffer.byteLength(username) > MAX_SHORT_FIELD) fail(index, '"username" is longer than 255 bytes');
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
      fail(index, `"scrypt": ${(error as Error).message}`);
    }
  }
  if (
    typeof privLvl !== 'number' ||
    !Number.isInteger(privLvl) ||
    privLvl < PrivLevel.MIN ||
    privLvl > PrivLevel.MAX
  ) {
    fail(index, '"priv-lvl" must be an integer from 0 to 15');
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
 * Throws TacacsConfigError naming the first bad entry (never echoing a password).
 */
export function parseUsers(document: unknown): UsersDatabase {
  if (!isObject(document) || !Array.isArray(document['users'])) {
    throw new TacacsConfigError('users file: expected an object with a "users" array');
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
    throw new TacacsConfigError(`users file ${path}: not valid JSON`);
  }
  return parseUsers(document);
}
