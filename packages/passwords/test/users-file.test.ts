import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidHashError, loadUsersFile, parseUsers, PasswordsError, UsersFileError } from '../src';

describe('users file', () => {
  const scrypt = '$scrypt$ln=4,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA==$kQAW0yN/d0H2Q1JkY/RKJeXV5g291SSCvLgdBXsMv0k=';

  test('parses plain and scrypt users; priv-lvl defaults to 1', () => {
    const db = parseUsers({
      users: [
        { username: 'alice', password: 'a', 'priv-lvl': 15 },
        { username: 'bob', scrypt },
      ],
    });
    expect(db.users.get('alice')).toEqual({ username: 'alice', password: 'a', privLvl: 15 });
    expect(db.users.get('bob')).toEqual({ username: 'bob', scrypt, privLvl: 1 });
  });

  test.each([
    [null, 'users'],
    [{ users: {} }, 'users'],
    [{ users: [{ username: 'a' }] }, 'exactly one'],
    [{ users: [{ username: 'a', password: 'x', scrypt }] }, 'exactly one'],
    [{ users: [{ username: '', password: 'x' }] }, 'username'],
    [{ users: [{ username: 'a', password: 'x', 'priv-lvl': 16 }] }, 'priv-lvl'],
    [{ users: [{ username: 'a', password: 'x', 'priv-lvl': 1.5 }] }, 'priv-lvl'],
    [{ users: [{ username: 'a', password: 'x', role: 'admin' }] }, 'unknown property'],
    [{ users: [{ username: 'a', scrypt: 'plain-not-hash' }] }, 'scrypt'],
    [
      {
        users: [
          { username: 'a', password: 'x' },
          { username: 'a', password: 'y' },
        ],
      },
      'duplicate',
    ],
    [{ users: [{ username: 'u'.repeat(256), password: 'x' }] }, '255'],
  ])('%j is refused', (document, message) => {
    expect(() => parseUsers(document)).toThrow(UsersFileError);
    expect(() => parseUsers(document)).toThrow(message);
  });

  test('the error has a stable code and name, and keeps the hash error as its cause', () => {
    let error: unknown;
    try {
      parseUsers({ users: [{ username: 'a', scrypt: '$scrypt$ln=40,r=8,p=1$c2FsdA==$aGFzaA==' }] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PasswordsError);
    expect(error).toMatchObject({ code: 'invalid_users_file', name: 'UsersFileError' });
    expect((error as Error).message).toContain(
      'users[0]: "scrypt": scrypt ln must be an integer from 1 to 20',
    );
    expect((error as Error).cause).toBeInstanceOf(InvalidHashError);
  });

  test('errors never echo a password', () => {
    try {
      parseUsers({ users: [{ username: 'a', password: 'hunter2-secret', scrypt: 'hunter2-secret' }] });
      throw new Error('expected a UsersFileError');
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  test('loadUsersFile reads JSON and hides the content of invalid files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sessiond-users-'));
    try {
      await writeFile(join(dir, 'ok.json'), JSON.stringify({ users: [{ username: 'a', password: 'x' }] }));
      expect((await loadUsersFile(join(dir, 'ok.json'))).users.size).toBe(1);
      await writeFile(join(dir, 'bad.json'), '{ "users": [ { "password": "hunter2-secret" ');
      const error = await loadUsersFile(join(dir, 'bad.json')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsersFileError);
      expect((error as Error).message).not.toContain('hunter2');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
