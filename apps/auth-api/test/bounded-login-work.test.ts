import { createServer, request as httpRequest, type ClientRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TOKEN_SERVICES_PATH } from '@sessiond/protocol';
import { waitFor } from '@sessiond/test-utils';
import type { LocalMethod } from '../src/aaa/local/local-method';
import type * as VerifierModule from '../src/aaa/local/password-verifier';
import type * as GateModule from './support/hash-gate';
import {
  basic,
  expectResponsesMatchOpenApi,
  startHarness,
  stopSharedRedis,
  type Harness,
} from './support/harness';
import { HashGate } from './support/hash-gate';
import { metricValue } from './support/metrics';

// Issue 12, "bounded login work": a login whose client went away is never hashed nor counted, the
// local-hash queue is bounded (503 aaa_overloaded with Retry-After beyond LOCAL_HASH_QUEUE_MAX), and
// a check still queued at the login's AAA deadline leaves the queue. The password threads are the
// real ones behind a gate (support/gated-hash-worker.mjs): while it is closed, the check a thread
// took stays running and the rest wait in the queue, so each case knows, rather than hopes, which
// checks are queued. Everything else is the real service on a real redis-server.
jest.mock('../src/aaa/local/password-verifier', () => {
  const actual = jest.requireActual<typeof VerifierModule>('../src/aaa/local/password-verifier');
  const { GATED_HASH_WORKER } = jest.requireActual<typeof GateModule>('./support/hash-gate');
  class GatedPasswordVerifier extends actual.PasswordVerifier {
    constructor(options: VerifierModule.PasswordVerifierOptions) {
      super({ ...options, file: GATED_HASH_WORKER });
    }
  }
  return { ...actual, PasswordVerifier: GatedPasswordVerifier };
});

const CHECKS = 'sessiond_local_hash_checks_total';
const QUEUE = 'sessiond_local_hash_queue_depth';

let gate: HashGate;

beforeAll(() => {
  gate = new HashGate();
});
afterEach(() => gate.release());
afterAll(async () => {
  gate.close();
  await stopSharedRedis();
});

/** The harness's local method (AAA_METHODS=local). */
const localOf = (h: Harness): LocalMethod => h.services.methods.get('local') as LocalMethod;

type Answer = Awaited<ReturnType<Harness['login']>>;

/** A login whose check a thread holds (the gate is closed), so later checks queue behind it. */
async function occupyThread(h: Harness): Promise<{ answer: Promise<Answer> }> {
  gate.hold();
  const answer = h.login('carol', 'carol-pw').then((res) => res);
  await waitFor(() => localOf(h).running === 1, { message: 'the first check to hold the thread' });
  return { answer };
}

