import { scryptSync } from 'node:crypto';
import {
  hashPassword,
  InvalidHashError,
  parseScryptHash,
  PasswordsError,
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

  test('hashes written before the move still verify (config/demo/local-users.json, ln=14)', async () => {
    const demo =
      '$scrypt$ln=14,r=8,p=1$bPZ4HJbITTG5rYxMfJl7Uw==$NJOOi2YQz+Q/+TaRanJv0bSEnbG5A5aqCbl6Rgz67G8=';
    expect(await verifyPassword('breakglass-demo-pw', demo)).toBe(true);
    expect(verifyPasswordSync('breakglass-demo-pw', demo)).toBe(true);
  });

  test.each([
    ['not a hash'],
    ['$scrypt$ln=14,r=8$c2FsdHNhbHQ=$aGFzaA=='],
    ['$scrypt$ln=40,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA==$Uv0AOB1+3XozEM2xtWjQ2BftdYdl5iW3Mrj2qHUTTxY='],
    ['$scrypt$ln=14,r=8,p=1$c2E=$Uv0AOB1+3XozEM2xtWjQ2BftdYdl5iW3Mrj2qHUTTxY='],
  ])('malformed or abusive %s is refused', async (encoded) => {
    await expect(verifyPassword('pw', encoded)).rejects.toThrow(InvalidHashError);
    expect(() => verifyPasswordSync('pw', encoded)).toThrow(InvalidHashError);
  });

  test('out-of-range options are refused', async () => {
    await expect(hashPassword('pw', { ln: 0 })).rejects.toThrow(InvalidHashError);
    await expect(hashPassword('pw', { r: 100 })).rejects.toThrow(InvalidHashError);
  });

  test('the error has a stable code and name', () => {
    let error: unknown;
    try {
      parseScryptHash('not a hash');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PasswordsError);
    expect(error).toMatchObject({ code: 'invalid_password_hash', name: 'InvalidHashError' });
  });
});
