import { waitFor } from '@sessiond/test-utils';
import {
  INTROSPECTION_CLIENT,
  basic,
  expectResponsesMatchOpenApi,
  startHarness,
  type Harness,
} from './support/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ ownRedis: true });
});

afterAll(async () => {
  await expectResponsesMatchOpenApi(h);
  await h.close();
});

describe('Redis stopped', () => {
  it('503 session_store_unavailable on login, token routes and introspection; never 401; recovers', async () => {
    const token = await h.token();
    const server = h.redisServer;
    if (server === undefined) throw new Error('the harness did not start its own Redis');
    await server.stop();
    const calls = [
      h.login('alice', 'alice-pw'),
      h.http().get('/api/v1/auth/token-services').set('X-auth-token', token),
      h.http().delete('/api/v1/auth/token-services').set('X-auth-token', token),
      h
        .http()
        .post('/api/v1/auth/introspect')
        .set('Authorization', basic(INTROSPECTION_CLIENT.id, INTROSPECTION_CLIENT.secret))
        .send({ token }),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBeDefined();
      expect(res.body).toMatchObject({ code: 'session_store_unavailable' });
    }
    const ready = await h.management().get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'not_ready', redis: { status: 'down' } });
    expect((await h.http().get('/healthz')).status).toBe(200);

    await server.resume();
    await waitFor(async () => (await h.management().get('/readyz')).status === 200, {
      timeoutMs: 15_000,
      intervalMs: 100,
      message: '/readyz to say ready again',
    });
    expect((await h.login('alice', 'alice-pw')).status).toBe(200);
  });
});
