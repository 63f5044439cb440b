import {
  basic,
  expectResponsesMatchOpenApi,
  startHarness,
  stopSharedRedis,
  type Harness,
} from './support/harness';

let h: Harness;

afterAll(async () => {
  await stopSharedRedis();
});

describe('POST /api/v1/auth/token-services', () => {
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await expectResponsesMatchOpenApi(h);
    await h.close();
  });

  it('issues a token in the Cisco shape, with Location and Cache-Control: no-store', async () => {
    const res = await h.login('alice', 'alice-pw').set('User-Agent', 'Java/1.8.0_292');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ kind: 'object#auth-token', 'expiry-time': '00:15:00', 'priv-lvl': 15 });
    const body = res.body as Record<string, string>;
    expect(body['link']).toBe(`${res.headers['location']}`);
    expect(body['link']).toMatch(new RegExp(`/api/v1/auth/token-services/${body['session-id']}$`));
    expect(body).not.toHaveProperty('evicted');
    expect(Date.parse(body['absolute-expires-at'] ?? '') - Date.parse(body['expires-at'] ?? '')).toBe(
      (28_800 - 900) * 1000,
    );
  });

  it('never builds a link from the Host header: relative links without PUBLIC_BASE_URL; nosniff, no HSTS over HTTP', async () => {
    const res = await h
      .login('alice', 'alice-pw')
      .set('Host', 'evil.example')
      .set('X-Forwarded-Host', 'evil.example')
      .set('X-Forwarded-Proto', 'https');
    const body = res.body as Record<string, string>;
    expect(body['link']).toBe(`/api/v1/auth/token-services/${body['session-id']}`);
    expect(res.headers['location']).toBe(body['link']);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toContain('evil.example');
  });

  it('401 credentials_missing without Basic credentials, with the Basic challenge', async () => {
    for (const authorization of [undefined, 'Bearer abc', 'Digest x=1']) {
      const req = h.http().post('/api/v1/auth/token-services');
      const res = await (authorization === undefined ? req : req.set('Authorization', authorization));
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="sessiond", charset="UTF-8"');
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        code: 'credentials_missing',
        status: 401,
        type: 'urn:sessiond:problem:credentials_missing',
      });
    }
  });

  it('400 invalid_request for Basic credentials that cannot be decoded', async () => {
    const bad = [
      'Basic !!!notbase64',
      `Basic ${Buffer.from('no-colon').toString('base64')}`,
      `Basic ${Buffer.from(`alice:${'x'.repeat(1100)}`).toString('base64')}`,
      `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`,
      'Basic',
    ];
    for (const authorization of bad) {
      const res = await h.http().post('/api/v1/auth/token-services').set('Authorization', authorization);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'invalid_request' });
    }
  });

  it('401 invalid_credentials with the same body for a wrong password and an unknown user', async () => {
    const wrong = await h.login('alice', 'nope');
    const unknown = await h.login('nobody-at-all', 'nope');
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="sessiond", charset="UTF-8"');
      expect(res.body).toMatchObject({ code: 'invalid_credentials' });
    }
    expect(wrong.text).toBe(unknown.text);
  });

  it('accepts passwords containing colons (RFC 7617: the user-id ends at the first colon)', async () => {
    expect((await h.login('pat', 'pat:with:colons')).status).toBe(200);
    expect((await h.login('pat', 'pat')).status).toBe(401);
  });

  it('401 invalid_credentials for credentials longer than TACACS+ can carry (255 bytes), not a 500', async () => {
    const res = await h.login('alice', 'p'.repeat(256));
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'invalid_credentials' });
  });

  it('403 insufficient_privilege for an authenticated user below REQUIRED_PRIV_LVL', async () => {
    const res = await h.login('bob', 'bob-pw');
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'insufficient_privilege', priv_lvl: 1, required_priv_lvl: 15 });
  });

  it('tries local only when TACACS+ is unavailable, never after a TACACS+ reject', async () => {
    // "shared" exists on both with different passwords; carol only locally.
    expect((await h.login('shared', 'tacacs-pw')).status).toBe(200);
    const localPassword = await h.login('shared', 'local-pw');
    expect(localPassword.status).toBe(401);
    expect(localPassword.body).toMatchObject({ code: 'invalid_credentials' });
    expect((await h.login('carol', 'carol-pw')).status).toBe(401);
  });

  it('coalesces identical logins arriving together into one AAA request', async () => {
    const before = h.tacacs[0]?.stats().requests.authentication ?? 0;
    const results = await Promise.all(Array.from({ length: 20 }, () => h.login('admin', 'admin-pw')));
    // Every one passed AAA (the limit of 5 is applied after it, per login).
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array<number>(5).fill(200), ...Array<number>(15).fill(429)]);
    const after = h.tacacs[0]?.stats().requests.authentication ?? 0;
    expect(after - before).toBeLessThan(20);
    expect(after - before).toBeGreaterThanOrEqual(1);
  });
});

