import request from 'supertest';
import { SessionClient, SessiondUnavailableError, requireSession, type SessionMiddleware } from '../src';
import { CLIENT, password, rawGet, startStack, type AuthApi, type Stack } from './support/auth-api';
import { WHOAMI, apiRefusal, protectedApp, refusal } from './support/apps';

const TOKENS_PATH = '/api/v1/auth/token-services';

let stack: Stack;
let api: AuthApi;
let client: SessionClient;
let middleware: SessionMiddleware;

beforeAll(async () => {
  stack = await startStack();
  api = await stack.startApi({ SESSION_LIMIT_PER_USER: '0', REQUIRED_PRIV_LVL: '5' });
  client = new SessionClient({ baseUrl: api.baseUrl, clientId: CLIENT.id, clientSecret: CLIENT.secret });
  middleware = requireSession({
    mode: 'introspection',
    baseUrl: api.baseUrl,
    clientId: CLIENT.id,
    clientSecret: CLIENT.secret,
  });
});

afterAll(async () => {
  await middleware?.close();
  await stack?.close();
});

const login = async (username = 'alice'): Promise<{ token: string; sessionId: string }> =>
  client.login(username, password(username));

describe('requireSession in introspection mode, against a running auth-api', () => {
  it('a valid token reaches the handler with req.sessiond', async () => {
    const { token, sessionId } = await login();
    const res = await request(protectedApp(middleware)).get(WHOAMI).set('X-auth-token', token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      sessionId,
      username: 'alice',
      privLvl: 15,
      aaa: 'local',
      issuedAt: expect.any(String) as string,
      expiresAt: expect.any(String) as string,
      absoluteExpiresAt: expect.any(String) as string,
      source: 'introspection',
    });
    expect(JSON.stringify(res.body)).not.toContain(token);
  });

  it('reads the token exactly like the auth-api: same outcome for every header combination', async () => {
    const { token } = await login();
    const other = (await login()).token;
    const cases: Record<string, string>[] = [
      {},
      { 'X-auth-token': token },
      { 'X-auth-token': `"${token}"` },
      { 'X-auth-token': `  "  ${token} "  ` },
      { 'X-auth-token': '""' },
      { 'X-auth-token': '"' },
      { Authorization: `Bearer ${token}` },
      { Authorization: `bearer   ${token}  ` },
      { Authorization: `Bearer ${token} extra` },
      { Authorization: 'Basic YWxpY2U6cHc=' },
      { 'X-auth-token': token, Authorization: `Bearer ${token}` },
      { 'X-auth-token': `"${token}"`, Authorization: `Bearer ${token}` },
      { 'X-auth-token': token, Authorization: `Bearer ${other}` },
      { 'X-auth-token': 'x'.repeat(5000) },
      { 'X-auth-token': `${token}x` },
    ];
    const app = protectedApp(middleware);
    for (const headers of cases) {
      const fromApi = await rawGet(api.baseUrl, TOKENS_PATH, headers);
      const fromMiddleware = await request(app).get(WHOAMI).set(headers);
      const label = JSON.stringify(headers).replaceAll(token, '<token>');
      expect({ label, status: fromMiddleware.status }).toEqual({ label, status: fromApi.status });
      if (fromApi.status !== 200)
        expect({ label, ...(refusal(fromMiddleware) as object) }).toEqual({
          label,
          ...(apiRefusal(fromApi) as object),
        });
    }
  });

  it('missing, unknown and conflicting tokens: the auth-api’s own 401 / 400 bodies and challenges', async () => {
    const app = protectedApp(middleware);
    const missing = await request(app).get(WHOAMI);
    expect(refusal(missing)).toEqual(apiRefusal(await rawGet(api.baseUrl, TOKENS_PATH, {})));
    expect(missing.body).toMatchObject({
      code: 'token_missing',
      status: 401,
      type: 'urn:sessiond:problem:token_missing',
    });
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="sessiond"');

    const unknown = { 'X-auth-token': 'sd1.00AAAAAAAAAAAAAAAAAAA.' + 'A'.repeat(43) };
    const invalid = await request(app).get(WHOAMI).set(unknown);
    expect(refusal(invalid)).toEqual(apiRefusal(await rawGet(api.baseUrl, TOKENS_PATH, unknown)));
    expect(invalid.body).toMatchObject({ code: 'token_invalid' });
    expect(invalid.headers['www-authenticate']).toBe('Bearer realm="sessiond", error="invalid_token"');

    const conflict = { 'X-auth-token': 'one', Authorization: 'Bearer two' };
    const both = await request(app).get(WHOAMI).set(conflict);
    expect(refusal(both)).toEqual(apiRefusal(await rawGet(api.baseUrl, TOKENS_PATH, conflict)));
    expect(both.body).toMatchObject({ code: 'invalid_request', status: 400 });
  });

  it('a revoked token: token_invalid (RFC 7662 active:false gives no reason)', async () => {
    const { token } = await login();
    await client.logout(token);
    const res = await request(protectedApp(middleware)).get(WHOAMI).set('X-auth-token', token);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'token_invalid' });
    const fromApi = await rawGet(api.baseUrl, TOKENS_PATH, { 'X-auth-token': token });
    expect(fromApi.body).toMatchObject({ code: 'token_revoked' });
  });

  it('requiredPrivLvl: 403 insufficient_privilege with both levels below it, next() at or above', async () => {
    const guarded = requireSession({ mode: 'introspection', client, requiredPrivLvl: 10 });
    const app = protectedApp(guarded);
    const operator = await login('operator');
    const res = await request(app).get(WHOAMI).set('X-auth-token', operator.token);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      type: 'urn:sessiond:problem:insufficient_privilege',
      title: 'Insufficient privilege',
      status: 403,
      detail: 'authenticated, but priv-lvl 7 is below the required 10',
      code: 'insufficient_privilege',
      priv_lvl: 7,
      required_priv_lvl: 10,
    });
    // The auth-api's own insufficient_privilege (a login below REQUIRED_PRIV_LVL) has the same shape.
    const refusedLogin = await fetch(`${api.baseUrl}${TOKENS_PATH}`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`guest:${password('guest')}`).toString('base64')}` },
    });
    const apiBody = (await refusedLogin.json()) as Record<string, unknown>;
    expect(Object.keys(res.body as object)).toEqual(Object.keys(apiBody));
    expect(res.headers['content-type']).toBe(refusedLogin.headers.get('content-type'));
    expect(apiBody['title']).toBe('Insufficient privilege');
    const alice = await login();
    expect((await request(app).get(WHOAMI).set('X-auth-token', alice.token)).status).toBe(200);
  });

  it('without a cache (the default) a revoked token is refused at once', async () => {
    const { token } = await login();
    const app = protectedApp(middleware);
    expect((await request(app).get(WHOAMI).set('X-auth-token', token)).status).toBe(200);
    await client.logout(token);
    expect((await request(app).get(WHOAMI).set('X-auth-token', token)).status).toBe(401);
  });

  it('with a cache a revoked token stays accepted until the TTL, then is refused', async () => {
    let now = Date.now();
    const cached = requireSession({
      mode: 'introspection',
      client,
      cache: { ttlMs: 30_000, now: () => now },
    });
    const app = protectedApp(cached);
    const { token } = await login();
    const first = await request(app).get(WHOAMI).set('X-auth-token', token);
    expect(first.body).toMatchObject({ source: 'introspection' });
    await client.logout(token);
    now += 29_000;
    const stale = await request(app).get(WHOAMI).set('X-auth-token', token);
    expect(stale.status).toBe(200);
    expect(stale.body).toMatchObject({ source: 'cache', username: 'alice' });
    now += 1_001;
    const refused = await request(app).get(WHOAMI).set('X-auth-token', token);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'token_invalid' });
    // Refusals are not cached: the next request asks again (and is refused again).
    expect((await request(app).get(WHOAMI).set('X-auth-token', token)).status).toBe(401);
  });

  it('misconfigured client credentials: 503 sessiond_unavailable (the user’s token is not at fault)', async () => {
    const errors: Error[] = [];
    const wrong = requireSession({
      mode: 'introspection',
      baseUrl: api.baseUrl,
      clientId: CLIENT.id,
      clientSecret: 'wrong-secret-0123',
      onError: (e) => errors.push(e),
    });
    const { token } = await login();
    const res = await request(protectedApp(wrong)).get(WHOAMI).set('X-auth-token', token);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'sessiond_unavailable' });
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(['invalid_client']);

    const throwingHook = requireSession({
      mode: 'introspection',
      baseUrl: api.baseUrl,
      clientId: CLIENT.id,
      clientSecret: 'wrong-secret-0123',
      onError: () => {
        throw new Error('the log hook failed');
      },
    });
    const still = await request(protectedApp(throwingHook)).get(WHOAMI).set('X-auth-token', token);
    expect(still.status).toBe(503);
  });
});

describe('requireSession in introspection mode when the auth-api is down', () => {
  it('a hung auth-api (timeout), then a killed one: 503 sessiond_unavailable with Retry-After, never 401', async () => {
    const doomed = await stack.startApi();
    const errors: Error[] = [];
    const app = protectedApp(
      requireSession({
        mode: 'introspection',
        baseUrl: doomed.baseUrl,
        clientId: CLIENT.id,
        clientSecret: CLIENT.secret,
        timeoutMs: 300,
        onError: (e) => errors.push(e),
      }),
    );
    const { token } = await new SessionClient({ baseUrl: doomed.baseUrl }).login('alice', password('alice'));
    // The token is good while the auth-api runs (asked with the default timeout: no race with load).
    const patient = requireSession({
      mode: 'introspection',
      baseUrl: doomed.baseUrl,
      clientId: CLIENT.id,
      clientSecret: CLIENT.secret,
    });
    expect((await request(protectedApp(patient)).get(WHOAMI).set('X-auth-token', token)).status).toBe(200);

    doomed.child.kill('SIGSTOP');
    const hung = await request(app).get(WHOAMI).set('X-auth-token', token);
    doomed.child.kill('SIGCONT');
    await doomed.kill();
    const killed = await request(app).get(WHOAMI).set('X-auth-token', token);

    for (const res of [hung, killed]) {
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('2');
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.body).toEqual({
        type: 'urn:sessiond:problem:sessiond_unavailable',
        title: 'Session service unavailable',
        status: 503,
        detail: 'the session service (sessiond) could not validate the token; retry shortly',
        code: 'sessiond_unavailable',
      });
    }
    expect(errors.every((e) => e instanceof SessiondUnavailableError)).toBe(true);
    expect(errors.map((e) => (e as SessiondUnavailableError).code)).toEqual([
      'sessiond_timeout',
      'sessiond_unreachable',
    ]);
    // A missing token is still the caller's fault, whatever the state of sessiond.
    expect((await request(app).get(WHOAMI)).status).toBe(401);
  });
});
