import { freePort, startSilentServer, type SilentServer } from '@sessiond/test-utils';
import {
  TacacsClient,
  type TacacsClientEvent,
  type TacacsServerConfig,
  type TacacsUnavailable,
} from '../src';
import type { TacacsServer } from '@sessiond/tacacs-server';
import { KEY, startServer } from './helpers/fixtures';

// Hold-down that means something: a held-down server is never contacted, an operation finds every
// server held down ends at once, and when a hold-down ends exactly one operation probes the server.

const HOLD_DOWN_MS = 60_000;
const alice = { username: 'alice', password: 'alice-pw' };

let now: number;
let events: TacacsClientEvent[];
let client: TacacsClient | undefined;
const closers: (() => Promise<void>)[] = [];

beforeEach(() => {
  now = 1_000_000;
  events = [];
});

afterEach(async () => {
  await client?.close();
  client = undefined;
  await Promise.all(closers.splice(0).map((close) => close()));
});

function makeClient(servers: readonly TacacsServerConfig[], retries = 0): TacacsClient {
  client = new TacacsClient({
    servers,
    retries,
    holdDownMs: HOLD_DOWN_MS,
    now: () => now,
    onEvent: (e) => events.push(e),
  });
  return client;
}

async function silent(): Promise<SilentServer> {
  const server = await startSilentServer();
  closers.push(() => server.close());
  return server;
}

async function tacacs(port?: number): Promise<TacacsServer> {
  const server = await startServer(port !== undefined ? { port } : {});
  closers.push(() => server.close());
  return server;
}

const to = (port: number, readTimeoutMs = 150): TacacsServerConfig => ({
  host: '127.0.0.1',
  port,
  key: KEY,
  readTimeoutMs,
});

const types = (): string[] => events.filter((e) => e.type !== 'connection-opened').map((e) => e.type);

test('a silent server times out once, then is never contacted while held down', async () => {
  const dead = await silent();
  const c = makeClient([to(dead.port)], 1);
  const first = (await c.authenticate(alice)) as TacacsUnavailable;
  expect(first).toMatchObject({ status: 'unavailable', reason: 'timeout', serversTried: 1, attempts: 2 });
  expect(first.retryAt).toBe(now + HOLD_DOWN_MS);
  expect(dead.connections).toBe(2);

  events = [];
  const during = await Promise.all(Array.from({ length: 10 }, () => c.authenticate(alice)));
  for (const result of during) {
    expect(result).toMatchObject({
      status: 'unavailable',
      reason: 'timeout',
      serversTried: 0,
      attempts: 0,
      skipped: [`127.0.0.1:${dead.port}`],
      retryAt: now + HOLD_DOWN_MS,
    });
  }
  expect(dead.connections).toBe(2);
  expect(types()).toEqual(Array.from({ length: 10 }, () => 'all-held-down'));
  expect(c.stats()[0]?.heldDownUntil).toBe(now + HOLD_DOWN_MS);
});

test('when the hold-down ends, exactly one of many waiting operations probes; the rest skip', async () => {
  const dead = await silent();
  const c = makeClient([to(dead.port)], 2);
  await c.authenticate(alice);
  expect(dead.connections).toBe(3);

  now += HOLD_DOWN_MS;
  events = [];
  const results = await Promise.all(Array.from({ length: 10 }, () => c.authenticate(alice)));
  // One probe, one attempt (no retries for a probe), one new connection.
  expect(dead.connections).toBe(4);
  const probed = results.filter((r) => r.status === 'unavailable' && r.serversTried === 1);
  expect(probed).toHaveLength(1);
  expect(probed[0]).toMatchObject({ attempts: 1, reason: 'timeout' });
  expect(types().filter((t) => t === 'probe')).toHaveLength(1);
  expect(types().filter((t) => t === 'all-held-down')).toHaveLength(9);
  // The probe failed: a new hold-down from the probe's end.
  expect(c.stats()[0]?.heldDownUntil).toBe(now + HOLD_DOWN_MS);
  expect(types()).toContain('hold-down');
});

