import { readFileSync } from 'node:fs';
import { waitFor } from '@sessiond/test-utils';
import {
  INTROSPECTION_CLIENT,
  TACACS_KEY,
  basic,
  expectResponsesMatchOpenApi,
  startHarness,
  stopSharedRedis,
  type Harness,
} from './support/harness';

// An audit record per decision: one line per login attempt, logout, revocation, eviction, admin
// action and introspection refusal, with who, from where, what AAA said, and the outcome. The test
// captures the log stream and checks the fields of each kind; no secret ever appears in it.

type Line = Record<string, unknown>;

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    env: {
      AAA_METHODS: 'tacacs,local',
      TRUST_PROXY: 'loopback',
      SESSION_LIMIT_PER_USER: '2',
      SESSION_LIMIT_POLICY: 'evict-oldest',
      LOGIN_MAX_FAILURES: '2',
    },
  });
});

afterAll(async () => {
  await expectResponsesMatchOpenApi(h);
  await h.close();
  await stopSharedRedis();
});

const AGENT = 'audit-test/1.0';
const FROM = '203.0.113.9';

function lines(): Line[] {
  return h.logs.map((l) => JSON.parse(l) as Line);
}

/** The audit line of the request with this id (waits for the asynchronous log write). */
async function audit(reqId: string, event?: string): Promise<Line> {
  let found: Line | undefined;
  await waitFor(
    () => {
      found = lines().find(
        (l) => l['msg'] === 'audit' && l['req_id'] === reqId && (event === undefined || l['event'] === event),
      );
      return found !== undefined;
    },
    { message: `the audit line of ${reqId}` },
  );
  return found as Line;
}

const headers = (reqId: string): Record<string, string> => ({
  'X-Request-Id': reqId,
  'User-Agent': AGENT,
  'X-Forwarded-For': FROM,
});

async function tokenOf(
  username: string,
  password: string,
  reqId: string,
): Promise<{ token: string; sessionId: string }> {
  const res = await h.login(username, password, headers(reqId));
  expect(res.status).toBe(200);
  const body = res.body as Record<string, string>;
  return { token: body['token-id'] ?? '', sessionId: body['session-id'] ?? '' };
}

const common = { client_ip: FROM, user_agent: AGENT, level: 30, ms: expect.any(Number) as number };

