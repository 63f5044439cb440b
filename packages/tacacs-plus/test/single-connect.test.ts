import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@sessiond/test-utils';
import type { TacacsServer, TacacsServerOptions } from '@sessiond/tacacs-server';
import { TacacsClient, type TacacsClientEvent, type TacacsClientOptions } from '../src';
import { KEY, startServer } from './helpers/fixtures';

/** 50 distinct users; every third login below uses a wrong password, so a mixed-up reply shows. */
const COUNT = 50;
const USERS = Array.from({ length: COUNT }, (_, i) => ({
  username: `user${String(i).padStart(2, '0')}`,
  password: `pw-${i}-secret`,
  'priv-lvl': (i % 15) + 1,
}));
const rightPassword = (i: number): boolean => i % 3 !== 0;
const MAX_CONNECTIONS = 4;

const servers: TacacsServer[] = [];
const clients: TacacsClient[] = [];
const dirs: string[] = [];
const warnings: Error[] = [];
const onWarning = (warning: Error): void => {
  warnings.push(warning);
};

beforeAll(() => process.on('warning', onWarning));
afterAll(() => process.off('warning', onWarning));
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  // MaxListenersExceededWarning and friends are emitted on process: none may appear.
  expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
});

interface Setup {
  readonly server: TacacsServer;
  readonly client: TacacsClient;
  readonly events: TacacsClientEvent[];
  readonly accountingFile: string;
}

async function setup(
  serverOptions: Partial<TacacsServerOptions>,
  clientOptions: Partial<TacacsClientOptions> = {},
): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'sessiond-single-connect-'));
  dirs.push(dir);
  const accountingFile = join(dir, 'accounting.jsonl');
  const server = await startServer({
    users: { users: [...USERS, { username: 'alice', password: 'alice-pw', 'priv-lvl': 15 }] },
    accountingFile,
    ...serverOptions,
  });
  servers.push(server);
  const events: TacacsClientEvent[] = [];
  const client = new TacacsClient({
    servers: [{ host: '127.0.0.1', port: server.port, key: KEY, singleConnect: true }],
    maxConnections: MAX_CONNECTIONS,
    onEvent: (event) => events.push(event),
    ...clientOptions,
  });
  clients.push(client);
  return { server, client, events, accountingFile };
}

function loginAll(client: TacacsClient, signal?: AbortSignal) {
  return Promise.all(
    USERS.map((user, i) =>
      client.authenticate({
        username: user.username,
        password: rightPassword(i) ? user.password : 'wrong-password',
        ...(signal !== undefined ? { signal } : {}),
      }),
    ),
  );
}

/** How many of the 50 logins got the answer their password deserves. */
function correctAnswers(results: readonly { status: string }[]): number {
  return results.filter((r, i) => r.status === (rightPassword(i) ? 'pass' : 'fail')).length;
}

function unsupportedEvents(events: readonly TacacsClientEvent[]) {
  return events.filter((e) => e.type === 'single-connect-unsupported');
}

