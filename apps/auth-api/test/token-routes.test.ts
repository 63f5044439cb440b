import { redisTimeMs, untilRedisTime } from '@sessiond/test-utils';
import { expectResponsesMatchOpenApi, startHarness, stopSharedRedis, type Harness } from './support/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ env: { SESSION_LIMIT_PER_USER: '0' } });
});

afterAll(async () => {
  await expectResponsesMatchOpenApi(h);
  await h.close();
  await stopSharedRedis();
});

const TOKENS = '/api/v1/auth/token-services';

describe('presenting a token', () => {
  it('accepts X-auth-token bare or in double quotes, and Authorization: Bearer', async () => {
    const token = await h.token();
    for (const headers of [
      { 'X-auth-token': token },
      { 'X-auth-token': `"${token}"` },
      { Authorization: `Bearer ${token}` },
    ]) {
      const res = await h.http().get(TOKENS).set(headers);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
    }
    const both = await h
      .http()
      .get(TOKENS)
      .set({ 'X-auth-token': token, Authorization: `Bearer ${token}` });
    expect(both.status).toBe(200);
  });

  it('400 invalid_request when X-auth-token and Bearer disagree', async () => {
    const token = await h.token();
    const res = await h
      .http()
      .get(TOKENS)
      .set({ 'X-auth-token': token, Authorization: 'Bearer something-else' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalid_request' });
  });

  it('401 token_missing with the Bearer challenge', async () => {
    for (const headers of [{}, { Authorization: 'Basic YTpi' }, { 'X-auth-token': '""' }]) {
      const res = await h.http().get(TOKENS).set(headers);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="sessiond"');
      expect(res.body).toMatchObject({ code: 'token_missing' });
    }
  });

  it('401 token_invalid for unknown, forged and malformed tokens', async () => {
    const token = await h.token();
    const forged = `${token.slice(0, -4)}AAAA`;
    for (const bad of [forged, 'garbage', 'sd1.aaaaaaaaaaaaaaaaaaaaa.bbbb', 'x'.repeat(5000)]) {
      const res = await h.http().get(TOKENS).set('X-auth-token', bad);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="sessiond", error="invalid_token"');
      expect(res.body).toMatchObject({ code: 'token_invalid' });
    }
  });
});

describe('the caller’s sessions', () => {
  it('lists them newest first, marks the current one and shows its token only', async () => {
    const older = await h.token('admin', 'admin-pw');
    const current = await h.token('admin', 'admin-pw');
    const res = await h.http().get(TOKENS).set('X-auth-token', current);
    expect(res.status).toBe(200);
    const { kind, items } = res.body as { kind: string; items: Record<string, unknown>[] };
    expect(kind).toBe('collection#auth-token');
    expect(items.length).toBeGreaterThanOrEqual(2);
    expect(items[0]).toMatchObject({
      current: true,
      'token-id': current,
      aaa: 'tacacs+',
      'expiry-time': '00:15:00',
    });
    expect(items.filter((i) => 'token-id' in i)).toHaveLength(1);
    expect(JSON.stringify(items)).not.toContain(older);
  });

  it('GET one: the current one costs no extra lookup; another of mine; 404 for someone else’s or unknown', async () => {
    const mine = await h.login('alice', 'alice-pw');
    const other = await h.login('alice', 'alice-pw');
    const token = (mine.body as Record<string, string>)['token-id'] ?? '';
    const otherId = (other.body as Record<string, string>)['session-id'] ?? '';
    const myId = (mine.body as Record<string, string>)['session-id'] ?? '';
    const self = await h.http().get(`${TOKENS}/${myId}`).set('X-auth-token', token);
    expect(self.status).toBe(200);
    expect(self.body).toMatchObject({
      kind: 'object#session-token',
      'session-id': myId,
      current: true,
      'token-id': token,
    });
    const sibling = await h.http().get(`${TOKENS}/${otherId}`).set('X-auth-token', token);
    expect(sibling.body).toMatchObject({ 'session-id': otherId, current: false });
    expect(sibling.body).not.toHaveProperty('token-id');
    const adminsId =
      ((await h.login('admin', 'admin-pw')).body as Record<string, string>)['session-id'] ?? '';
    for (const id of [adminsId, '00AAAAAAAAAAAAAAAAAAA', 'not-an-id', '%E0%A4%A']) {
      const res = await h.http().get(`${TOKENS}/${id}`).set('X-auth-token', token);
      expect([404, 400]).toContain(res.status);
      if (res.status === 404) expect(res.body).toMatchObject({ code: 'session_not_found' });
    }
  });

  it('DELETE one: 204, then that token says token_revoked; 404 for someone else’s', async () => {
    const a = await h.login('alice', 'alice-pw');
    const b = await h.login('alice', 'alice-pw');
    const tokenA = (a.body as Record<string, string>)['token-id'] ?? '';
    const tokenB = (b.body as Record<string, string>)['token-id'] ?? '';
    const idB = (b.body as Record<string, string>)['session-id'] ?? '';
    expect((await h.http().delete(`${TOKENS}/${idB}`).set('X-auth-token', tokenA)).status).toBe(204);
    const revoked = await h.http().get(TOKENS).set('X-auth-token', tokenB);
    expect(revoked.status).toBe(401);
    expect(revoked.body).toMatchObject({ code: 'token_revoked' });
    expect((await h.http().delete(`${TOKENS}/${idB}`).set('X-auth-token', tokenA)).status).toBe(404);
    const adminsId =
      ((await h.login('admin', 'admin-pw')).body as Record<string, string>)['session-id'] ?? '';
    const notMine = await h.http().delete(`${TOKENS}/${adminsId}`).set('X-auth-token', tokenA);
    expect(notMine.status).toBe(404);
    expect(notMine.body).toMatchObject({ code: 'session_not_found' });
  });

  it('DELETE all: logs out everywhere and says how many', async () => {
    const tokens = [
      await h.token('pat', 'pat:with:colons'),
      await h.token('pat', 'pat:with:colons'),
      await h.token('pat', 'pat:with:colons'),
    ];
    const res = await h
      .http()
      .delete(TOKENS)
      .set('X-auth-token', tokens[0] ?? '');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ revoked: 3 });
    for (const t of tokens)
      expect((await h.http().get(TOKENS).set('X-auth-token', t)).body).toMatchObject({
        code: 'token_revoked',
      });
  });
});

