import { waitFor } from '@sessiond/test-utils';
import { TacacsClient } from '../src';
import type { TacacsServer } from '@sessiond/tacacs-server';
import { KEY, startServer } from './helpers/fixtures';

const servers: TacacsServer[] = [];
const clients: TacacsClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup(serverOptions: Parameters<typeof startServer>[0] = {}, idleTimeoutMs = 30_000) {
  const server = await startServer(serverOptions);
  servers.push(server);
  const client = new TacacsClient({
    servers: [{ host: '127.0.0.1', port: server.port, key: KEY, singleConnect: true }],
    idleTimeoutMs,
  });
  clients.push(client);
  return { server, client };
}

test('50 concurrent logins share one negotiated connection', async () => {
  const { server, client } = await setup();
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      client.authenticate({
        username: i % 2 === 0 ? 'alice' : 'bob',
        password: i % 2 === 0 ? 'alice-pw' : 'bob-pw',
      }),
    ),
  );
  expect(results.map((r) => r.status)).toEqual(Array.from({ length: 50 }, () => 'pass'));
  expect(server.stats().connectionsAccepted).toBe(1);
  expect(server.stats().requests.authentication).toBe(50);
  expect(client.stats()[0]?.connectionsOpened).toBe(1);
});

test('multi-step ASCII dialogues, authorization and accounting multiplex on the same connection', async () => {
  const { server, client } = await setup();
  const work = await Promise.all([
    ...Array.from({ length: 10 }, () =>
      client.authenticate({ username: 'alice', password: 'alice-pw', type: 'ascii' }),
    ),
    ...Array.from({ length: 10 }, () =>
      client.authenticate({ username: 'alice', password: 'bad', type: 'ascii' }),
    ),
    ...Array.from({ length: 10 }, () => client.authorize({ username: 'alice' })),
    ...Array.from({ length: 10 }, (_, i) =>
      client.accounting({ flag: 'start', username: 'bob', taskId: `t${i}` }),
    ),
  ]);
  expect(work.slice(0, 10).every((r) => r.status === 'pass')).toBe(true);
  expect(work.slice(10, 20).every((r) => r.status === 'fail')).toBe(true);
  expect(work.slice(20, 30).every((r) => r.status === 'pass' && 'privLvl' in r && r.privLvl === 15)).toBe(
    true,
  );
  expect(work.slice(30).every((r) => r.status === 'pass')).toBe(true);
  expect(server.stats().connectionsAccepted).toBe(1);
});

test('a server that declines single-connect gets one connection per session', async () => {
  const { server, client } = await setup({ singleConnect: false });
  for (let i = 0; i < 3; i += 1)
    expect((await client.authenticate({ username: 'bob', password: 'bob-pw' })).status).toBe('pass');
  const concurrent = await Promise.all(
    Array.from({ length: 5 }, () => client.authenticate({ username: 'bob', password: 'bob-pw' })),
  );
  expect(concurrent.every((r) => r.status === 'pass')).toBe(true);
  expect(server.stats().connectionsAccepted).toBe(8);
  await waitFor(() => server.stats().connectionsOpen === 0);
});

test('a shared connection the server closed while idle is replaced transparently', async () => {
  const { server, client } = await setup({ idleTimeoutMs: 150 });
  expect((await client.authenticate({ username: 'bob', password: 'bob-pw' })).status).toBe('pass');
  await waitFor(() => server.stats().connectionsOpen === 0);
  const r = await client.authenticate({ username: 'bob', password: 'bob-pw' });
  expect(r.status).toBe('pass');
  expect(server.stats().connectionsAccepted).toBe(2);
  expect(client.stats()[0]?.errors).toBe(0);
});

test('the client closes an idle single-connect connection', async () => {
  const { server, client } = await setup({}, 100);
  expect((await client.authenticate({ username: 'bob', password: 'bob-pw' })).status).toBe('pass');
  expect(server.stats().connectionsOpen).toBe(1);
  await waitFor(() => server.stats().connectionsOpen === 0);
  expect((await client.authenticate({ username: 'bob', password: 'bob-pw' })).status).toBe('pass');
  expect(server.stats().connectionsAccepted).toBe(2);
});

test('close() lets pending operations settle, then closes the shared connection', async () => {
  const { server, client } = await setup();
  // The server holds its reply 1 s after it has the request: close() comes well inside that.
  server.setFault({ type: 'delay', ms: 1000 });
  let settled = false;
  const pending = client.authenticate({ username: 'bob', password: 'bob-pw' });
  void pending.finally(() => (settled = true));
  await waitFor(() => server.stats().requests.authentication === 1, { message: 'the request at the server' });
  const closing = client.close();
  expect(settled).toBe(false);
  expect((await pending).status).toBe('pass');
  await closing;
  await waitFor(() => server.stats().connectionsOpen === 0);
  await expect(client.authenticate({ username: 'bob', password: 'bob-pw' })).rejects.toThrow('closed');
});

test('a session abandoned at its deadline leaves the shared connection usable; its late reply is ignored', async () => {
  const { server, client } = await setup();
  expect((await client.authenticate({ username: 'bob', password: 'bob-pw' })).status).toBe('pass');
  server.setFault({ type: 'delay', ms: 200 });
  const late = await client.authenticate({
    username: 'bob',
    password: 'bob-pw',
    signal: AbortSignal.timeout(50),
  });
  expect(late).toMatchObject({ status: 'unavailable', reason: 'timeout' });
  server.setFault(undefined);
  // The server sends the delayed reply to the abandoned session (its second answered session).
  await waitFor(() => server.stats().results['pass'] === 2, { message: 'the late reply' });
  expect((await client.authenticate({ username: 'bob', password: 'bob-pw' })).status).toBe('pass');
  expect(server.stats().connectionsAccepted).toBe(1);
  expect(client.stats()[0]).toMatchObject({ errors: 0, timeouts: 0 });
});