describe.each(['multiplex', 'tac-plus'] as const)('single-connect against a %s server', (mode) => {
  test('50 concurrent logins of distinct users all get their own answer, on a small pool', async () => {
    const { server, client, events } = await setup({ singleConnectMode: mode });
    // One signal shared by all 50: waiting sessions must not pile listeners onto it.
    const results = await loginAll(client, new AbortController().signal);
    expect(correctAnswers(results)).toBe(COUNT);
    const stats = server.stats();
    // Each session reached the server once: none was interleaved, lost or repeated.
    expect(stats.requests.authentication).toBe(COUNT);
    expect((stats.results['pass'] ?? 0) + (stats.results['fail'] ?? 0)).toBe(COUNT);
    expect(stats.connectionsAccepted).toBeLessThanOrEqual(MAX_CONNECTIONS);
    expect(client.stats()[0]?.connectionsOpened).toBe(stats.connectionsAccepted);
    expect(client.stats()[0]).toMatchObject({ errors: 0, timeouts: 0 });
    expect(unsupportedEvents(events)).toEqual([]);
  });

  test('50 concurrent accounting STARTs are all recorded, once each', async () => {
    const { server, client, accountingFile } = await setup({ singleConnectMode: mode });
    const results = await Promise.all(
      USERS.map((user, i) =>
        client.accounting({ flag: 'start', username: user.username, taskId: `task-${i}` }),
      ),
    );
    expect(results.filter((r) => r.status === 'pass')).toHaveLength(COUNT);
    expect(server.stats().accountingRecords).toBe(COUNT);
    await server.close();
    const lines = readFileSync(accountingFile, 'utf8').trim().split('\n');
    const tasks = lines.map((line) => (JSON.parse(line) as { args: Record<string, string> }).args['task_id']);
    expect(lines).toHaveLength(COUNT);
    expect(new Set(tasks).size).toBe(COUNT);
    expect(server.stats().connectionsAccepted).toBeLessThanOrEqual(MAX_CONNECTIONS);
  });

  test('multi-step ASCII dialogues, authorization and accounting share the pool', async () => {
    const { server, client } = await setup({ singleConnectMode: mode });
    const work = await Promise.all([
      ...Array.from({ length: 10 }, () =>
        client.authenticate({ username: 'alice', password: 'alice-pw', type: 'ascii' }),
      ),
      ...Array.from({ length: 10 }, () =>
        client.authenticate({ username: 'alice', password: 'bad', type: 'ascii' }),
      ),
      ...Array.from({ length: 10 }, () => client.authorize({ username: 'alice' })),
      ...Array.from({ length: 10 }, (_, i) =>
        client.accounting({ flag: 'start', username: 'alice', taskId: `t${i}` }),
      ),
    ]);
    expect(work.slice(0, 10).every((r) => r.status === 'pass')).toBe(true);
    expect(work.slice(10, 20).every((r) => r.status === 'fail')).toBe(true);
    expect(work.slice(20, 30).every((r) => r.status === 'pass' && 'privLvl' in r && r.privLvl === 15)).toBe(
      true,
    );
    expect(work.slice(30).every((r) => r.status === 'pass')).toBe(true);
    // Every packet of a negotiated connection carries the flag, so a tac-plus server keeps them all.
    expect(server.stats().connectionsAccepted).toBeLessThanOrEqual(MAX_CONNECTIONS);
  });

  test('a server that closes connections mid-queue: every session still gets its one right answer', async () => {
    const { server, client, events } = await setup({
      singleConnectMode: mode,
      fault: { type: 'close-after-sessions', sessions: 3 },
    });
    const results = await loginAll(client);
    expect(correctAnswers(results)).toBe(COUNT);
    const stats = server.stats();
    // Nothing answered twice: exactly one finished session per login.
    expect((stats.results['pass'] ?? 0) + (stats.results['fail'] ?? 0)).toBe(COUNT);
    expect(stats.requests.authentication).toBe(COUNT);
    expect(stats.connectionsAccepted).toBeGreaterThanOrEqual(Math.ceil(COUNT / 3));
    // Connections that served several sessions prove the server does keep them.
    expect(unsupportedEvents(events)).toEqual([]);
  });

  test('accounting across a server that closes connections mid-queue: each START recorded once', async () => {
    const { server, client } = await setup({
      singleConnectMode: mode,
      fault: { type: 'close-after-sessions', sessions: 2 },
    });
    const results = await Promise.all(
      USERS.map((user, i) =>
        client.accounting({ flag: 'start', username: user.username, taskId: `task-${i}` }),
      ),
    );
    expect(results.filter((r) => r.status === 'pass')).toHaveLength(COUNT);
    expect(server.stats().accountingRecords).toBe(COUNT);
  });

  test('a server that closes after every session is remembered as non-single-connect, said once', async () => {
    const { server, client, events } = await setup({
      singleConnectMode: mode,
      fault: { type: 'close-after-sessions', sessions: 1 },
    });
    const results = await loginAll(client);
    expect(correctAnswers(results)).toBe(COUNT);
    expect(server.stats().requests.authentication).toBe(COUNT);
    expect(unsupportedEvents(events)).toEqual([
      { type: 'single-connect-unsupported', server: server.address, reason: 'closes-after-session' },
    ]);
    // From now on: one connection per session, nothing sent in vain.
    const before = server.stats();
    for (let i = 0; i < 3; i += 1) {
      expect((await client.authenticate({ username: 'alice', password: 'alice-pw' })).status).toBe('pass');
    }
    const after = server.stats();
    expect(after.connectionsAccepted - before.connectionsAccepted).toBe(3);
    expect(after.requests.authentication - before.requests.authentication).toBe(3);
    expect(unsupportedEvents(events)).toHaveLength(1);
  });

  test('a server that declines single-connect gets one connection per session, said once', async () => {
    const { server, client, events } = await setup({ singleConnectMode: mode, singleConnect: false });
    for (let i = 0; i < 3; i += 1)
      expect((await client.authenticate({ username: 'alice', password: 'alice-pw' })).status).toBe('pass');
    const results = await loginAll(client);
    expect(correctAnswers(results)).toBe(COUNT);
    expect(server.stats().connectionsAccepted).toBe(COUNT + 3);
    expect(unsupportedEvents(events)).toEqual([
      { type: 'single-connect-unsupported', server: server.address, reason: 'declined' },
    ]);
    await waitFor(() => server.stats().connectionsOpen === 0);
  });

  test('a queued session whose deadline passes leaves the queue and is never sent', async () => {
    const { server, client } = await setup({ singleConnectMode: mode }, { maxConnections: 1 });
    expect((await client.authenticate({ username: 'alice', password: 'alice-pw' })).status).toBe('pass');
    server.setFault({ type: 'delay', ms: 300 });
    const slow = client.authenticate({ username: 'alice', password: 'alice-pw' });
    await waitFor(() => server.stats().requests.authentication === 2, { message: 'the slow request' });
    const queued = await client.authenticate({
      username: 'alice',
      password: 'alice-pw',
      signal: AbortSignal.timeout(50),
    });
    expect(queued).toMatchObject({ status: 'unavailable', reason: 'timeout' });
    expect((await slow).status).toBe('pass');
    server.setFault(undefined);
    expect((await client.authenticate({ username: 'alice', password: 'alice-pw' })).status).toBe('pass');
    expect(server.stats().requests.authentication).toBe(3);
    expect(server.stats().connectionsAccepted).toBe(1);
  });

  test('a session abandoned at its deadline closes its connection; the next session opens another', async () => {
    const { server, client } = await setup({ singleConnectMode: mode });
    expect((await client.authenticate({ username: 'alice', password: 'alice-pw' })).status).toBe('pass');
    server.setFault({ type: 'delay', ms: 200 });
    const late = await client.authenticate({
      username: 'alice',
      password: 'alice-pw',
      signal: AbortSignal.timeout(50),
    });
    expect(late).toMatchObject({ status: 'unavailable', reason: 'timeout' });
    server.setFault(undefined);
    expect((await client.authenticate({ username: 'alice', password: 'alice-pw' })).status).toBe('pass');
    // The server may still be working on the abandoned session: its connection is not reused.
    expect(server.stats().connectionsAccepted).toBe(2);
    expect(client.stats()[0]).toMatchObject({ errors: 0, timeouts: 0 });
  });

  test('a connection the server closed while idle is replaced transparently', async () => {
    const { server, client } = await setup({ singleConnectMode: mode, idleTimeoutMs: 150 });
    expect((await client.authenticate({ username: 'alice', password: 'alice-pw' })).status).toBe('pass');
    await waitFor(() => server.stats().connectionsOpen === 0);
    expect((await client.authenticate({ username: 'alice', password: 'alice-pw' })).status).toBe('pass');
    expect(server.stats().connectionsAccepted).toBe(2);
    expect(client.stats()[0]?.errors).toBe(0);
  });

  test('the client closes an idle connection after idleTimeoutMs', async () => {
    const { server, client } = await setup({ singleConnectMode: mode }, { idleTimeoutMs: 100 });
    expect((await client.authenticate({ username: 'alice', password: 'alice-pw' })).status).toBe('pass');
    expect(server.stats().connectionsOpen).toBe(1);
    await waitFor(() => server.stats().connectionsOpen === 0);
    expect((await client.authenticate({ username: 'alice', password: 'alice-pw' })).status).toBe('pass');
    expect(server.stats().connectionsAccepted).toBe(2);
  });

  test('close() lets pending operations settle, then closes the pool', async () => {
    const { server, client } = await setup({ singleConnectMode: mode });
    // The server holds its reply 1 s after it has the request: close() comes well inside that.
    server.setFault({ type: 'delay', ms: 1000 });
    let settled = false;
    const pending = client.authenticate({ username: 'alice', password: 'alice-pw' });
    void pending.finally(() => (settled = true));
    await waitFor(() => server.stats().requests.authentication === 1, {
      message: 'the request at the server',
    });
    const closing = client.close();
    expect(settled).toBe(false);
    expect((await pending).status).toBe('pass');
    await closing;
    await waitFor(() => server.stats().connectionsOpen === 0);
    await expect(client.authenticate({ username: 'alice', password: 'alice-pw' })).rejects.toThrow('closed');
  });
});