describe('lifetime', () => {
  it('401 session_lifetime_exceeded once the absolute lifetime has passed', async () => {
    const hh = await startHarness({ env: { SESSION_MAX_LIFETIME_S: '1' } });
    try {
      const token = await hh.token();
      // The session was created by now, as Redis tells time; wait until its 1 s lifetime is over.
      const loggedInBy = await redisTimeMs(hh.services.redis);
      await untilRedisTime(hh.services.redis, loggedInBy + 1000, { message: 'the absolute lifetime' });
      const res = await hh.http().get(TOKENS).set('X-auth-token', token);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'session_lifetime_exceeded' });
      await expectResponsesMatchOpenApi(hh);
    } finally {
      await hh.close();
    }
  });
});

describe('admin routes', () => {
  it('403 forbidden for a non-admin; an admin lists and revokes any user’s sessions', async () => {
    const userToken = await h.token('shared', 'tacacs-pw');
    const adminToken = await h.token('admin', 'admin-pw');
    const path = '/api/v1/auth/users/shared/sessions';
    const denied = await h.http().get(path).set('X-auth-token', userToken);
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: 'forbidden' });
    expect((await h.http().delete(path).set('X-auth-token', userToken)).status).toBe(403);
    const listed = await h.http().get(path).set('X-auth-token', adminToken);
    expect(listed.status).toBe(200);
    expect((listed.body as { items: { username: string }[] }).items.map((i) => i.username)).toEqual([
      'shared',
    ]);
    const revoked = await h.http().delete(path).set('X-auth-token', adminToken);
    expect(revoked.body).toEqual({ revoked: 1 });
    expect((await h.http().get(TOKENS).set('X-auth-token', userToken)).body).toMatchObject({
      code: 'token_revoked',
    });
  });

  it('an admin may DELETE any session by id', async () => {
    const victim = await h.login('alice', 'alice-pw');
    const adminToken = await h.token('admin', 'admin-pw');
    const id = (victim.body as Record<string, string>)['session-id'] ?? '';
    expect((await h.http().delete(`${TOKENS}/${id}`).set('X-auth-token', adminToken)).status).toBe(204);
  });
});

describe('unknown routes and methods', () => {
  it('404 not_found as problem+json', async () => {
    for (const [method, path] of [
      ['get', '/nope'],
      ['put', `${TOKENS}/x/y`],
      ['get', '/api/v1/auth'],
    ] as const) {
      const res = await h.http()[method](path);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'not_found' });
    }
  });

  it('405 with Allow for a method a route does not serve; 404 for a path nobody serves', async () => {
    const one = await h.http().put(`${TOKENS}/0xchvA0R_xqEwzHmbHgDf`).send({});
    expect(one.status).toBe(405);
    expect(one.headers['allow']).toBe('DELETE, GET, HEAD');
    expect(one.body).toMatchObject({ code: 'method_not_allowed', status: 405 });
    const all = await h.http().patch(TOKENS);
    expect(all.status).toBe(405);
    expect(all.headers['allow']).toBe('DELETE, GET, HEAD, POST');
    const introspect = await h.http().get('/api/v1/auth/introspect');
    expect(introspect.headers['allow']).toBe('POST');
    expect((await h.http().put('/api/v1/auth/nothing-here')).status).toBe(404);
  });
});