test('a probe that finds the server back ends the hold-down, once', async () => {
  const port = await freePort();
  const c = makeClient([to(port)]);
  expect(await c.authenticate(alice)).toMatchObject({ status: 'unavailable', reason: 'unreachable' });
  expect(events.find((e) => e.type === 'hold-down')).toMatchObject({ reason: 'unreachable' });
  const back = await tacacs(port);

  // Still held down: the server is up again, but nobody may know before the hold-down ends.
  expect(await c.authenticate(alice)).toMatchObject({ status: 'unavailable', serversTried: 0 });
  expect(back.stats().connectionsAccepted).toBe(0);

  now += HOLD_DOWN_MS;
  events = [];
  expect(await c.authenticate(alice)).toMatchObject({ status: 'pass' });
  expect(types()).toEqual(['probe', 'attempt', 'recovered']);
  expect(events.find((e) => e.type === 'recovered')).toMatchObject({ downForMs: HOLD_DOWN_MS });
  expect(c.stats()[0]?.heldDownUntil).toBeUndefined();
  // Up again: every operation uses it, no probe.
  events = [];
  await Promise.all(Array.from({ length: 5 }, () => c.authenticate(alice)));
  expect(types()).toEqual(Array.from({ length: 5 }, () => 'attempt'));
});

test('two servers held down: nothing is sent, retryAt is the soonest end', async () => {
  const a = await silent();
  const b = await tacacs();
  const c = makeClient([to(a.port), to(b.port)]);
  // a times out and is held down; b answers.
  expect(await c.authenticate(alice)).toMatchObject({ status: 'pass', server: b.address });
  const untilA = c.stats()[0]?.heldDownUntil;
  now += 1_000;
  await b.close();
  // a is skipped, b is refused: now both are held down, a's hold-down ending first.
  expect(await c.authenticate(alice)).toMatchObject({ status: 'unavailable', serversTried: 1 });
  expect(c.stats()[1]?.heldDownUntil).toBe(now + HOLD_DOWN_MS);
  const r = (await c.authenticate(alice)) as TacacsUnavailable;
  expect(r).toMatchObject({ serversTried: 0, attempts: 0, reason: 'unreachable' });
  expect(r.skipped).toEqual([`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`]);
  expect(r.retryAt).toBe(untilA);
  expect(a.connections).toBe(1);
});

test('one server held down, the other up: the held-down one is skipped without a connection', async () => {
  const dead = await silent();
  const live = await tacacs();
  const c = makeClient([to(dead.port), to(live.port)]);
  expect(await c.authenticate(alice)).toMatchObject({ status: 'pass', server: live.address });
  expect(await c.authenticate(alice)).toMatchObject({ status: 'pass', server: live.address });
  expect(dead.connections).toBe(1);
  expect(types()).not.toContain('all-held-down');
});

test('a probe cut short by the caller’s deadline decides nothing: the next operation probes', async () => {
  const port = await freePort();
  const c = makeClient([to(port, 60_000)]);
  await c.authenticate(alice);
  const until = c.stats()[0]?.heldDownUntil;
  const dead = await startSilentServer('127.0.0.1', port);
  closers.push(() => dead.close());
  now += HOLD_DOWN_MS;
  expect(await c.authenticate({ ...alice, signal: AbortSignal.timeout(100) })).toMatchObject({
    status: 'unavailable',
    reason: 'timeout',
    serversTried: 1,
  });
  expect(dead.connections).toBe(1);
  // No verdict: the hold-down is unchanged (already over), and the next operation is the probe.
  expect(c.stats()[0]?.heldDownUntil).toBe(until);
  events = [];
  await c.authenticate({ ...alice, signal: AbortSignal.timeout(100) });
  expect(types()[0]).toBe('probe');
  expect(dead.connections).toBe(2);
});

test('a server that answers with the wrong key is reachable: a probe ends its hold-down', async () => {
  const port = await freePort();
  const c = makeClient([to(port)]);
  await c.authenticate(alice);
  const wrongKey = await tacacs(port);
  wrongKey.setFault({ type: 'wrong-key' });
  now += HOLD_DOWN_MS;
  events = [];
  expect(await c.authenticate(alice)).toMatchObject({ status: 'unavailable', reason: 'key-mismatch' });
  expect(types()).toEqual(['probe', 'attempt', 'recovered']);
  expect(c.stats()[0]?.heldDownUntil).toBeUndefined();
});