describe('session limit', () => {
  it('429 session_limit_reached on the 6th login with limit 5, with Retry-After and the 5 sessions', async () => {
    const hh = await startHarness({ env: { SESSION_LIMIT_PER_USER: '5' } });
    try {
      for (let i = 0; i < 5; i += 1) expect((await hh.login('alice', 'alice-pw')).status).toBe(200);
      const res = await hh.login('alice', 'alice-pw');
      expect(res.status).toBe(429);
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(800);
      expect(retryAfter).toBeLessThanOrEqual(900);
      expect(res.body).toMatchObject({
        code: 'session_limit_reached',
        limit: 5,
        active: 5,
        policy: 'reject',
        retry_after: retryAfter,
      });
      const sessions = (res.body as { sessions: Record<string, unknown>[] }).sessions;
      expect(sessions).toHaveLength(5);
      for (const s of sessions) {
        expect(s).not.toHaveProperty('token-id');
        expect(s).toMatchObject({ aaa: 'tacacs+', 'source-ip': expect.any(String) as string });
      }
      // A limit denial is not a failed login: the throttle never sees it.
      for (let i = 0; i < 12; i += 1)
        expect((await hh.login('alice', 'alice-pw')).body).toMatchObject({ code: 'session_limit_reached' });
      await expectResponsesMatchOpenApi(hh);
    } finally {
      await hh.close();
    }
  });

  it('evict-oldest answers 200 with evicted, and the evicted token gets 401 session_evicted', async () => {
    const hh = await startHarness({
      env: { SESSION_LIMIT_PER_USER: '2', SESSION_LIMIT_POLICY: 'evict-oldest' },
    });
    try {
      const first = await hh.token();
      await hh.token();
      const third = await hh.login('alice', 'alice-pw');
      expect(third.status).toBe(200);
      const evicted = (third.body as { evicted: string[] }).evicted;
      expect(evicted).toHaveLength(1);
      const res = await hh.http().get('/api/v1/auth/token-services').set('X-auth-token', first);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="sessiond", error="invalid_token"');
      expect(res.body).toMatchObject({ code: 'session_evicted' });
      await expectResponsesMatchOpenApi(hh);
    } finally {
      await hh.close();
    }
  });
});

describe('login throttle', () => {
  it('429 login_throttled after LOGIN_MAX_FAILURES wrong passwords from one address, without asking AAA', async () => {
    const hh = await startHarness({ env: { LOGIN_MAX_FAILURES: '3', LOGIN_FAILURE_WINDOW_S: '60' } });
    try {
      for (let i = 0; i < 3; i += 1) expect((await hh.login('alice', `wrong-${i}`)).status).toBe(401);
      const asked = hh.tacacs[0]?.stats().requests.authentication;
      const res = await hh.login('alice', 'alice-pw');
      expect(res.status).toBe(429);
      expect(res.body).toMatchObject({ code: 'login_throttled' });
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect((res.body as { retry_after: number }).retry_after).toBe(retryAfter);
      expect(hh.tacacs[0]?.stats().requests.authentication).toBe(asked);
      // Per user and address: another user from the same address is not throttled.
      expect((await hh.login('admin', 'admin-pw')).status).toBe(200);
      await expectResponsesMatchOpenApi(hh);
    } finally {
      await hh.close();
    }
  });

  it('a replica that never saw the failures refuses the pair too (the create script checks them)', async () => {
    const shared = {
      LOGIN_MAX_FAILURES: '3',
      LOGIN_FAILURE_WINDOW_S: '60',
      REDIS_KEY_PREFIX: `shared${Date.now()}`,
    };
    const first = await startHarness({ env: shared });
    const second = await startHarness({ env: shared });
    try {
      for (let i = 0; i < 3; i += 1) expect((await first.login('alice', `wrong-${i}`)).status).toBe(401);
      // The right password, on a replica that saw none of it: AAA passes, the create script refuses.
      const refused = await second.login('alice', 'alice-pw');
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ code: 'login_throttled' });
      // Now it knows: the next attempt does not reach AAA at all.
      const asked = second.tacacs[0]?.stats().requests.authentication;
      expect((await second.login('alice', 'alice-pw')).status).toBe(429);
      expect(second.tacacs[0]?.stats().requests.authentication).toBe(asked);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('costs a login exactly one Redis command, throttle included; a failure one per count', async () => {
    const hh = await startHarness({
      env: { LOGIN_MAX_FAILURES: '10', LOGIN_MAX_FAILURES_PER_ADDRESS: '50' },
    });
    try {
      expect((await hh.login('alice', 'alice-pw')).status).toBe(200); // scripts loaded
      const send = jest.spyOn(hh.services.redis, 'sendCommand');
      expect((await hh.login('alice', 'alice-pw')).status).toBe(200);
      expect(send.mock.calls.map(([command]) => (command as { name: string }).name)).toEqual(['evalsha']);
      send.mockClear();
      // The user's count and the address's (their keys have different hash tags: two scripts, sent
      // together, not one after the other).
      expect((await hh.login('alice', 'wrong')).status).toBe(401);
      expect(send.mock.calls).toHaveLength(2);
      send.mockRestore();
    } finally {
      await hh.close();
    }
  });

  it('without the per-address limit, a failure costs one Redis command', async () => {
    const hh = await startHarness({ env: { LOGIN_MAX_FAILURES: '10', LOGIN_MAX_FAILURES_PER_ADDRESS: '0' } });
    try {
      expect((await hh.login('alice', 'wrong-0')).status).toBe(401); // scripts loaded
      const send = jest.spyOn(hh.services.redis, 'sendCommand');
      expect((await hh.login('alice', 'wrong-1')).status).toBe(401);
      expect(send.mock.calls).toHaveLength(1);
      send.mockRestore();
    } finally {
      await hh.close();
    }
  });

  it('a successful login clears earlier failures', async () => {
    const hh = await startHarness({ env: { LOGIN_MAX_FAILURES: '2' } });
    try {
      expect((await hh.login('alice', 'wrong')).status).toBe(401);
      expect((await hh.login('alice', 'alice-pw')).status).toBe(200);
      expect((await hh.login('alice', 'wrong')).status).toBe(401);
      expect((await hh.login('alice', 'alice-pw')).status).toBe(200);
    } finally {
      await hh.close();
    }
  });

  it('basic() encodes UTF-8 credentials', () => {
    expect(basic('ü', 'p')).toBe(`Basic ${Buffer.from('ü:p').toString('base64')}`);
  });
});
