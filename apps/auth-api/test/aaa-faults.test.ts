import { waitFor } from '@sessiond/test-utils';
import { expectResponsesMatchOpenApi, startHarness, stopSharedRedis, type Harness } from './support/harness';

afterAll(async () => {
  await stopSharedRedis();
});

async function withHarness(
  options: Parameters<typeof startHarness>[0],
  run: (h: Harness) => Promise<void>,
): Promise<void> {
  const h = await startHarness(options);
  try {
    await run(h);
    await expectResponsesMatchOpenApi(h);
  } finally {
    await h.close();
  }
}

describe('AAA failures each get their own status', () => {
  it('TACACS+ slower than AAA_TIMEOUT_MS, retries exhausted: 503 aaa_unavailable (timeout) within the deadline', async () => {
    await withHarness(
      {
        tacacs: [{ type: 'delay', ms: 3000 }],
        env: { AAA_METHODS: 'tacacs', AAA_TIMEOUT_MS: '300', AAA_RETRIES: '1', AAA_DEADLINE_MS: '10000' },
      },
      async (h) => {
        const started = Date.now();
        const res = await h.login('alice', 'alice-pw');
        const elapsed = Date.now() - started;
        expect(res.status).toBe(503);
        // Both attempts timed out: the server is held down (TACACS_HOLD_DOWN_MS, 30 s by default).
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(25);
        expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(30);
        expect(res.body).toMatchObject({
          code: 'aaa_unavailable',
          aaa: { method: 'tacacs+', status: 'timeout', servers_tried: 1, timeout_ms: 300, retries: 1 },
        });
        expect((res.body as { detail: string }).detail).toContain('AAA_TIMEOUT_MS');
        // Each attempt ended at its own 300 ms timeout (none at the deadline), and both reached the server.
        const audit = (): { aaa?: { steps?: unknown[] } }[] =>
          h.logs
            .map((line) => JSON.parse(line) as { event?: string; aaa?: { steps?: unknown[] } })
            .filter((line) => line.event === 'login');
        // The audit line is written as the answer finishes, which may be just after supertest has it.
        await waitFor(() => audit().length > 0, { message: 'the login audit line' });
        expect(audit().map((line) => line.aaa?.steps)).toEqual([
          [
            expect.objectContaining({ attempt: 1, result: 'timeout' }),
            expect.objectContaining({ attempt: 2, result: 'timeout' }),
          ],
        ]);
        expect(h.tacacs[0]?.stats().requests.authentication).toBe(2);
        // A functional bound, not a benchmark: answered before the server's 3 s reply could have
        // come (far inside the 10 s deadline), with seconds to spare on a loaded CI machine.
        expect(elapsed).toBeLessThan(3000);
      },
    );
  });

  it('the same slow TACACS+ with local next in the chain: the local user logs in', async () => {
    await withHarness(
      {
        tacacs: [{ type: 'delay', ms: 3000 }],
        env: { AAA_METHODS: 'tacacs,local', AAA_TIMEOUT_MS: '300', AAA_RETRIES: '0' },
      },
      async (h) => {
        const res = await h.login('carol', 'carol-pw');
        expect(res.status).toBe(200);
        const list = await h
          .http()
          .get('/api/v1/auth/token-services')
          .set('X-auth-token', (res.body as Record<string, string>)['token-id'] ?? '');
        expect((list.body as { items: { aaa: string }[] }).items[0]?.aaa).toBe('local');
        // A wrong local password during the outage is not the answer: the outage is.
        expect((await h.login('carol', 'wrong')).body).toMatchObject({
          code: 'aaa_unavailable',
          aaa: { method: 'tacacs+', fallback: { method: 'local', result: 'rejected' } },
        });
      },
    );
  });

  it('a TACACS+ FAIL is final: the local method is not consulted', async () => {
    await withHarness({ env: { AAA_METHODS: 'tacacs,local' } }, async (h) => {
      // alice's local password would pass locally; TACACS+ rejects it, and that is the answer.
      const res = await h.login('alice', 'alice-local-pw');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'invalid_credentials' });
      expect(h.tacacs[0]?.stats().requests.authentication).toBe(1);
    });
  });

  it('no TACACS+ server listening: 503 aaa_unavailable (unreachable)', async () => {
    await withHarness({ env: { AAA_METHODS: 'tacacs' } }, async (h) => {
      await h.tacacs[0]?.close();
      const res = await h.login('alice', 'alice-pw');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({
        code: 'aaa_unavailable',
        aaa: { status: 'unreachable', servers_tried: 1 },
      });
    });
  });

  it('TACACS+ answering ERROR: 503 aaa_unavailable (error)', async () => {
    await withHarness({ tacacs: [{ type: 'error' }], env: { AAA_METHODS: 'tacacs' } }, async (h) => {
      const res = await h.login('alice', 'alice-pw');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'aaa_unavailable', aaa: { status: 'error' } });
    });
  });

  it('a shared-secret mismatch on every server: 502 aaa_misconfigured', async () => {
    await withHarness(
      { tacacs: [{ type: 'wrong-key' }, { type: 'wrong-key' }], env: { AAA_METHODS: 'tacacs' } },
      async (h) => {
        const res = await h.login('alice', 'alice-pw');
        expect(res.status).toBe(502);
        expect(res.body).toMatchObject({ code: 'aaa_misconfigured' });
        expect(res.headers['www-authenticate']).toBeUndefined();
      },
    );
  });

  it('fails over to the next server when the first is down, and counts it', async () => {
    await withHarness(
      { tacacs: [undefined, undefined], env: { AAA_METHODS: 'tacacs', AAA_RETRIES: '0' } },
      async (h) => {
        await h.tacacs[0]?.close();
        expect((await h.login('alice', 'alice-pw')).status).toBe(200);
        expect(h.tacacs[1]?.stats().requests.authentication).toBe(1);
        const metrics = await h.management().get('/metrics');
        expect(metrics.text).toMatch(
          /sessiond_tacacs_failovers_total\{from="127\.0\.0\.1:\d+",to="127\.0\.0\.1:\d+"\} 1/,
        );
        expect(metrics.text).toMatch(/sessiond_logins_total\{code="ok"\} 1/);
        const ready = await h.management().get('/readyz');
        const sources = (
          ready.body as { aaa: { method: string; sources: { state: string }[] }[] }
        ).aaa[0]?.sources.map((s) => s.state);
        expect(sources).toEqual(['held-down', 'up']);
      },
    );
  });

  it('AAA timeouts never count toward the login throttle', async () => {
    await withHarness(
      {
        tacacs: [{ type: 'drop' }],
        env: {
          AAA_METHODS: 'tacacs',
          AAA_TIMEOUT_MS: '100',
          AAA_RETRIES: '0',
          LOGIN_MAX_FAILURES: '2',
          // Every login reaches the server (no hold-down), so each timeout is a chance to count.
          TACACS_HOLD_DOWN_MS: '0',
        },
      },
      async (h) => {
        for (let i = 0; i < 4; i += 1) expect((await h.login('alice', 'alice-pw')).status).toBe(503);
        h.tacacs[0]?.setFault(undefined);
        expect((await h.login('alice', 'alice-pw')).status).toBe(200);
      },
    );
  });
});
