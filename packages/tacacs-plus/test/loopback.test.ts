import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TacacsClient, TacacsFieldTooLongError, type TacacsClientEvent } from '../src';
import type { TacacsServer } from '@sessiond/tacacs-server';
import { KEY, startServer } from './helpers/fixtures';

let dir: string;
let server: TacacsServer;
let client: TacacsClient;
const events: TacacsClientEvent[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tacacs-loopback-'));
  server = await startServer({ accountingFile: join(dir, 'acct.jsonl') });
  client = new TacacsClient({
    servers: [{ host: '127.0.0.1', port: server.port, key: KEY }],
    onEvent: (e) => events.push(e),
  });
});

afterAll(async () => {
  await client.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe.each(['pap', 'ascii', 'chap'] as const)('%s authentication', (type) => {
  test('right password passes and names the server', async () => {
    const r = await client.authenticate({
      username: 'alice',
      password: 'alice-pw',
      type,
      remAddr: '192.0.2.7',
      port: 'sessiond',
    });
    expect(r).toEqual({ status: 'pass', server: server.address, serverMsg: '' });
  });

  test('wrong password fails', async () => {
    const r = await client.authenticate({ username: 'alice', password: 'nope', type });
    expect(r).toMatchObject({
      status: 'fail',
      server: server.address,
      reason: 'fail',
      serverMsg: 'Authentication failed',
    });
  });

  test('unknown user fails', async () => {
    const r = await client.authenticate({ username: 'mallory', password: 'alice-pw', type });
    expect(r.status).toBe('fail');
  });
});

test('scrypt users pass with PAP and ASCII, and cannot use CHAP (no reversible secret)', async () => {
  expect((await client.authenticate({ username: 'carol', password: 'carol-pw' })).status).toBe('pass');
  expect((await client.authenticate({ username: 'carol', password: 'carol-pw', type: 'ascii' })).status).toBe(
    'pass',
  );
  expect((await client.authenticate({ username: 'carol', password: 'wrong' })).status).toBe('fail');
  expect((await client.authenticate({ username: 'carol', password: 'carol-pw', type: 'chap' })).status).toBe(
    'fail',
  );
});

test('authorization returns priv-lvl and the merged arguments (PASS_ADD)', async () => {
  const alice = await client.authorize({ username: 'alice', remAddr: '192.0.2.7', port: 'sessiond' });
  expect(alice).toMatchObject({ status: 'pass', privLvl: 15, replaced: false, server: server.address });
  expect(alice.status === 'pass' && alice.args).toEqual(['service=shell', 'cmd=', 'priv-lvl=15']);
  expect(await client.authorize({ username: 'carol' })).toMatchObject({ status: 'pass', privLvl: 7 });
  expect(await client.authorize({ username: 'dave' })).toMatchObject({ status: 'pass', privLvl: 0 });
  expect(await client.authorize({ username: 'mallory' })).toMatchObject({ status: 'fail', reason: 'fail' });
});

test('accounting START, WATCHDOG and STOP are written as JSON lines', async () => {
  const start = new Date('2025-01-02T03:04:05Z');
  const stop = new Date('2025-01-02T03:14:05Z');
  const base = { username: 'bob', taskId: 'sess-42', remAddr: '198.51.100.4', port: 'sessiond' };
  expect(await client.accounting({ ...base, flag: 'start', startTime: start })).toMatchObject({
    status: 'pass',
  });
  expect(await client.accounting({ ...base, flag: 'watchdog', args: ['note=alive'] })).toMatchObject({
    status: 'pass',
  });
  expect(
    await client.accounting({ ...base, flag: 'stop', startTime: start, stopTime: stop, elapsedSeconds: 600 }),
  ).toMatchObject({ status: 'pass', server: server.address });
  // SUCCESS is only sent once the line is appended, so the file is complete here.
  const lines = (await readFile(join(dir, 'acct.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines).toHaveLength(3);
  expect(lines.map((l) => l['flag'])).toEqual(['start', 'watchdog', 'stop']);
  expect(lines[0]).toMatchObject({
    username: 'bob',
    port: 'sessiond',
    remAddr: '198.51.100.4',
    args: { task_id: 'sess-42', start_time: '1735787045', service: 'shell' },
  });
  expect(lines[1]).toMatchObject({ args: { task_id: 'sess-42', note: 'alive' } });
  expect(lines[2]).toMatchObject({
    args: { task_id: 'sess-42', start_time: '1735787045', stop_time: '1735787645', elapsed_time: '600' },
  });
});

test('fields over 255 bytes are refused with a typed error before any server is contacted', async () => {
  const before = server.stats().connectionsAccepted;
  await expect(client.authenticate({ username: 'u'.repeat(256), password: 'x' })).rejects.toThrow(
    TacacsFieldTooLongError,
  );
  await expect(client.authorize({ username: 'alice', args: ['x='.padEnd(300, 'y')] })).rejects.toThrow(
    TacacsFieldTooLongError,
  );
  await expect(client.authenticate({ username: 'alice', password: 'p'.repeat(256) })).rejects.toThrow(
    TacacsFieldTooLongError,
  );
  expect(server.stats().connectionsAccepted).toBe(before);
});

test('events and stats never contain the password or the key', async () => {
  await client.authenticate({ username: 'alice', password: 'alice-pw' });
  const text = JSON.stringify([events, client.stats()]);
  expect(text).not.toContain('alice-pw');
  expect(text).not.toContain(KEY);
  expect(events.some((e) => e.type === 'attempt' && e.outcome === 'pass')).toBe(true);
  const [stats] = client.stats();
  expect(stats?.passes).toBeGreaterThan(0);
  expect(stats?.fails).toBeGreaterThan(0);
});

test('without single-connect every session opens its own connection', async () => {
  const before = server.stats().connectionsAccepted;
  for (let i = 0; i < 5; i += 1) await client.authenticate({ username: 'bob', password: 'bob-pw' });
  expect(server.stats().connectionsAccepted - before).toBe(5);
});
