import { freePort, waitFor } from '@sessiond/test-utils';
import type { TacacsTimeoutError } from '../src';
import {
  TacacsClient,
  TacacsConnectionError,
  TacacsKeyMismatchError,
  TacacsProtocolError,
  TacacsServerError,
  type TacacsClientEvent,
  type TacacsServerConfig,
} from '../src';
import type { TacacsFault, TacacsServer } from '@sessiond/tacacs-server';
import { KEY, startServer } from './helpers/fixtures';

// Two servers, the primary misbehaving: what the caller gets, and whether the secondary was contacted.

let primary: TacacsServer;
let secondary: TacacsServer;
let client: TacacsClient | undefined;
let events: TacacsClientEvent[];

beforeEach(async () => {
  primary = await startServer();
  secondary = await startServer();
  events = [];
});

afterEach(async () => {
  await client?.close();
  client = undefined;
  await Promise.all([primary.close(), secondary.close()]);
});

function makeClient(
  servers: readonly TacacsServerConfig[],
  options: { retries?: number; holdDownMs?: number; now?: () => number } = {},
): TacacsClient {
  client = new TacacsClient({ servers, onEvent: (e) => events.push(e), ...options });
  return client;
}

const at = (server: TacacsServer, extra: Partial<TacacsServerConfig> = {}): TacacsServerConfig => ({
  host: '127.0.0.1',
  port: server.port,
  key: KEY,
  connectTimeoutMs: 1_000,
  readTimeoutMs: 1_000,
  ...extra,
});

const alice = { username: 'alice', password: 'alice-pw' };

test('primary refused → secondary answers; the primary is retried once, then held down', async () => {
  const closedPort = await freePort();
  const c = makeClient([{ host: '127.0.0.1', port: closedPort, key: KEY }, at(secondary)]);
  const r = await c.authenticate(alice);
  expect(r).toMatchObject({ status: 'pass', server: secondary.address });
  const [dead, live] = c.stats();
  expect(dead).toMatchObject({ attempts: 2, errors: 2, passes: 0 });
  expect(dead?.heldDownUntil).toBeGreaterThan(Date.now());
  expect(live).toMatchObject({ attempts: 1, passes: 1 });
  expect(events.filter((e) => e.type !== 'connection-opened').map((e) => e.type)).toEqual([
    'attempt',
    'retry',
    'attempt',
    'hold-down',
    'failover',
    'attempt',
  ]);

  // Held down: the next login goes straight to the secondary.
  expect((await c.authenticate(alice)).status).toBe('pass');
  expect(c.stats()[0]?.attempts).toBe(2);
});

test('when every server is held down nothing is sent until the hold-down ends; a probe that passes clears it', async () => {
  const port = await freePort();
  let now = 1_000_000;
  const c = makeClient([{ host: '127.0.0.1', port, key: KEY }], {
    retries: 0,
    holdDownMs: 60_000,
    now: () => now,
  });
  expect((await c.authenticate(alice)).status).toBe('unavailable');
  expect(c.stats()[0]?.heldDownUntil).toBe(now + 60_000);
  now += 1_000;
  const back = await startServer({ port });
  try {
    expect(await c.authenticate(alice)).toMatchObject({ status: 'unavailable', serversTried: 0 });
    expect(events.some((e) => e.type === 'all-held-down')).toBe(true);
    expect(back.stats().connectionsAccepted).toBe(0);
    now += 60_000;
    expect((await c.authenticate(alice)).status).toBe('pass');
    expect(c.stats()[0]?.heldDownUntil).toBeUndefined();
  } finally {
    await back.close();
  }
});

test('primary slow (delay > read timeout) → secondary answers within the timeout', async () => {
  primary.setFault({ type: 'delay', ms: 3_000 });
  const c = makeClient([at(primary, { readTimeoutMs: 300 }), at(secondary)], { retries: 0 });
  const r = await c.authenticate(alice);
  expect(r).toMatchObject({ status: 'pass', server: secondary.address });
  // Not the 3 s delay: the primary's attempt ended at its 300 ms read timeout, and the answer came
  // while the primary was still holding its reply (it has sent nothing yet).
  expect(primary.stats().requests.authentication).toBe(1);
  expect(primary.stats().results).toEqual({});
  const attempts = events.filter((e) => e.type === 'attempt');
  expect(attempts).toMatchObject([
    {
      server: primary.address,
      outcome: 'error',
      error: { code: 'TACACS_TIMEOUT', message: 'read timed out after 300 ms' },
    },
    { server: secondary.address, outcome: 'pass' },
  ]);
  expect(events.map((e) => e.type)).toContain('failover');
  expect(c.stats()[0]).toMatchObject({ timeouts: 1 });
  expect(secondary.stats().requests.authentication).toBe(1);
});

