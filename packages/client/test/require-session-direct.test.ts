import request from 'supertest';
import { SessionStore, createRedisClient, waitUntilReady } from '@sessiond/session-store';
import { waitFor } from '@sessiond/test-utils';
import { SessionClient, requireSession as requireIntrospection, type SessionMiddleware } from '../src';
import { requireSession } from '../src/direct';
import { CLIENT, password, rawGet, startStack, type AuthApi, type Stack } from './support/auth-api';
import { WHOAMI, apiRefusal, protectedApp, refusal } from './support/apps';

const TOKENS_PATH = '/api/v1/auth/token-services';

let stack: Stack;
let api: AuthApi;
let client: SessionClient;
let middleware: SessionMiddleware;
const redisErrors: Error[] = [];

beforeAll(async () => {
  stack = await startStack();
  api = await stack.startApi({ SESSION_LIMIT_PER_USER: '0' });
  client = new SessionClient({ baseUrl: api.baseUrl, clientId: CLIENT.id, clientSecret: CLIENT.secret });
  middleware = requireSession({
    mode: 'direct',
    redis: { url: stack.redis.url, keyPrefix: api.keyPrefix },
    onError: (e) => redisErrors.push(e),
  });
  await middleware.ready();
});

afterAll(async () => {
  await middleware?.close();
  await stack?.close();
});

const login = (username = 'alice'): Promise<{ token: string; sessionId: string }> =>
  client.login(username, password(username));

