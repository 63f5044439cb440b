import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RequestLogEntry, TacacsServer } from '@sessiond/tacacs-server';
import { KEY, startServer } from './helpers/fixtures';

// Interoperability with an independent client: Perl Authen::TacacsPlus (Debian libauthen-tacacsplus-perl,
// installed by .ci/run). The test fails loudly, never skips, when the module is missing.

const run = promisify(execFile);
const SCRIPT = join(__dirname, 'fixtures', 'perl-tacacs-client.pl');

let dir: string;
let server: TacacsServer;
const log: RequestLogEntry[] = [];

beforeAll(async () => {
  try {
    await run('perl', ['-MAuthen::TacacsPlus', '-e', '1']);
  } catch {
    throw new Error(
      'Perl Authen::TacacsPlus is missing: apt-get install libauthen-tacacsplus-perl (see .ci/run)',
    );
  }
  dir = await mkdtemp(join(tmpdir(), 'tacacs-interop-'));
  server = await startServer({ onRequest: (entry) => log.push(entry) });
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

let files = 0;
async function secretFile(value: string): Promise<string> {
  files += 1;
  const path = join(dir, `secret-${files}`);
  await writeFile(path, value, { mode: 0o600 });
  return path;
}

async function perlLogin(
  username: string,
  password: string,
  type: 'ascii' | 'pap' | 'chap',
  key = KEY,
): Promise<string> {
  const args = [
    SCRIPT,
    '127.0.0.1',
    String(server.port),
    await secretFile(key),
    username,
    await secretFile(password),
    type,
  ];
  const { stdout } = await run('perl', args, { timeout: 20_000 });
  return stdout.trim();
}

describe.each(['ascii', 'pap', 'chap'] as const)(
  'Perl Authen::TacacsPlus %s login against TacacsServer',
  (type) => {
    test('right password passes', async () => {
      expect(await perlLogin('alice', 'alice-pw', type)).toBe('PASS');
    });

    test(
      type === 'chap' ? 'scrypt-hashed user fails (CHAP needs a plain secret)' : 'scrypt-hashed user passes',
      async () => {
        expect(await perlLogin('carol', 'carol-pw', type)).toMatch(type === 'chap' ? /^FAIL/ : /^PASS$/);
      },
    );

    test('wrong password fails', async () => {
      expect(await perlLogin('alice', 'wrong-pw', type)).toMatch(/^FAIL/);
    });

    test('wrong key fails', async () => {
      const before = log.length;
      expect(await perlLogin('alice', 'alice-pw', type, 'a-completely-different-key')).toMatch(/^FAIL/);
      // The server could not decode the request: it answered ERROR and logged no pass.
      expect(log.slice(before).some((entry) => entry.result === 'pass')).toBe(false);
    });
  },
);

test('the server log names users and results, never passwords or the key', () => {
  const text = JSON.stringify(log);
  expect(log.some((entry) => entry.username === 'alice' && entry.result === 'pass')).toBe(true);
  expect(log.some((entry) => entry.username === 'alice' && entry.result === 'fail')).toBe(true);
  expect(text).not.toContain('alice-pw');
  expect(text).not.toContain('wrong-pw');
  expect(text).not.toContain(KEY);
});
