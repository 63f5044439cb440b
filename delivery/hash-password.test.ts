import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { verifyPassword } from '@sessiond/passwords';
import { ROOT, baseEnv, runToEnd } from './support/processes';

// `npm run -s hash-password` as the README and config/demo/README.md tell people to run it, in a
// copy of the repository as a fresh clone has it after `npm install`: sources, no dist/ anywhere.
// The script must build what it needs, and stdout must carry only the tool's output (the hash a
// user pipes into a file), never npm's banner or the compiler's messages.

const CLI = join('apps', 'auth-api', 'dist', 'cli', 'hash-password.js');
const SKIP = new Set(['dist', 'node_modules', 'test', 'coverage']);

let tree = '';

/** The sources auth-api builds from, and a node_modules like `npm install` leaves (workspace links). */
function freshClone(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sessiond-fresh-clone-'));
  const copy = (path: string): void =>
    cpSync(join(ROOT, path), join(dir, path), {
      recursive: true,
      filter: (source) => !SKIP.has(basename(source)) && !source.endsWith('.tsbuildinfo'),
    });
  for (const file of ['package.json', 'tsconfig.base.json', 'packages', join('apps', 'auth-api')]) copy(file);
  // Third-party modules are shared with the checkout; our own packages link into the copy.
  mkdirSync(join(dir, 'node_modules', '@sessiond'), { recursive: true });
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry !== '@sessiond')
      symlinkSync(join(ROOT, 'node_modules', entry), join(dir, 'node_modules', entry));
  }
  for (const name of readdirSync(join(ROOT, 'node_modules', '@sessiond'))) {
    const target = readlinkSync(join(ROOT, 'node_modules', '@sessiond', name)); // ../../packages/<name>
    symlinkSync(target, join(dir, 'node_modules', '@sessiond', name));
  }
  return dir;
}

function hashPasswordScript(args: readonly string[], input: string, { silent = true } = {}) {
  return runToEnd(
    'npm',
    ['run', ...(silent ? ['-s'] : []), 'hash-password', ...(args.length > 0 ? ['--', ...args] : [])],
    { ...baseEnv(), npm_config_update_notifier: 'false', npm_config_fund: 'false' },
    { cwd: tree, input, timeoutMs: 180_000 },
  );
}

beforeAll(() => {
  tree = freshClone();
});

afterAll(() => {
  rmSync(tree, { recursive: true, force: true });
});

describe('npm run -s hash-password (root package.json)', () => {
  it('works in a fresh clone without any dist/: builds auth-api first, prints only the hash', async () => {
    expect(existsSync(join(tree, CLI))).toBe(false);
    expect(existsSync(join(tree, 'packages', 'passwords', 'dist'))).toBe(false);

    const run = await hashPasswordScript(['--client'], 'abc');
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toBe('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n');
    expect(existsSync(join(tree, CLI))).toBe(true);
  });

  it('prints an scrypt hash of a password read from stdin, as the only line on stdout', async () => {
    const run = await hashPasswordScript([], 'correct horse\n');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\$scrypt\$ln=\d+,r=\d+,p=\d+\$[^\n]+\n$/);
    await expect(verifyPassword('correct horse', run.stdout.trim())).resolves.toBe(true);
  });

  it('--new-client-secret: a secret, then the sha256 line of INTROSPECTION_CLIENTS_FILE', async () => {
    const run = await hashPasswordScript(['--new-client-secret'], '');
    expect(run.code).toBe(0);
    const [secret = '', line, ...rest] = run.stdout.split('\n');
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(line).toBe(`sha256:${createHash('sha256').update(secret).digest('hex')}`);
    expect(rest).toEqual(['']);
  });

  it('a wrong option: the usage names the npm script, on stderr, and a failing exit code', async () => {
    const run = await hashPasswordScript(['--bogus'], '');
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('usage: npm run -s hash-password');
  });

  it('without -s npm prints its banner on stdout, which is why the docs say `npm run -s`', async () => {
    const run = await hashPasswordScript(['--client'], 'abc', { silent: false });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^> sessiond@\S+ hash-password$/m);
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
