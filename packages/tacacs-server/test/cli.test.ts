import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@sessiond/test-utils';
import { TacacsClient, TacacsConfigError } from '@sessiond/tacacs-plus';
import { parseServerArgs } from '../src/cli/parse-args';
import { startServerFromCli } from '../src/cli/run-server';
import { KEY, USERS } from './helpers/fixtures';

let dir: string;
let usersFile: string;
let keyFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tacacs-cli-'));
  usersFile = join(dir, 'users.json');
  keyFile = join(dir, 'key');
  await writeFile(usersFile, JSON.stringify(USERS));
  await writeFile(keyFile, `${KEY}\n`, { mode: 0o600 });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('argument parsing', () => {
  test('defaults: 127.0.0.1:4949, single-connect on', () => {
    expect(parseServerArgs(['--users', 'u.json', '--key-file', 'k'])).toEqual({
      usersFile: 'u.json',
      keyFile: 'k',
      host: '127.0.0.1',
      port: 4949,
      singleConnect: true,
      quiet: false,
    });
  });

  test('all options', () => {
    expect(
      parseServerArgs([
        '--users',
        'u',
        '--key',
        's',
        '--host',
        '0.0.0.0',
        '--port',
        '49',
        '--accounting-file',
        'a.jsonl',
        '--no-single-connect',
        '--quiet',
      ]),
    ).toEqual({
      usersFile: 'u',
      key: 's',
      host: '0.0.0.0',
      port: 49,
      accountingFile: 'a.jsonl',
      singleConnect: false,
      quiet: true,
    });
    expect(parseServerArgs(['--help'])).toBe('help');
  });

  test.each([
    [[], '--users'],
    [['--users', 'u'], 'exactly one'],
    [['--users', 'u', '--key', 'a', '--key-file', 'b'], 'exactly one'],
    [['--users', 'u', '--key', 'a', '--port', 'x'], '--port'],
    [['--users', 'u', '--key', 'a', '--port', '70000'], '--port'],
    [['--users', 'u', '--key', 'a', '--bogus'], 'bogus'],
  ])('%j is refused', (argv, message) => {
    expect(() => parseServerArgs(argv)).toThrow(TacacsConfigError);
    expect(() => parseServerArgs(argv)).toThrow(message);
  });
});

test('the CLI server reads the key file, logs one line per request without secrets, writes accounting', async () => {
  const lines: string[] = [];
  const accountingFile = join(dir, 'acct.jsonl');
  const server = await startServerFromCli(
    { usersFile, keyFile, host: '127.0.0.1', port: 0, accountingFile, singleConnect: true, quiet: false },
    (line) => lines.push(line),
  );
  const client = new TacacsClient({ servers: [{ host: '127.0.0.1', port: server.port, key: KEY }] });
  try {
    expect((await client.authenticate({ username: 'alice', password: 'alice-pw' })).status).toBe('pass');
    expect((await client.authenticate({ username: 'alice', password: 'bad-secret' })).status).toBe('fail');
    expect((await client.accounting({ flag: 'start', username: 'alice', taskId: '7' })).status).toBe('pass');
  } finally {
    await client.close();
    await server.close();
  }
  expect(lines[0]).toBe(`sessiond-tacacs-server listening on ${server.address}`);
  expect(lines.slice(1).map((l) => / (\w+) user="alice" result=(\w+)/.exec(l)?.slice(1))).toEqual([
    ['authentication', 'pass'],
    ['authentication', 'fail'],
    ['accounting', 'pass'],
  ]);
  const all = lines.join('\n');
  expect(all).not.toContain('alice-pw');
  expect(all).not.toContain('bad-secret');
  expect(all).not.toContain(KEY);
  expect(JSON.parse((await readFile(accountingFile, 'utf8')).trim())).toMatchObject({
    flag: 'start',
    username: 'alice',
  });
});

test('the CLI process serves logins and exits 0 on SIGTERM', async () => {
  const cli = join(__dirname, '..', 'src', 'cli', 'server-cli.ts');
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      cli,
      '--users',
      usersFile,
      '--key-file',
      keyFile,
      '--port',
      '0',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitFor(() => /listening on 127\.0\.0\.1:(\d+)/.test(out), { timeoutMs: 20_000 });
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
    const client = new TacacsClient({ servers: [{ host: '127.0.0.1', port, key: KEY }] });
    expect((await client.authenticate({ username: 'bob', password: 'bob-pw', type: 'ascii' })).status).toBe(
      'pass',
    );
    await client.close();
    await waitFor(() => out.includes('result=pass'));
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  expect(out).toContain('received SIGTERM');
});