async function listen(h: Harness): Promise<{ server: Server; port: number }> {
  const server = createServer(h.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Sends a login and returns the request, to be destroyed before any answer. */
function sendLogin(port: number, username: string, password: string): ClientRequest {
  const req = httpRequest({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: TOKEN_SERVICES_PATH,
    agent: false,
    headers: { Authorization: basic(username, password) },
  });
  req.on('error', () => undefined); // destroyed on purpose
  req.end();
  return req;
}

describe('abandoned logins', () => {
  const ABANDONED = 150;
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      env: {
        AAA_METHODS: 'local',
        LOCAL_HASH_CONCURRENCY: '1',
        LOCAL_HASH_QUEUE_MAX: String(ABANDONED + 10),
        // The defaults: had the abandoned wrong passwords counted, carol and this address would be throttled.
        LOGIN_MAX_FAILURES: '10',
        LOGIN_MAX_FAILURES_PER_ADDRESS: '50',
      },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('are dropped from the queue unhashed and uncounted; a real login then succeeds', async () => {
    const { server, port } = await listen(h);
    try {
      const first = await occupyThread(h);
      // Distinct passwords: identical logins would share one check (chain.ts).
      const requests = Array.from({ length: ABANDONED }, (_, i) => sendLogin(port, 'carol', `wrong-${i}`));
      await waitFor(() => localOf(h).queued === ABANDONED, {
        timeoutMs: 30_000,
        message: `${ABANDONED} checks queued`,
      });
      expect(await metricValue(h, QUEUE)).toBe(ABANDONED);
      for (const req of requests) req.destroy();
      await waitFor(async () => (await metricValue(h, QUEUE)) === 0, {
        timeoutMs: 30_000,
        message: 'the queue to empty',
      });
      expect(localOf(h).queued).toBe(0);
      expect(await metricValue(h, CHECKS, '{result="abandoned"}')).toBe(ABANDONED);
      expect(await metricValue(h, 'sessiond_logins_abandoned_total')).toBe(ABANDONED);
      expect(
        h.logs.filter((l) => l.includes('"msg":"audit"') && l.includes('"code":"abandoned"')),
      ).toHaveLength(ABANDONED);

      gate.release();
      expect((await first.answer).status).toBe(200);
      // The right password after 150 wrong ones: 200, not 429, since none of them counted.
      expect((await h.login('carol', 'carol-pw')).status).toBe(200);
      expect(await metricValue(h, CHECKS, '{result="hashed"}')).toBe(2);
      expect(await metricValue(h, 'sessiond_abuse_failures_total', '{limit="user"}')).toBe(0);
      expect(await metricValue(h, 'sessiond_abuse_failures_total', '{limit="address"}')).toBe(0);
      await expectResponsesMatchOpenApi(h);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the local-hash queue is bounded (LOCAL_HASH_QUEUE_MAX)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      env: { AAA_METHODS: 'local', LOCAL_HASH_CONCURRENCY: '1', LOCAL_HASH_QUEUE_MAX: '3' },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('a burst beyond it gets 503 aaa_overloaded with Retry-After at once; the rest are answered', async () => {
    const first = await occupyThread(h);
    // Not carol's right password again: an identical login would share the first one's check.
    const queued = [
      h.login('shared', 'local-pw').then((r) => r),
      h.login('carol', 'wrong-1').then((r) => r),
      h.login('nobody', 'wrong-2').then((r) => r),
    ];
    await waitFor(() => localOf(h).queued === 3, { message: 'three checks queued' });
    // The gate is still closed: these are answered without a thread ever being free.
    const burst = await Promise.all(Array.from({ length: 5 }, (_, i) => h.login('carol', `burst-${i}`)));
    for (const res of burst) {
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'aaa_overloaded' });
      expect((res.body as { detail: string }).detail).toContain('LOCAL_HASH_QUEUE_MAX');
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect((res.body as { retry_after: number }).retry_after).toBe(retryAfter);
    }
    expect(await metricValue(h, CHECKS, '{result="overloaded"}')).toBe(5);
    expect(localOf(h).queued).toBe(3);

    gate.release();
    expect((await first.answer).status).toBe(200);
    expect((await Promise.all(queued)).map((r) => r.status)).toEqual([200, 401, 401]);
    expect(await metricValue(h, CHECKS, '{result="hashed"}')).toBe(4);
    // An overloaded login is not a failed one: the right password still works.
    expect((await h.login('carol', 'carol-pw')).status).toBe(200);
    await expectResponsesMatchOpenApi(h);
  });
});

describe('the AAA deadline bounds a local check (AAA_DEADLINE_MS)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      env: { AAA_METHODS: 'local', LOCAL_HASH_CONCURRENCY: '1', AAA_DEADLINE_MS: '1500' },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('a check still queued at the deadline leaves the queue with a 503, and is never hashed', async () => {
    const first = await occupyThread(h);
    const waiting = h.login('shared', 'local-pw').then((r) => r);
    await waitFor(() => localOf(h).queued === 1, { message: 'the second check queued' });
    // Both pass their deadline while the gate is closed: the running check's verdict is dropped,
    // the queued one leaves the queue.
    for (const res of [await waiting, await first.answer]) {
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'aaa_overloaded' });
      expect((res.body as { detail: string }).detail).toContain('AAA_DEADLINE_MS');
    }
    expect(localOf(h).queued).toBe(0);
    expect(await metricValue(h, QUEUE)).toBe(0);
    expect(await metricValue(h, CHECKS, '{result="expired"}')).toBe(1);

    gate.release();
    await waitFor(() => localOf(h).running === 0, { message: 'the held check to finish' });
    // Only the check that held the thread was hashed; the expired one never reached a thread.
    expect(await metricValue(h, CHECKS, '{result="hashed"}')).toBe(1);
    expect((await h.login('carol', 'carol-pw')).status).toBe(200);
    expect(await metricValue(h, CHECKS, '{result="hashed"}')).toBe(2);
    await expectResponsesMatchOpenApi(h);
  });
});