test('a timed-out server is retried `retries` times before failing over', async () => {
  primary.setFault({ type: 'drop' });
  const c = makeClient([at(primary, { readTimeoutMs: 200 }), at(secondary)], { retries: 2 });
  expect((await c.authenticate(alice)).status).toBe('pass');
  expect(primary.stats().requests.authentication).toBe(3);
  expect(c.stats()[0]).toMatchObject({ attempts: 3, timeouts: 3 });
});

describe.each<[string, TacacsFault, new (...args: never[]) => Error]>([
  ['garbage', { type: 'garbage' }, TacacsProtocolError],
  ['wrong key', { type: 'wrong-key' }, TacacsKeyMismatchError],
  ['ERROR status', { type: 'error' }, TacacsServerError],
  ['close mid-reply', { type: 'close-mid-reply' }, TacacsConnectionError],
])('primary %s', (_name, fault, errorClass) => {
  test('→ the secondary answers, the primary is tried once (no retry)', async () => {
    primary.setFault(fault);
    const c = makeClient([at(primary), at(secondary)]);
    expect(await c.authenticate(alice)).toMatchObject({ status: 'pass', server: secondary.address });
    expect(await c.authorize({ username: 'alice' })).toMatchObject({
      status: 'pass',
      privLvl: 15,
      server: secondary.address,
    });
    expect(await c.accounting({ flag: 'start', username: 'alice', taskId: '1' })).toMatchObject({
      status: 'pass',
      server: secondary.address,
    });
    expect(primary.stats().requests).toEqual({ authentication: 1, authorization: 1, accounting: 1 });
    expect(c.stats()[0]).toMatchObject({ attempts: 3, errors: 3 });
  });

  test('→ with the primary alone: unavailable, and the cause is typed', async () => {
    primary.setFault(fault);
    const c = makeClient([at(primary)]);
    const r = await c.authenticate(alice);
    if (r.status !== 'unavailable') throw new Error(`expected unavailable, got ${r.status}`);
    expect(r.error.causes).toHaveLength(1);
    expect(r.error.causes[0]?.error).toBeInstanceOf(errorClass);
    expect(r.error.causes[0]?.server).toBe(primary.address);
    expect(r.reason).toBe(
      fault.type === 'wrong-key'
        ? 'key-mismatch'
        : fault.type === 'close-mid-reply'
          ? 'unreachable'
          : 'error',
    );
  });
});

describe.each([
  ['FAIL (wrong password)', undefined, 'fail'],
  ['FOLLOW', { type: 'follow' } as const, 'follow'],
  ['RESTART', { type: 'restart' } as const, 'restart'],
  ['GETDATA', { type: 'getdata' } as const, 'getdata'],
])('primary %s', (_name, fault, reason) => {
  test('→ final FAIL; the secondary is not contacted and nothing is retried', async () => {
    primary.setFault(fault);
    const c = makeClient([at(primary), at(secondary)], { retries: 3 });
    const r = await c.authenticate({
      username: 'alice',
      password: fault === undefined ? 'wrong' : 'alice-pw',
    });
    expect(r).toMatchObject({ status: 'fail', server: primary.address, reason });
    expect(primary.stats().requests.authentication).toBe(1);
    expect(secondary.stats().connectionsAccepted).toBe(0);
    expect(secondary.stats().requests.authentication).toBe(0);
    expect(events.filter((e) => e.type === 'retry' || e.type === 'failover')).toEqual([]);
  });
});

test('GETDATA is aborted with CONTINUE abort and the server sees the session end', async () => {
  primary.setFault({ type: 'getdata' });
  const c = makeClient([at(primary)]);
  expect((await c.authenticate(alice)).status).toBe('fail');
  await waitFor(() => (primary.stats().results['abort'] ?? 0) > 0, { message: 'the abort at the server' });
  expect(primary.stats().results['abort']).toBe(1);
});

