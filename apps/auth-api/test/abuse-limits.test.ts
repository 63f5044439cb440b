import { waitFor } from '@sessiond/test-utils';
import {
  INTROSPECTION_CLIENT,
  basic,
  expectResponsesMatchOpenApi,
  startHarness,
  stopSharedRedis,
  type Harness,
} from './support/harness';
import { metricValue } from './support/metrics';

// Issue 12, "bounded login work": failed logins per source address across usernames (password
// spraying), and failed client authentications per client id and address. Addresses are simulated
// the way production sees them: X-Forwarded-For from a trusted proxy (TRUST_PROXY=loopback).

const INTROSPECT = '/api/v1/auth/introspect';
const FAILURES = 'sessiond_abuse_failures_total';
const REFUSALS = 'sessiond_abuse_refusals_total';

type Answer = Awaited<ReturnType<Harness['login']>>;

const from = (address: string): Record<string, string> => ({ 'X-Forwarded-For': address });
const tacacsAsked = (h: Harness): number => h.tacacs[0]?.stats().requests.authentication ?? 0;

function expectThrottled(res: Answer, code: string, windowS: number): void {
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({ code });
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowS);
  expect((res.body as { retry_after: number }).retry_after).toBe(retryAfter);
}

afterAll(async () => {
  await stopSharedRedis();
});

describe('password spraying: LOGIN_MAX_FAILURES_PER_ADDRESS', () => {
  const LIMIT = 5;
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      env: {
        TRUST_PROXY: 'loopback',
        LOGIN_MAX_FAILURES_PER_ADDRESS: String(LIMIT),
        LOGIN_FAILURE_WINDOW_S: '60',
      },
    });
  });
  afterAll(async () => {
    await expectResponsesMatchOpenApi(h);
    await h.close();
  });

  it('distinct usernames from one address: 429 after the limit, whatever the user; other addresses unaffected', async () => {
    const attacker = from('203.0.113.7');
    for (let i = 0; i < LIMIT; i += 1) {
      expect((await h.login(`spray-${i}`, 'Winter2026!', attacker)).status).toBe(401);
    }
    const asked = tacacsAsked(h);
    const next = await h.login(`spray-${LIMIT}`, 'Winter2026!', attacker);
    expectThrottled(next, 'login_throttled', 60);
    expect(next.body).toMatchObject({ scope: 'address' });
    expect((next.body as { detail: string }).detail).toMatch(/whatever the username/);
    // The address is refused before AAA, even with a real user's right password.
    const alice = await h.login('alice', 'alice-pw', attacker);
    expectThrottled(alice, 'login_throttled', 60);
    expect(tacacsAsked(h)).toBe(asked);

    const neighbour = from('203.0.113.8');
    expect((await h.login('alice', 'alice-pw', neighbour)).status).toBe(200);
    expect((await h.login('spray-0', 'Winter2026!', neighbour)).status).toBe(401);

    expect(await metricValue(h, FAILURES, '{limit="address"}')).toBe(LIMIT + 1);
    expect(await metricValue(h, REFUSALS, '{limit="address"}')).toBe(2);
    expect(
      h.logs.filter((l) => l.includes('"code":"login_throttled"') && l.includes('"client_ip":"203.0.113.7"')),
    ).toHaveLength(2);
  });

  it('a success clears nothing: a valid account cannot reset the address count', async () => {
    const address = from('203.0.113.9');
    for (let i = 0; i < LIMIT - 1; i += 1) {
      expect((await h.login(`reset-${i}`, 'wrong', address)).status).toBe(401);
    }
    expect((await h.login('admin', 'admin-pw', address)).status).toBe(200);
    expect((await h.login('reset-x', 'wrong', address)).status).toBe(401);
    expectThrottled(await h.login('reset-y', 'wrong', address), 'login_throttled', 60);
  });
});

