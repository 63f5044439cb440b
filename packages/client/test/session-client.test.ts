import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { freePort, waitFor } from '@sessiond/test-utils';
import {
  InvalidArgumentError,
  InvalidOptionsError,
  SessionClient,
  SessiondError,
  SessiondProblemError,
  SessiondResponseError,
  SessiondUnavailableError,
} from '../src';
import { ADMIN, CLIENT, password, startStack, type AuthApi, type Stack } from './support/auth-api';

let stack: Stack;
let api: AuthApi;
let client: SessionClient;

beforeAll(async () => {
  stack = await startStack();
  api = await stack.startApi({
    SESSION_LIMIT_PER_USER: '2',
    LOGIN_MAX_FAILURES: '3',
    REQUIRED_PRIV_LVL: '5',
    SESSION_IDLE_TIMEOUT_S: '100',
  });
  client = new SessionClient({ baseUrl: api.baseUrl, clientId: CLIENT.id, clientSecret: CLIENT.secret });
});

afterAll(async () => {
  await stack?.close();
});

/** The rejection of `promise`, which must be a SessiondError. */
async function failure(promise: Promise<unknown>): Promise<SessiondError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SessiondError)) throw new Error(`expected a SessiondError, got ${String(error)}`);
  return error;
}

describe('SessionClient against a running auth-api', () => {
  it('login maps the Cisco token body to a typed result', async () => {
    const before = Date.now();
    const result = await client.login('alice', password('alice'));
    expect(result.token).toMatch(/^sd1\./);
    // The test auth-api has no PUBLIC_BASE_URL: its links are relative references.
    expect(result.link).toBe(`/api/v1/auth/token-services/${result.sessionId}`);
    expect(result.expiryTime).toBe('00:01:40');
    expect(result.idleTimeoutMs).toBe(100_000);
    expect(result.privLvl).toBe(15);
    expect(result.evicted).toEqual([]);
    expect(result.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 99_000);
    expect(result.absoluteExpiresAt.getTime() - result.expiresAt.getTime()).toBeGreaterThan(0);
    await client.logout(result.token);
  });

  it('list and get: the caller’s sessions, newest first, the token only on the current one', async () => {
    const first = await client.login('carol', password('carol'));
    const second = await client.login('carol', password('carol'));
    const sessions = await client.list(second.token);
    expect(sessions.map((s) => s.sessionId)).toEqual([second.sessionId, first.sessionId]);
    expect(sessions.map((s) => s.current)).toEqual([true, false]);
    expect(sessions[0]).toMatchObject({ token: second.token, username: 'carol', aaa: 'local', privLvl: 15 });
    expect(sessions[1]?.token).toBeUndefined();
    expect(sessions[0]?.sourceIp).toMatch(/127\.0\.0\.1/);
    expect(sessions[0]?.userAgent).toBe('sessiond-client');
    expect(sessions[0]?.idleTimeoutMs).toBe(100_000);

    const other = await client.get(second.token, first.sessionId);
    expect(other).toMatchObject({ sessionId: first.sessionId, current: false, token: undefined });
    expect(other.createdAt).toBeInstanceOf(Date);

    const missing = await failure(client.get(second.token, 'nosuchsession'));
    expect(missing).toBeInstanceOf(SessiondProblemError);
    expect(missing).toMatchObject({ code: 'session_not_found', status: 404 });
    expect(await client.logoutEverywhere(second.token)).toBe(2);
  });

  it('logout ends the token’s own session by default, or the one named; logoutEverywhere counts', async () => {
    const a = await client.login('dave', password('dave'));
    const b = await client.login('dave', password('dave'));
    await client.logout(a.token, b.sessionId);
    expect((await client.list(a.token)).map((s) => s.sessionId)).toEqual([a.sessionId]);
    await client.logout(a.token);
    const revoked = await failure(client.list(a.token));
    expect(revoked).toMatchObject({ code: 'token_revoked', status: 401 });
    expect(revoked.message).not.toContain(a.token);

    const c = await client.login('dave', password('dave'));
    await client.login('dave', password('dave'));
    expect(await client.logoutEverywhere(c.token)).toBe(2);
    expect(await failure(client.list(c.token))).toMatchObject({ code: 'token_revoked' });
    expect(await failure(client.logout('not-a-token'))).toMatchObject({ code: 'token_invalid', status: 401 });
  });

  it('introspect: active with the session, then exactly active:false once logged out', async () => {
    const login = await client.login('erin', password('erin'));
    const active = await client.introspect(login.token);
    expect(active).toEqual({
      active: true,
      username: 'erin',
      sessionId: login.sessionId,
      privLvl: 15,
      aaa: 'local',
      issuedAt: expect.any(Date) as Date,
      expiresAt: expect.any(Date) as Date,
      absoluteExpiresAt: expect.any(Date) as Date,
    });
    if (!active.active) throw new Error('unreachable');
    expect(active.expiresAt.getTime() - active.issuedAt.getTime()).toBe(100_000);
    await client.logout(login.token);
    expect(await client.introspect(login.token)).toEqual({ active: false });
    expect(await client.introspect('garbage')).toEqual({ active: false });
  });

  it('introspect with touch:false does not count as activity; touch:true does', async () => {
    const watched = await client.login('frank', password('frank'));
    const observer = await client.login('frank', password('frank'));
    // The auth-api writes a touch only when the deadline moves by 1 % of the idle timeout (1 s here):
    // wait until 1 s after the last access, by this host's clock, the one the local Redis reads.
    const { lastAccessAt } = await client.get(observer.token, watched.sessionId);
    await waitFor(() => Date.now() > lastAccessAt.getTime() + 1000, { message: 'the touch granularity' });
    await client.introspect(watched.token, { touch: false });
    const untouched = await client.get(observer.token, watched.sessionId);
    expect(untouched.lastAccessAt.getTime()).toBe(untouched.createdAt.getTime());
    await client.introspect(watched.token, { touch: true });
    const touched = await client.get(observer.token, watched.sessionId);
    expect(touched.lastAccessAt.getTime()).toBeGreaterThan(touched.createdAt.getTime());
    await client.logoutEverywhere(observer.token);
  });

  it('invalid_credentials, then login_throttled with Retry-After; the password never appears', async () => {
    const wrong = 'Wr0ng-Pa55word';
    const error = await failure(client.login('grace', wrong));
    expect(error).toBeInstanceOf(SessiondProblemError);
    expect(error).toMatchObject({ code: 'invalid_credentials', status: 401, retryAfter: undefined });
    expect(error.message).not.toContain(wrong);
    await failure(client.login('grace', wrong));
    await failure(client.login('grace', wrong));
    const throttled = await failure(client.login('grace', password('grace')));
    expect(throttled).toMatchObject({ code: 'login_throttled', status: 429 });
    expect(throttled.retryAfter).toBeGreaterThan(0);
    expect((throttled as SessiondProblemError).extensions['retry_after']).toBe(throttled.retryAfter);
  });

  it('session_limit_reached carries the live sessions (no tokens), the limit and Retry-After', async () => {
    const a = await client.login('heidi', password('heidi'));
    const b = await client.login('heidi', password('heidi'));
    const error = await failure(client.login('heidi', password('heidi')));
    if (!(error instanceof SessiondProblemError)) throw error;
    expect(error).toMatchObject({
      code: 'session_limit_reached',
      status: 429,
      limit: 2,
      active: 2,
      policy: 'reject',
    });
    expect(error.retryAfter).toBeGreaterThan(0);
    expect(error.sessions?.map((s) => s.sessionId)).toEqual([b.sessionId, a.sessionId]);
    expect(error.sessions?.every((s) => s.token === undefined && !s.current)).toBe(true);
    expect(JSON.stringify(error.extensions)).not.toContain(a.token);
    await client.logoutEverywhere(a.token);
  });

  it('insufficient_privilege carries both levels', async () => {
    const error = await failure(client.login('guest', password('guest')));
    expect(error).toMatchObject({
      code: 'insufficient_privilege',
      status: 403,
      privLvl: 1,
      requiredPrivLvl: 5,
    });
  });

  it('admin routes: list and revoke another user’s sessions; forbidden for others', async () => {
    const admin = await client.login(ADMIN.username, ADMIN.password);
    const ivan = await client.login('ivan', password('ivan'));
    expect((await client.listUserSessions(admin.token, 'ivan')).map((s) => s.sessionId)).toEqual([
      ivan.sessionId,
    ]);
    expect(await failure(client.listUserSessions(ivan.token, 'admin'))).toMatchObject({
      code: 'forbidden',
      status: 403,
    });
    expect(await client.revokeUserSessions(admin.token, 'ivan')).toBe(1);
    expect(await client.introspect(ivan.token)).toEqual({ active: false });
    await client.logout(admin.token);
  });

  it('introspection credentials: invalid_client from the server, InvalidOptionsError without them', async () => {
    const token = (await client.login('judy', password('judy'))).token;
    const wrongSecret = 'not-the-secret-0123';
    const wrong = new SessionClient({ baseUrl: api.baseUrl, clientId: CLIENT.id, clientSecret: wrongSecret });
    const error = await failure(wrong.introspect(token));
    expect(error).toMatchObject({ code: 'invalid_client', status: 401 });
    expect(error.message).not.toContain(wrongSecret);
    expect(error.message).not.toContain(token);
    const anonymous = new SessionClient({ baseUrl: api.baseUrl });
    const missing = await failure(anonymous.introspect(token));
    expect(missing).toBeInstanceOf(InvalidOptionsError);
    expect(missing).toMatchObject({ code: 'invalid_options', option: 'clientId' });
    await client.logout(token);
  });

  it('aaa_unavailable carries the typed aaa member and Retry-After', async () => {
    const aaaDown = await stack.startApi({
      AAA_METHODS: 'tacacs',
      TACACS_SERVERS: `127.0.0.1:${await freePort()}`,
      TACACS_SECRET: 'tacacs-secret-0123456789',
      AAA_TIMEOUT_MS: '300',
      AAA_RETRIES: '0',
    });
    const error = await failure(new SessionClient({ baseUrl: aaaDown.baseUrl }).login('alice', 'pw'));
    if (!(error instanceof SessiondProblemError)) throw error;
    // The server refused: it is held down (30 s by default), and Retry-After says so.
    expect(error).toMatchObject({ code: 'aaa_unavailable', status: 503 });
    expect(error.retryAfter).toBeGreaterThan(25);
    expect(error.aaa).toEqual({
      method: 'tacacs+',
      status: 'unreachable',
      serversTried: 1,
      timeoutMs: 300,
      retries: 0,
      heldDownUntil: expect.any(Date) as Date,
      fallback: undefined,
    });
    // Asked again during the hold-down: no server tried, answered at once.
    const again = await failure(new SessionClient({ baseUrl: aaaDown.baseUrl }).login('alice', 'pw'));
    if (!(again instanceof SessiondProblemError)) throw again;
    expect(again.aaa).toMatchObject({ serversTried: 0, heldDownUntil: error.aaa?.heldDownUntil });
    await aaaDown.kill();
  });
});