test('authorization FAIL and FOLLOW are final too', async () => {
  const c = makeClient([at(primary), at(secondary)]);
  expect(await c.authorize({ username: 'mallory' })).toMatchObject({ status: 'fail', reason: 'fail' });
  primary.setFault({ type: 'follow' });
  expect(await c.authorize({ username: 'alice' })).toMatchObject({ status: 'fail', reason: 'follow' });
  expect(await c.accounting({ flag: 'stop', username: 'alice', taskId: '1' })).toMatchObject({
    status: 'fail',
    reason: 'follow',
  });
  expect(secondary.stats().connectionsAccepted).toBe(0);
});

test('all servers down → unavailable (unreachable) after every retry', async () => {
  const [p1, p2] = [await freePort(), await freePort()];
  const c = makeClient([
    { host: '127.0.0.1', port: p1, key: KEY },
    { host: '127.0.0.1', port: p2, key: KEY },
  ]);
  const r = await c.authenticate(alice);
  expect(r).toMatchObject({ status: 'unavailable', reason: 'unreachable', serversTried: 2, attempts: 4 });
  if (r.status === 'unavailable') {
    expect(r.error.causes.map((cause) => (cause.error as TacacsConnectionError).reason)).toEqual([
      'refused',
      'refused',
      'refused',
      'refused',
    ]);
  }
});

test('all servers silent → unavailable with reason timeout within the overall deadline', async () => {
  primary.setFault({ type: 'drop' });
  secondary.setFault({ type: 'drop' });
  const c = makeClient([at(primary, { readTimeoutMs: 10_000 }), at(secondary, { readTimeoutMs: 10_000 })]);
  const started = Date.now();
  const r = await c.authenticate({ ...alice, signal: AbortSignal.timeout(400) });
  const elapsed = Date.now() - started;
  expect(r).toMatchObject({ status: 'unavailable', reason: 'timeout', serversTried: 1, attempts: 1 });
  // Ended by the deadline, not by a read timeout: the cause says which timer fired.
  if (r.status === 'unavailable')
    expect((r.error.causes[0]?.error as TacacsTimeoutError).phase).toBe('deadline');
  // Timers never fire early, so the lower bound holds anywhere; a loaded machine only makes them
  // late, so the upper bound is generous: under half the 10 s read timeout the call did not wait for.
  expect(elapsed).toBeGreaterThanOrEqual(350);
  expect(elapsed).toBeLessThan(5_000);
});

test('an already-aborted signal returns unavailable at once without contacting any server', async () => {
  const c = makeClient([at(primary)]);
  const controller = new AbortController();
  controller.abort();
  const r = await c.authenticate({ ...alice, signal: controller.signal });
  expect(r).toMatchObject({ status: 'unavailable', reason: 'timeout', attempts: 0 });
  expect(primary.stats().connectionsAccepted).toBe(0);
});

test('every server with a wrong key → reason key-mismatch; mixed causes → error', async () => {
  primary.setFault({ type: 'wrong-key' });
  secondary.setFault({ type: 'wrong-key' });
  const c = makeClient([at(primary), at(secondary)]);
  expect(await c.authenticate(alice)).toMatchObject({
    status: 'unavailable',
    reason: 'key-mismatch',
    serversTried: 2,
  });
  secondary.setFault({ type: 'error' });
  expect(await c.authenticate(alice)).toMatchObject({
    status: 'unavailable',
    reason: 'error',
    serversTried: 2,
  });
});

test('the client-side key differing from the server is a key mismatch too', async () => {
  const c = makeClient([at(primary, { key: 'not-the-server-key-at-all' }), at(secondary)]);
  expect(await c.authenticate(alice)).toMatchObject({ status: 'pass', server: secondary.address });
  const [first] = c.stats();
  expect(first).toMatchObject({ errors: 1 });
  const attempt = events.find((e) => e.type === 'attempt' && e.outcome === 'error');
  expect(attempt).toMatchObject({ error: { code: 'TACACS_KEY_MISMATCH' } });
});

test('single-connect primary failing mid-flight: every concurrent login still gets an answer', async () => {
  const c = makeClient([at(primary, { singleConnect: true }), at(secondary, { singleConnect: true })]);
  expect((await c.authenticate(alice)).status).toBe('pass');
  primary.setFault({ type: 'close-mid-reply' });
  const results = await Promise.all(Array.from({ length: 20 }, () => c.authenticate(alice)));
  expect(results.every((r) => r.status === 'pass')).toBe(true);
  expect(secondary.stats().requests.authentication).toBeGreaterThan(0);
});
