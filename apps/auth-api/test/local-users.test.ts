import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyPassword } from '@sessiond/passwords';
import { waitFor } from '@sessiond/test-utils';
import type { LocalMethod } from '../src/aaa/local/local-method';
import type { LocalUsers } from '../src/aaa/local/local-users';
import { startHarness, stopSharedRedis, writeLocalUsers, type Harness } from './support/harness';

let h: Harness;

/** The users file behind the local method. */
const localUsers = (): LocalUsers | undefined => (h.services.methods.get('local') as LocalMethod).users;

beforeAll(async () => {
  h = await startHarness({ env: { AAA_METHODS: 'local' } });
});

afterAll(async () => {
  await h.close();
  await stopSharedRedis();
});

describe('local users file', () => {
  it('authenticates scrypt users and reloads the file when it changes', async () => {
    expect((await h.login('carol', 'carol-pw')).status).toBe(200);
    expect((await h.login('dave', 'dave-pw')).status).toBe(401);
    const loads = localUsers()?.reloads ?? 0;
    await writeLocalUsers(h.localUsersFile, [
      { username: 'dave', password: 'dave-pw', 'priv-lvl': 15 },
      { username: 'carol', password: 'carol-new-pw', 'priv-lvl': 15 },
    ]);
    await waitFor(() => (localUsers()?.reloads ?? 0) > loads, {
      timeoutMs: 5000,
      message: 'the users file reload',
    });
    expect((await h.login('dave', 'dave-pw')).status).toBe(200);
    expect((await h.login('carol', 'carol-pw')).status).toBe(401);
    expect((await h.login('carol', 'carol-new-pw')).status).toBe(200);
  });

  it('keeps the previous users when the new file is broken', async () => {
    const loads = localUsers()?.reloads ?? 0;
    writeFileSync(h.localUsersFile, '{ not json');
    await waitFor(() => h.logs.some((l) => l.includes('not reloaded')), {
      timeoutMs: 5000,
      message: 'the reload error',
    });
    expect(localUsers()?.reloads).toBe(loads);
    expect((await h.login('dave', 'dave-pw')).status).toBe(200);
    expect(h.logs.join('')).not.toContain('dave-pw');
  });
});

describe('the password tool (npm run hash-password)', () => {
  const cli = join(__dirname, '..', 'src', 'cli', 'hash-password.ts');
  const run = (args: string[], input: string): string =>
    execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', cli, ...args], {
      input,
      encoding: 'utf8',
    });

  it('prints an scrypt hash of a password read from stdin', async () => {
    const out = run([], 'correct horse\n').trim();
    expect(out).toMatch(/^\$scrypt\$ln=\d+,r=\d+,p=\d+\$/);
    await expect(verifyPassword('correct horse', out)).resolves.toBe(true);
    await expect(verifyPassword('correct horse\n', out)).resolves.toBe(false);
  });

  it('prints sha256:<hex> for introspection client secrets, and can generate one', () => {
    expect(run(['--client'], 'abc').trim()).toBe(
      'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    const [secret, line] = run(['--new-client-secret'], '').trim().split('\n');
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(line).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
