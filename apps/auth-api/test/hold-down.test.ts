import { startSilentServer, waitFor, type SilentServer } from '@sessiond/test-utils';
import { expectResponsesMatchOpenApi, startHarness, stopSharedRedis, type Harness } from './support/harness';

// Hold-down that means something, through the auth-api: while every TACACS+ server is held down a
// login gets its answer without a connection attempt, Retry-After is the remaining hold-down, and
// when it ends exactly one login probes the server. Silent servers count what reaches them.

const silent: SilentServer[] = [];

afterEach(async () => {
  await Promise.all(silent.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await stopSharedRedis();
});

async function silentServers(count: number): Promise<SilentServer[]> {
  const started = await Promise.all(Array.from({ length: count }, () => startSilentServer()));
  silent.push(...started);
  return started;
}

async function harnessFor(servers: readonly SilentServer[], holdDownMs: number): Promise<Harness> {
  return startHarness({
    env: {
      AAA_METHODS: 'tacacs',
      TACACS_SERVERS: servers.map((s) => `127.0.0.1:${s.port}`).join(','),
      AAA_TIMEOUT_MS: '300',
      AAA_RETRIES: '1',
      TACACS_HOLD_DOWN_MS: String(holdDownMs),
    },
  });
}

const aaaOf = (body: unknown): Record<string, unknown> => (body as { aaa: Record<string, unknown> }).aaa;
const logEvents = (h: Harness, event: string): number =>
  h.logs.filter((line) => (JSON.parse(line) as { event?: string }).event === event).length;

describe('TACACS+ hold-down through the auth-api', () => {
  it('one server held down: the next logins are answered without a connection, Retry-After = the hold-down left', async () => {
    const [server] = await silentServers(1);
    const h = await harnessFor(silent, 60_000);
    try {
      const first = await h.login('alice', 'alice-pw');
      expect(first.status).toBe(503);
      expect(aaaOf(first.body)).toMatchObject({ status: 'timeout', servers_tried: 1 });
      expect(server?.connections).toBe(2);
      const until = Date.parse(String(aaaOf(first.body)['held_down_until']));
      for (const username of ['alice', 'admin', 'bob', 'pat', 'shared']) {
        // Retry-After is the hold-down left when the answer was made: at most what was left before
        // the request was sent (a bound that holds however long the request takes).
        const sentAt = Date.now();
        const res = await h.login(username, 'any-password');
        expect(res.status).toBe(503);
        expect(aaaOf(res.body)).toMatchObject({ status: 'timeout', servers_tried: 0 });
        expect(Date.parse(String(aaaOf(res.body)['held_down_until']))).toBe(until);
        const retryAfter = Number(res.headers['retry-after']);
        expect(retryAfter).toBeLessThanOrEqual(Math.ceil((until - sentAt) / 1000));
        expect(retryAfter).toBeGreaterThan(50);
      }
      expect(server?.connections).toBe(2);
      const ready = await h.management().get('/readyz');
      expect(
        (ready.body as { aaa: { sources: Record<string, unknown>[] }[] }).aaa[0]?.sources[0],
      ).toMatchObject({
        state: 'held-down',
        until: new Date(until).toISOString(),
      });
      const metrics = await h.management().get('/metrics');
      expect(metrics.text).toContain('sessiond_aaa_skipped_total{method="tacacs+"} 5');
      expect(metrics.text).toMatch(
        /sessiond_aaa_source_up\{method="tacacs\+",source="127\.0\.0\.1:\d+",state="held-down"\} 0/,
      );
      // The state change is logged once, not once per login.
      await waitFor(() => logEvents(h, 'tacacs.held-down') === 1, { message: 'the hold-down warning' });
      await expectResponsesMatchOpenApi(h);
    } finally {
      await h.close();
    }
  });

  it('two servers held down: nothing is sent to either', async () => {
    const [a, b] = await silentServers(2);
    const h = await harnessFor(silent, 60_000);
    try {
      const first = await h.login('alice', 'alice-pw');
      expect(aaaOf(first.body)).toMatchObject({ servers_tried: 2 });
      expect([a?.connections, b?.connections]).toEqual([2, 2]);
      const again = await h.login('alice', 'alice-pw');
      expect(again.status).toBe(503);
      expect(aaaOf(again.body)).toMatchObject({ status: 'timeout', servers_tried: 0 });
      expect([a?.connections, b?.connections]).toEqual([2, 2]);
    } finally {
      await h.close();
    }
  });

  it('when the hold-down ends, one login probes the server and the others do not wait', async () => {
    const [server] = await silentServers(1);
    const h = await harnessFor(silent, 1500);
    try {
      const first = await h.login('alice', 'alice-pw');
      const until = Date.parse(String(aaaOf(first.body)['held_down_until']));
      expect(server?.connections).toBe(2);
      await waitFor(() => Date.now() > until + 10, { message: 'the end of the hold-down' });
      const logins = await Promise.all(
        ['alice', 'admin', 'bob', 'pat', 'shared'].map((username) => h.login(username, 'any-password')),
      );
      expect(logins.map((res) => res.status)).toEqual([503, 503, 503, 503, 503]);
      const tried = logins.map((res) => aaaOf(res.body)['servers_tried']).sort();
      expect(tried).toEqual([0, 0, 0, 0, 1]);
      // One probe: one attempt (no retry), one connection.
      expect(server?.connections).toBe(3);
      await waitFor(() => logEvents(h, 'tacacs.probe') === 1, { message: 'the probe line' });
    } finally {
      await h.close();
    }
  });
});