describe('requireSession in direct mode (the auth-api’s Redis)', () => {
  it('a valid token reaches the handler with req.sessiond, read from Redis', async () => {
    const { token, sessionId } = await login();
    const res = await request(protectedApp(middleware)).get(WHOAMI).set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      sessionId,
      username: 'alice',
      privLvl: 15,
      aaa: 'local',
      source: 'direct',
    });
    const introspected = await client.introspect(token, { touch: false });
    if (!introspected.active) throw new Error('the session should be live');
    expect(Math.floor(Date.parse((res.body as { issuedAt: string }).issuedAt) / 1000)).toBe(
      introspected.issuedAt.getTime() / 1000,
    );
  });

  it('tokenCookie: the token from a cookie when no header carries one (the forward-auth rule)', async () => {
    const { token } = await login();
    const withCookie = requireSession({
      mode: 'direct',
      redis: { url: stack.redis.url, keyPrefix: api.keyPrefix },
      tokenCookie: 'sd_token',
    });
    try {
      await withCookie.ready();
      const app = protectedApp(withCookie);
      const res = await request(app).get(WHOAMI).set('Cookie', `theme=dark; sd_token=${token}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ username: 'alice' });
      expect((await request(app).get(WHOAMI).set('Cookie', `other=${token}`)).body).toMatchObject({
        code: 'token_missing',
      });
    } finally {
      await withCookie.close();
    }
    expect(() =>
      requireSession({ mode: 'direct', redis: { url: stack.redis.url }, tokenCookie: 'bad name;' }),
    ).toThrow(/tokenCookie/);
  });

  it('missing, unknown, revoked and conflicting tokens: identical to the auth-api’s answers', async () => {
    const { token } = await login();
    await client.logout(token);
    const app = protectedApp(middleware);
    const cases: [Record<string, string>, string][] = [
      [{}, 'token_missing'],
      [{ 'X-auth-token': 'sd1.00AAAAAAAAAAAAAAAAAAA.' + 'A'.repeat(43) }, 'token_invalid'],
      [{ 'X-auth-token': token }, 'token_revoked'],
      [{ 'X-auth-token': 'a', Authorization: 'Bearer b' }, 'invalid_request'],
    ];
    for (const [headers, code] of cases) {
      const mine = await request(app).get(WHOAMI).set(headers);
      expect(mine.body).toMatchObject({ code });
      expect(refusal(mine)).toEqual(apiRefusal(await rawGet(api.baseUrl, TOKENS_PATH, headers)));
    }
  });

  it('a SessionStore given as `store`: evicted sessions are told apart (session_evicted)', async () => {
    const evicting = await stack.startApi({
      SESSION_LIMIT_PER_USER: '1',
      SESSION_LIMIT_POLICY: 'evict-oldest',
    });
    const redis = createRedisClient({ url: stack.redis.url });
    await waitUntilReady(redis, 5000);
    try {
      const store = new SessionStore(redis, { keyPrefix: evicting.keyPrefix });
      const app = protectedApp(requireSession({ mode: 'direct', store }));
      const other = new SessionClient({ baseUrl: evicting.baseUrl });
      const first = await other.login('carol', password('carol'));
      const second = await other.login('carol', password('carol'));
      expect(second.evicted).toEqual([first.sessionId]);
      const headers = { 'X-auth-token': first.token };
      const mine = await request(app).get(WHOAMI).set(headers);
      expect(mine.body).toMatchObject({ code: 'session_evicted' });
      expect(refusal(mine)).toEqual(apiRefusal(await rawGet(evicting.baseUrl, TOKENS_PATH, headers)));
      expect((await request(app).get(WHOAMI).set('X-auth-token', second.token)).status).toBe(200);
    } finally {
      await redis.quit();
      await evicting.kill();
    }
  });

  it('a session past its absolute lifetime: session_lifetime_exceeded, like the auth-api', async () => {
    const shortLived = await stack.startApi({ SESSION_MAX_LIFETIME_S: '1' });
    const own = requireSession({
      mode: 'direct',
      redis: { url: stack.redis.url, keyPrefix: shortLived.keyPrefix },
    });
    try {
      await own.ready();
      const app = protectedApp(own);
      const { token } = await new SessionClient({ baseUrl: shortLived.baseUrl }).login(
        'dave',
        password('dave'),
      );
      const headers = { 'X-auth-token': token };
      expect((await request(app).get(WHOAMI).set(headers)).status).toBe(200);
      let last = await request(app).get(WHOAMI).set(headers);
      await waitFor(
        async () => {
          last = await request(app).get(WHOAMI).set(headers);
          return last.status !== 200;
        },
        { intervalMs: 100, message: 'the one-second session to end' },
      );
      expect(last.body).toMatchObject({ code: 'session_lifetime_exceeded' });
      expect(refusal(last)).toEqual(apiRefusal(await rawGet(shortLived.baseUrl, TOKENS_PATH, headers)));
    } finally {
      await own.close();
      await shortLived.kill();
    }
  });

  it('Redis stopped: 503 session_store_unavailable (direct) and sessiond_unavailable (introspection), never 401; recovers', async () => {
    const { token } = await login();
    const direct = protectedApp(middleware);
    const introspection = protectedApp(
      requireIntrospection({
        mode: 'introspection',
        baseUrl: api.baseUrl,
        clientId: CLIENT.id,
        clientSecret: CLIENT.secret,
      }),
    );
    expect((await request(direct).get(WHOAMI).set('X-auth-token', token)).status).toBe(200);

    await stack.redis.stop();
    try {
      const headers = { 'X-auth-token': token };
      const mine = await request(direct).get(WHOAMI).set(headers);
      expect(mine.status).toBe(503);
      expect(mine.headers['retry-after']).toBe('2');
      expect(mine.body).toMatchObject({ code: 'session_store_unavailable' });
      expect(refusal(mine)).toEqual(apiRefusal(await rawGet(api.baseUrl, TOKENS_PATH, headers)));
      expect(redisErrors.some((e) => (e as { code?: string }).code === 'store_unavailable')).toBe(true);

      const viaApi = await request(introspection).get(WHOAMI).set(headers);
      expect(viaApi.status).toBe(503);
      expect(viaApi.headers['retry-after']).toBe('2');
      expect(viaApi.body).toMatchObject({ code: 'sessiond_unavailable' });
    } finally {
      await stack.redis.resume();
    }
    await waitFor(async () => (await request(direct).get(WHOAMI).set('X-auth-token', token)).status === 200, {
      message: 'direct mode to answer 200 again after Redis returned',
    });
    await waitFor(
      async () => (await request(introspection).get(WHOAMI).set('X-auth-token', token)).status === 200,
      {
        message: 'introspection mode to answer 200 again after Redis returned',
      },
    );
  });

  it('close() ends its own Redis connection and is idempotent', async () => {
    const own = requireSession({ mode: 'direct', redis: { url: stack.redis.url, keyPrefix: api.keyPrefix } });
    await own.ready();
    const { token } = await login();
    expect((await request(protectedApp(own)).get(WHOAMI).set('X-auth-token', token)).status).toBe(200);
    await Promise.all([own.close(), own.close()]);
    const after = await request(protectedApp(own)).get(WHOAMI).set('X-auth-token', token);
    expect(after.status).toBe(503);
  });
});
