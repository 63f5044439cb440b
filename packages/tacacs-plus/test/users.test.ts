import { scryptSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  hashPassword,
  loadUsersFile,
  parseScryptHash,
  parseUsers,
  TacacsConfigError,
  verifyPassword,
  verifyPasswordSync,
} from '../src';

describe('verifyPasswordSync', () => {
  it('agrees with verifyPassword', async () => {
    const encoded = await hashPassword('correct horse', { ln: 10 });
    expect(verifyPasswordSync('correct horse', encoded)).toBe(true);
    expect(verifyPasswordSync('correct horsE', encoded)).toBe(false);
    expect(verifyPasswordSync('', encoded)).toBe(false);
  });
});

describe('hashPassword / verifyPassword', () => {
  test('round trip with the default parameters, PHC-like format', async () => {
    const encoded = await hashPassword('correct horse');
    expect(encoded).toMatch(/^\$scrypt\$ln=14,r=8,p=1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    expect(await verifyPassword('correct horse', encoded)).toBe(true);
    expect(await verifyPassword('correct horsE', encoded)).toBe(false);
    expect(await verifyPassword('', encoded)).toBe(false);
  });

  test('salts differ; custom parameters are encoded and honoured', async () => {
    const a = await hashPassword('pw', { ln: 4 });
    const b = await hashPassword('pw', { ln: 4 });
    expect(a).not.toBe(b);
    expect(a.startsWith('$scrypt$ln=4,r=8,p=1$')).toBe(true);
    expect(await verifyPassword('pw', b)).toBe(true);
    const parsed = parseScryptHash(
      await hashPassword('pw', { ln: 5, r: 4, p: 2, saltBytes: 24, hashBytes: 48 }),
    );
    expect(parsed).toMatchObject({ ln: 5, r: 4, p: 2 });
    expect(parsed.salt).toHaveLength(24);
    expect(parsed.hash).toHaveLength(48);
  });

  test('matches an independently computed scrypt hash (Node crypto.scryptSync)', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const hash = scryptSync('pw', salt, 32, { N: 2 ** 4, r: 8, p: 1 });
    expect(
      await verifyPassword(
        'pw',
        `$scrypt$ln=4,r=8,p=1$${salt.toString('base64')}$${hash.toString('base64')}`,
      ),
    ).toBe(true);
  });

  test.each([
    ['not a hash'],
    ['$scrypt$ln=14,r=8$c2FsdHNhbHQ=$aGFzaA=='],
    ['$scrypt$ln=40,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA==$Uv0AOB1+3XozEM2xtWjQ2BftdYdl5iW3Mrj2qHUTTxY='],
    ['$scrypt$ln=14,r=8,p=1$c2E=$Uv0AOB1+3XozEM2xtWjQ2BftdYdl5iW3Mrj2qHUTTxY='],
  ])('malformed or abusive %s is refused', async (encoded) => {
    await expect(verifyPassword('pw', encoded)).rejects.toThrow(TacacsConfigError);
  });

  test('out-of-range options are refused', async () => {
    await expect(hashPassword('pw', { ln: 0 })).rejects.toThrow(TacacsConfigError);
    await expect(hashPassword('pw', { r: 100 })).rejects.toThrow(TacacsConfigError);
  });
});

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
    expect(() => parseUsers(document)).toThrow(TacacsConfigError);
    expect(() => parseUsers(document)).toThrow(message);
  });

  test('errors never echo a password', () => {
    try {
      parseUsers({ users: [{ username: 'a', password: 'hunter2-secret', scrypt: 'hunter2-secret' }] });
      throw new Error('expected a TacacsConfigError');
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  test('loadUsersFile reads JSON and hides the content of invalid files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tacacs-users-'));
    try {
      await writeFile(join(dir, 'ok.json'), JSON.stringify({ users: [{ username: 'a', password: 'x' }] }));
      expect((await loadUsersFile(join(dir, 'ok.json'))).users.size).toBe(1);
      await writeFile(join(dir, 'bad.json'), '{ "users": [ { "password": "hunter2-secret" ');
      const error = await loadUsersFile(join(dir, 'bad.json')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TacacsConfigError);
      expect((error as Error).message).not.toContain('hunter2');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