describe('audit records', () => {
  it('a login: who, from where (TRUST_PROXY), the AAA server that answered, the session, the outcome', async () => {
    const { sessionId } = await tokenOf('alice', 'alice-pw', 'audit-login-ok');
    expect(await audit('audit-login-ok')).toMatchObject({
      ...common,
      event: 'login',
      code: 'ok',
      status: 200,
      username: 'alice',
      session_id: sessionId,
      aaa: {
        method: 'tacacs+',
        server: h.tacacs[0]?.address,
        steps: [
          { method: 'tacacs+', server: h.tacacs[0]?.address, result: 'pass' },
          { method: 'tacacs+', server: h.tacacs[0]?.address, result: 'pass' },
        ],
      },
    });
  });

  it('a refused login, a throttled one and one without credentials', async () => {
    await h.login('bob', 'wrong-1', headers('audit-refused'));
    expect(await audit('audit-refused')).toMatchObject({
      ...common,
      event: 'login',
      code: 'invalid_credentials',
      status: 401,
      username: 'bob',
      aaa: { method: 'tacacs+', steps: [{ result: 'reject' }] },
    });
    await h.login('bob', 'wrong-2', headers('audit-refused-2'));
    await h.login('bob', 'bob-pw', headers('audit-throttled'));
    expect(await audit('audit-throttled')).toMatchObject({
      ...common,
      event: 'login',
      code: 'login_throttled',
      username: 'bob',
    });
    await h.http().post('/api/v1/auth/token-services').set(headers('audit-no-credentials'));
    expect(await audit('audit-no-credentials')).toMatchObject({
      ...common,
      event: 'login',
      code: 'credentials_missing',
      status: 401,
    });
  });

  it('a login during an outage: each server that failed, and why; the fallback and what it said', async () => {
    h.tacacs[0]?.setFault({ type: 'wrong-key' });
    try {
      await h.login('carol', 'carol-pw', headers('audit-fallback'));
      expect(await audit('audit-fallback')).toMatchObject({
        ...common,
        event: 'login',
        code: 'ok',
        username: 'carol',
        aaa: {
          method: 'local',
          outage: { method: 'tacacs+', status: 'misconfigured' },
          fallback: { method: 'local', result: 'pass' },
          steps: [
            { method: 'tacacs+', server: h.tacacs[0]?.address, result: 'key-mismatch', attempt: 1 },
            { method: 'local', server: 'local', result: 'pass' },
          ],
        },
      });
      await h.login('nobody', 'x', headers('audit-outage'));
      expect(await audit('audit-outage')).toMatchObject({
        ...common,
        event: 'login',
        code: 'aaa_misconfigured',
        status: 502,
        username: 'nobody',
        aaa: {
          outage: { method: 'tacacs+', status: 'misconfigured' },
          fallback: { method: 'local', result: 'rejected' },
        },
      });
    } finally {
      h.tacacs[0]?.setFault(undefined);
    }
    // The key mismatch and the fallback are logged once each when they start, and once when they end.
    await h.login('alice', 'alice-pw');
    await waitFor(
      () =>
        ['tacacs.key-mismatch', 'tacacs.key-ok', 'aaa.fallback', 'aaa.fallback-ended'].every(
          (e) => count(e) === 1,
        ),
      { message: 'one line per change' },
    );
  });

  it('logout, logout everywhere, evictions', async () => {
    const first = await tokenOf('pat', 'pat:with:colons', 'audit-pat-1');
    await tokenOf('pat', 'pat:with:colons', 'audit-pat-2');
    const third = await tokenOf('pat', 'pat:with:colons', 'audit-pat-3');
    // The limit is 2: the third login evicted the first session.
    expect(await audit('audit-pat-3', 'evict')).toMatchObject({
      event: 'evict',
      code: 'session_evicted',
      username: 'pat',
      session_id: first.sessionId,
      by_session_id: third.sessionId,
      client_ip: FROM,
    });
    await h
      .http()
      .delete(`/api/v1/auth/token-services/${third.sessionId}`)
      .set({ ...headers('audit-logout'), 'X-auth-token': third.token });
    expect(await audit('audit-logout')).toMatchObject({
      ...common,
      event: 'logout',
      code: 'ok',
      status: 204,
      username: 'pat',
      session_id: third.sessionId,
    });
    const again = await tokenOf('pat', 'pat:with:colons', 'audit-pat-4');
    await h
      .http()
      .delete('/api/v1/auth/token-services')
      .set({ ...headers('audit-logout-all'), 'X-auth-token': again.token });
    const all = await audit('audit-logout-all');
    expect(all).toMatchObject({ ...common, event: 'logout-all', username: 'pat', code: 'ok' });
    expect(all['revoked']).toEqual(expect.arrayContaining([again.sessionId]));
  });

  it('admin actions name the admin and the target user', async () => {
    const alice = await tokenOf('alice', 'alice-pw', 'audit-alice');
    const admin = await tokenOf('admin', 'admin-pw', 'audit-admin');
    await h
      .http()
      .get('/api/v1/auth/users/alice/sessions')
      .set({ ...headers('audit-admin-list'), 'X-auth-token': admin.token });
    expect(await audit('audit-admin-list')).toMatchObject({
      ...common,
      event: 'admin-list',
      code: 'ok',
      username: 'admin',
      target_user: 'alice',
      session_id: admin.sessionId,
    });
    await h
      .http()
      .delete(`/api/v1/auth/token-services/${alice.sessionId}`)
      .set({ ...headers('audit-revoke'), 'X-auth-token': admin.token });
    expect(await audit('audit-revoke')).toMatchObject({
      ...common,
      event: 'revoke',
      code: 'ok',
      username: 'admin',
      target_user: 'alice',
      session_id: alice.sessionId,
    });
    await h
      .http()
      .delete('/api/v1/auth/users/alice/sessions')
      .set({ ...headers('audit-revoke-all'), 'X-auth-token': admin.token });
    expect(await audit('audit-revoke-all')).toMatchObject({
      ...common,
      event: 'revoke-all',
      username: 'admin',
      target_user: 'alice',
    });
    // A non-admin trying an admin route is on the record too.
    const bob = await tokenOf('pat', 'pat:with:colons', 'audit-pat-5');
    await h
      .http()
      .get('/api/v1/auth/users/alice/sessions')
      .set({ ...headers('audit-forbidden'), 'X-auth-token': bob.token });
    expect(await audit('audit-forbidden')).toMatchObject({
      event: 'admin-list',
      code: 'forbidden',
      status: 403,
      username: 'pat',
      target_user: 'alice',
    });
  });

  it('introspection refusals: the client, and why the token was refused', async () => {
    await h
      .http()
      .post('/api/v1/auth/introspect')
      .set({ ...headers('audit-introspect-client'), Authorization: basic(INTROSPECTION_CLIENT.id, 'nope') })
      .send({ token: 'sd1.x.y' });
    expect(await audit('audit-introspect-client')).toMatchObject({
      ...common,
      event: 'introspect',
      code: 'invalid_client',
      status: 401,
      client_id: INTROSPECTION_CLIENT.id,
    });
    const { token } = await tokenOf('alice', 'alice-pw', 'audit-alice-2');
    await h.http().delete('/api/v1/auth/token-services').set('X-auth-token', token);
    await h
      .http()
      .post('/api/v1/auth/introspect')
      .set({
        ...headers('audit-introspect-dead'),
        Authorization: basic(INTROSPECTION_CLIENT.id, INTROSPECTION_CLIENT.secret),
      })
      .send({ token });
    expect(await audit('audit-introspect-dead')).toMatchObject({
      ...common,
      event: 'introspect',
      code: 'ok',
      status: 200,
      client_id: INTROSPECTION_CLIENT.id,
      reason: 'revoked',
    });
  });

  it('never a password, token, secret or hash in the stream', () => {
    const logs = h.logs.join('');
    const localHashes = readFileSync(h.localUsersFile, 'utf8').match(/\$scrypt\$[^"]+/g) ?? [];
    expect(localHashes.length).toBeGreaterThan(0);
    for (const forbidden of [
      'alice-pw',
      'carol-pw',
      'pat:with:colons',
      'admin-pw',
      'wrong-1',
      INTROSPECTION_CLIENT.secret,
      TACACS_KEY,
      '$scrypt$',
      ...localHashes,
    ]) {
      expect(logs).not.toContain(forbidden);
    }
    // No token either: every token the test saw had the sd1. prefix.
    expect(logs).not.toMatch(/sd1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{20,}/);
  });
});

function count(event: string): number {
  return lines().filter((l) => l['event'] === event).length;
}