describe('the per-address limit uses the address TRUST_PROXY resolves', () => {
  let h: Harness;

  beforeAll(async () => {
    // No TRUST_PROXY: X-Forwarded-For is the client's own claim and is ignored.
    h = await startHarness({ env: { LOGIN_MAX_FAILURES_PER_ADDRESS: '3' } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('a forged X-Forwarded-For does not give an attacker fresh addresses', async () => {
    for (let i = 0; i < 3; i += 1) {
      expect((await h.login(`forged-${i}`, 'wrong', from(`198.51.100.${i}`))).status).toBe(401);
    }
    const refused = await h.login('forged-3', 'wrong', from('198.51.100.200'));
    expectThrottled(refused, 'login_throttled', 900);
    expect((refused.body as { detail: string }).detail).toContain('127.0.0.1');
  });
});

describe('password spraying during a TACACS+ outage (the fallback counts)', () => {
  const LIMIT = 3;
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      tacacs: [{ type: 'error' }],
      env: {
        TRUST_PROXY: 'loopback',
        AAA_METHODS: 'tacacs,local',
        LOGIN_MAX_FAILURES_PER_ADDRESS: String(LIMIT),
        LOGIN_FAILURE_WINDOW_S: '60',
      },
    });
  });
  afterAll(async () => {
    await expectResponsesMatchOpenApi(h);
    await h.close();
  });

  it('bounds the fallback per address, never answers 401 or 429 for the outage, and locks nobody out after it', async () => {
    const attacker = from('203.0.113.20');
    const fallbackOf = (res: Answer): string | undefined =>
      (res.body as { aaa?: { fallback?: { result: string } } }).aaa?.fallback?.result;
    const answers: Answer[] = [];
    for (let i = 0; i <= LIMIT; i += 1) answers.push(await h.login(`guess-${i}`, 'wrong', attacker));
    // Break-glass carol with her right password, from that address: the fallback is not asked.
    answers.push(await h.login('carol', 'carol-pw', attacker));
    for (const res of answers) {
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'aaa_unavailable' });
    }
    expect(answers.map(fallbackOf)).toEqual([
      ...Array.from({ length: LIMIT }, () => 'rejected'),
      'throttled',
      'throttled',
    ]);
    // From another address the fallback still lets a break-glass user in.
    expect((await h.login('carol', 'carol-pw', from('203.0.113.21'))).status).toBe(200);
    expect(await metricValue(h, FAILURES, '{limit="address-fallback"}')).toBe(LIMIT);
    expect(await metricValue(h, REFUSALS, '{limit="address-fallback"}')).toBe(2);
    expect(await metricValue(h, FAILURES, '{limit="address"}')).toBe(0);

    // TACACS+ is back: what happened during the outage refuses nobody from that address.
    h.tacacs[0]?.setFault(undefined);
    expect((await h.login('alice', 'alice-pw', attacker)).status).toBe(200);
    expect((await h.login('guess-0', 'wrong', attacker)).status).toBe(401);
  });
});

describe('client authentication: INTROSPECTION_MAX_FAILURES per client id and address', () => {
  const LIMIT = 3;
  let h: Harness;
  let token: string;
  const introspect = (id: string, secret: string, address: string): Promise<Answer> =>
    h
      .http()
      .post(INTROSPECT)
      .set('Authorization', basic(id, secret))
      .set(from(address))
      .send({ token })
      .then((res) => res);

  beforeAll(async () => {
    h = await startHarness({
      env: {
        TRUST_PROXY: 'loopback',
        INTROSPECTION_MAX_FAILURES: String(LIMIT),
        INTROSPECTION_FAILURE_WINDOW_S: '60',
      },
    });
    token = await h.token();
  });
  afterAll(async () => {
    await expectResponsesMatchOpenApi(h);
    await h.close();
  });

  it('wrong secrets: 429 client_throttled after the limit, the right secret included; others unaffected', async () => {
    const { id, secret } = INTROSPECTION_CLIENT;
    for (let i = 0; i < LIMIT; i += 1) {
      const res = await introspect(id, `guess-${i}`, '203.0.113.30');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'invalid_client' });
    }
    const right = await introspect(id, secret, '203.0.113.30');
    expectThrottled(right, 'client_throttled', 60);
    expect(right.headers['www-authenticate']).toBeUndefined();
    expectThrottled(await introspect(id, 'guess-x', '203.0.113.30'), 'client_throttled', 60);

    // The same client from another address, and another client id from the same address.
    const elsewhere = await introspect(id, secret, '203.0.113.31');
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body).toMatchObject({ active: true, username: 'alice' });
    expect((await introspect('orders-api', 'guess', '203.0.113.30')).status).toBe(401);

    expect(await metricValue(h, FAILURES, '{limit="client"}')).toBe(LIMIT + 1);
    expect(await metricValue(h, REFUSALS, '{limit="client"}')).toBe(2);
    expect(
      h.logs.filter((l) => l.includes('"event":"introspect"') && l.includes('"code":"client_throttled"')),
    ).toHaveLength(2);
  });
});

describe('the client throttle ends with its window', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      env: { INTROSPECTION_MAX_FAILURES: '1', INTROSPECTION_FAILURE_WINDOW_S: '1' },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('refuses the right secret until the window ends, then answers it', async () => {
    const token = await h.token();
    const { id, secret } = INTROSPECTION_CLIENT;
    const introspect = (s: string): Promise<Answer> =>
      h
        .http()
        .post(INTROSPECT)
        .set('Authorization', basic(id, s))
        .send({ token })
        .then((res) => res);
    expect((await introspect('wrong')).status).toBe(401);
    const statuses: number[] = [];
    await waitFor(
      async () => {
        const res = await introspect(secret);
        statuses.push(res.status);
        return res.status === 200;
      },
      { timeoutMs: 20_000, intervalMs: 100, message: 'the window to end' },
    );
    // Every answer before the window ended was the throttle; none counted as a failure.
    expect(new Set(statuses.slice(0, -1))).toEqual(new Set(statuses.length > 1 ? [429] : []));
    expect(await metricValue(h, FAILURES, '{limit="client"}')).toBe(1);
  });
});
