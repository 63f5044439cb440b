import {
  INTROSPECTION_CLIENT,
  basic,
  expectResponsesMatchOpenApi,
  startHarness,
  stopSharedRedis,
  type Harness,
} from './support/harness';
import { documentedRoutes, servedRoutes } from './support/openapi-check';
import { createApp } from '../src/app';
import { FAST_ROUTES } from '../src/routes/fast-routes';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ env: { SESSION_LIMIT_PER_USER: '0' } });
});

afterAll(async () => {
  await expectResponsesMatchOpenApi(h);
  await h.close();
  await stopSharedRedis();
});

describe('operations endpoints', () => {
  it('/healthz answers while the process runs', async () => {
    const res = await h.http().get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('/readyz on the public port says only ready or not, on the management port Redis and each AAA source', async () => {
    const open = await h.http().get('/readyz');
    expect(open.status).toBe(200);
    expect(open.body).toEqual({ status: 'ready' });
    const res = await h.management().get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ready',
      redis: { status: 'up' },
      aaa: [
        { method: 'tacacs+', sources: [{ source: `127.0.0.1:${h.tacacs[0]?.port ?? 0}`, state: 'unknown' }] },
        { method: 'local', sources: [{ source: 'local', state: 'loaded' }] },
      ],
    });
    h.services.lifecycle.draining = true;
    const draining = await h.management().get('/readyz');
    const drainingOpen = await h.http().get('/readyz');
    h.services.lifecycle.draining = false;
    expect(draining.status).toBe(503);
    expect(draining.body).toMatchObject({ status: 'draining' });
    expect(drainingOpen.status).toBe(503);
    expect(drainingOpen.body).toEqual({ status: 'draining' });
  });

  it('/metrics is on the management listener only', async () => {
    expect((await h.http().get('/metrics')).status).toBe(404);
    expect((await h.management().get('/metrics')).status).toBe(200);
  });

  it('/metrics exposes logins by code, AAA latency per server, validations and active sessions', async () => {
    const token = await h.token();
    await h.login('alice', 'wrong');
    await h.http().get('/api/v1/auth/token-services').set('X-auth-token', token);
    await h.http().get('/api/v1/auth/token-services').set('X-auth-token', 'bad');
    const res = await h.management().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/sessiond_logins_total\{code="ok"\} \d+/);
    expect(res.text).toMatch(/sessiond_logins_total\{code="invalid_credentials"\} 1/);
    expect(res.text).toMatch(
      /sessiond_aaa_request_duration_seconds_count\{method="tacacs\+",server="127\.0\.0\.1:\d+",outcome="pass"\} \d+/,
    );
    expect(res.text).toMatch(/sessiond_token_validations_total\{result="valid"\} \d+/);
    expect(res.text).toMatch(/sessiond_token_validations_total\{result="invalid"\} 1/);
    expect(res.text).toMatch(/sessiond_sessions_active [1-9]\d*/);
    expect(res.text).toMatch(/sessiond_http_request_duration_seconds_bucket/);
  });
});

describe('OpenAPI 3.1 document', () => {
  it('is served at /api/v1/openapi.json', async () => {
    const res = await h.http().get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ openapi: '3.1.0' });
  });

  it('documents every route the app serves, and nothing it does not', () => {
    const app = createApp(h.services) as unknown as { router: { stack: unknown[] } };
    const served = [...servedRoutes(app), ...FAST_ROUTES.map((r) => `${r.method} ${r.path}`)];
    expect(served.sort()).toEqual(documentedRoutes().sort());
  });
});

describe('logs', () => {
  it('carry request ids and outcome codes, and never a token, password or secret', async () => {
    const login = await h.login('alice', 'alice-pw').set('X-Request-Id', 'trace-123');
    expect(login.headers['x-request-id']).toBe('trace-123');
    const token = (login.body as Record<string, string>)['token-id'] ?? '';
    const sessionId = (login.body as Record<string, string>)['session-id'] ?? '';
    await h.login('alice', 'a-wrong-password-xyz');
    await h.login('pat', 'pat:with:colons');
    await h.http().get('/api/v1/auth/token-services').set('X-auth-token', token);
    await h.http().get(`/api/v1/auth/token-services/${sessionId}`).set('Authorization', `Bearer ${token}`);
    await h
      .http()
      .post('/api/v1/auth/introspect')
      .set('Authorization', basic(INTROSPECTION_CLIENT.id, INTROSPECTION_CLIENT.secret))
      .send({ token });
    await h
      .http()
      .post('/api/v1/auth/introspect')
      .set('Authorization', basic(INTROSPECTION_CLIENT.id, 'wrong-client-secret'))
      .send({ token });
    await h.http().delete(`/api/v1/auth/token-services/${sessionId}`).set('X-auth-token', token);
    await h.http().get('/api/v1/auth/token-services').set('X-auth-token', token);

    const all = h.logs.join('');
    const secret = token.split('.')[2] ?? '';
    for (const forbidden of [
      token,
      secret,
      'alice-pw',
      'a-wrong-password-xyz',
      'pat:with:colons',
      INTROSPECTION_CLIENT.secret,
      'wrong-client-secret',
      'test-shared-secret',
    ]) {
      expect(all).not.toContain(forbidden);
    }
    const lines = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({ req_id: 'trace-123', status: 200, code: 'ok', session_id: sessionId }),
    );
    expect(lines).toContainEqual(expect.objectContaining({ status: 401, code: 'invalid_credentials' }));
    const revoked = lines.find((l) => l['code'] === 'token_revoked');
    expect(revoked).toMatchObject({ status: 401, route: '/api/v1/auth/token-services' });
    expect(revoked).not.toHaveProperty('session_id');
  });
});