describe('SessionClient when sessiond cannot be asked', () => {
  it('nothing listening: SessiondUnavailableError sessiond_unreachable, no status, no secret', async () => {
    const nowhere = new SessionClient({ baseUrl: `http://127.0.0.1:${await freePort()}` });
    const error = await failure(nowhere.login('alice', 'secret-password-1'));
    expect(error).toBeInstanceOf(SessiondUnavailableError);
    expect(error).not.toBeInstanceOf(SessiondProblemError);
    expect(error).toMatchObject({ code: 'sessiond_unreachable', status: undefined });
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain('secret-password-1');
  });

  it('a hung auth-api (SIGSTOP): sessiond_timeout after timeoutMs', async () => {
    const token = (await client.login('alice', password('alice'))).token;
    const impatient = new SessionClient({ baseUrl: api.baseUrl, timeoutMs: 300 });
    api.child.kill('SIGSTOP');
    try {
      const error = await failure(impatient.list(token));
      expect(error).toBeInstanceOf(SessiondUnavailableError);
      expect(error).toMatchObject({ code: 'sessiond_timeout' });
      expect(error.message).toContain('300 ms');
      expect(error.message).not.toContain(token);
    } finally {
      api.child.kill('SIGCONT');
    }
    await client.logout(token);
  });

  describe('answers outside the contract (a proxy in front of sessiond)', () => {
    let proxy: Server;
    let reply: { status: number; type: string; body: string } = { status: 502, type: 'text/html', body: '' };

    beforeAll(async () => {
      proxy = createServer((_req, res) => {
        res.writeHead(reply.status, { 'Content-Type': reply.type, 'Retry-After': '7' }).end(reply.body);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      await new Promise((resolve) => proxy.close(resolve));
    });
    const proxied = (): SessionClient =>
      new SessionClient({
        baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
        maxResponseBytes: 2048,
      });

    it('an HTML 502 is a SessiondResponseError with the status and Retry-After', async () => {
      reply = { status: 502, type: 'text/html', body: '<html>Bad Gateway</html>' };
      const error = await failure(proxied().list('sd1.token'));
      expect(error).toBeInstanceOf(SessiondResponseError);
      expect(error).toMatchObject({ code: 'sessiond_bad_response', status: 502, retryAfter: 7 });
    });

    it('a 200 of the wrong shape, or too large, is sessiond_bad_response naming the member', async () => {
      const partial = { 'session-id': 'x', link: 'http://x/', 'expiry-time': '00:15:00', 'priv-lvl': 15 };
      reply = { status: 200, type: 'application/json', body: JSON.stringify(partial) };
      const error = await failure(proxied().login('alice', 'pw'));
      expect(error).toMatchObject({ code: 'sessiond_bad_response', status: undefined });
      expect(error.message).toContain('"token-id"');
      reply = {
        status: 200,
        type: 'application/json',
        body: JSON.stringify({ items: [], pad: 'x'.repeat(4096) }),
      };
      expect((await failure(proxied().list('sd1.token'))).message).toContain('maxResponseBytes');
    });
  });
});

describe('SessionClient arguments and options', () => {
  it('refuses arguments it cannot send, without echoing them', async () => {
    const token = 'sd1.abc\r\nX-Injected: yes';
    const error = await failure(client.list(token));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'invalid_argument', argument: 'token' });
    expect(error.message).not.toContain('abc');
    expect(await failure(client.login('a:b', 'pw'))).toMatchObject({ argument: 'username' });
    expect(await failure(client.introspect(''))).toMatchObject({ argument: 'token' });
    expect(await failure(client.get('sd1.x', ''))).toMatchObject({ argument: 'sessionId' });
  });

  it.each([
    [{ baseUrl: 'ftp://sessiond' }, 'baseUrl'],
    [{ baseUrl: 'not a url' }, 'baseUrl'],
    [{ baseUrl: 'http://user:pw@sessiond' }, 'baseUrl'],
    [{ baseUrl: 'http://sessiond/?x=1' }, 'baseUrl'],
    [{ baseUrl: 'http://sessiond', timeoutMs: 0 }, 'timeoutMs'],
    [{ baseUrl: 'http://sessiond', loginTimeoutMs: 1.5 }, 'loginTimeoutMs'],
    [{ baseUrl: 'http://sessiond', clientId: 'a:b', clientSecret: 'very-secret-value' }, 'clientId'],
    [{ baseUrl: 'http://sessiond', clientSecret: 'very-secret-value' }, 'clientId'],
    [{ baseUrl: 'http://sessiond', clientId: 'svc' }, 'clientSecret'],
    [{ baseUrl: 'http://sessiond', userAgent: 'bad\nagent' }, 'userAgent'],
    [{ baseUrl: 'http://sessiond', maxResponseBytes: 10 }, 'maxResponseBytes'],
  ])('option %j: InvalidOptionsError naming %s', (options, option) => {
    let thrown: unknown;
    try {
      new SessionClient(options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidOptionsError);
    expect(thrown).toMatchObject({ code: 'invalid_options', option });
    expect((thrown as Error).message).toContain(option);
    expect((thrown as Error).message).not.toContain('very-secret-value');
  });

  it('keeps a path prefix, drops a trailing slash, and hides the secret from inspection', () => {
    const c = new SessionClient({
      baseUrl: 'https://gw.example/sessiond/',
      clientId: 'x',
      clientSecret: 'hidden-0123',
    });
    expect(c.baseUrl).toBe('https://gw.example/sessiond');
    expect(inspect(c, { depth: 5, showHidden: true })).not.toContain('hidden-0123');
    expect(JSON.stringify(c)).not.toContain('hidden-0123');
  });
});
