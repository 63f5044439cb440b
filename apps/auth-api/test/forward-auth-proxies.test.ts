import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  freePort,
  startCaddy,
  startEchoUpstream,
  startNginx,
  waitFor,
  type EchoUpstream,
  type EchoedRequest,
  type ProxyProcess,
} from '@sessiond/test-utils';
import { TACACS_METHOD_NAME } from '../src/aaa/tacacs/tacacs-method';
import { expectResponsesMatchOpenApi, startHarness, stopSharedRedis, type Harness } from './support/harness';

// Issue 14: /api/v1/auth/forward-auth behind the real proxies, Debian's nginx (`auth_request`) and
// Caddy (`forward_auth` with `copy_headers`), running the configurations of docs/forward-auth.md
// (read from the file: the documented snippets are the tested ones). The service behind them echoes
// the headers it receives. forward-auth.test.ts covers the endpoint itself.

const DOCS = join(__dirname, '..', '..', '..', 'docs', 'forward-auth.md');
// The addresses the documented snippets use, replaced by the test's free ports.
const DOC_SESSIOND = '127.0.0.1:8080';
const DOC_APP = '127.0.0.1:9000';
const DOC_PROXY = '127.0.0.1:8000';

/** alice (15) may do anything; bob (1) too, at priv-lvl 1; olga (15) may only `GET /orders/...`. */
const USERS = [
  { username: 'alice', password: 'alice-pw', 'priv-lvl': 15 },
  { username: 'bob', password: 'bob-pw', 'priv-lvl': 1 },
  { username: 'olga', password: 'olga-pw', 'priv-lvl': 15, commands: { permit: ['GET /orders/.*'] } },
] as const;
type Username = (typeof USERS)[number]['username'];
const COOKIE = 'sessiond_token';

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** The fenced block after `<!-- tested: NAME` in the docs, for a proxy on `port`. */
function documented(
  name: 'nginx' | 'caddy',
  sessiondPort: number,
  appPort: number,
): (port: number) => string {
  const text = readFileSync(DOCS, 'utf8');
  const marker = text.indexOf(`<!-- tested: ${name} `);
  const block = /```[a-z]*\n([\s\S]*?)\n```/.exec(text.slice(marker));
  if (marker < 0 || block?.[1] === undefined)
    throw new Error(`docs/forward-auth.md: no tested ${name} block`);
  const snippet = block[1];
  for (const address of [DOC_SESSIOND, DOC_APP, DOC_PROXY]) {
    // A snippet that no longer names an address would silently run against the wrong port.
    if (!snippet.includes(address)) throw new Error(`the ${name} snippet no longer uses ${address}`);
  }
  return (port) =>
    snippet
      .replaceAll(DOC_SESSIOND, `127.0.0.1:${sessiondPort}`)
      .replaceAll(DOC_APP, `127.0.0.1:${appPort}`)
      .replaceAll(DOC_PROXY, `127.0.0.1:${port}`);
}

/** One request through the proxy, on a connection of its own (no keep-alive left behind). */
function send(proxy: ProxyProcess, method: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<Answer>((resolve, reject) => {
    const req = httpRequest(
      { host: proxy.host, port: proxy.port, method, path, headers, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function problemCode(answer: Answer): string | undefined {
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  return (JSON.parse(answer.body) as { code?: string }).code;
}

let h: Harness;
let server: Server;
let sessiondPort: number;

beforeAll(async () => {
  // Its own Redis: one row stops it.
  h = await startHarness({
    ownRedis: true,
    tacacsUsers: USERS,
    env: { REQUIRED_PRIV_LVL: '1', SESSION_LIMIT_PER_USER: '0', FORWARD_AUTH_COOKIE: COOKIE },
  });
  server = createServer(h.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sessiondPort = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await expectResponsesMatchOpenApi(h);
  await h.close();
  await stopSharedRedis();
});

async function token(username: Username): Promise<string> {
  const user = USERS.find((u) => u.username === username);
  if (user === undefined) throw new Error(username);
  return h.token(username, user.password);
}

/**
 * What each proxy makes of sessiond's refusals (docs/forward-auth.md): nginx passes 401 and 403 with
 * its own error page and turns anything else into 500; Caddy copies every non-2xx answer.
 */
const PROXIES = [
  { name: 'nginx', start: startNginx, redisDownStatus: 500, unreachableStatus: 500, copiesBody: false },
  { name: 'caddy', start: startCaddy, redisDownStatus: 503, unreachableStatus: 502, copiesBody: true },
] as const;

describe.each(PROXIES)('behind $name', ({ name, start, redisDownStatus, unreachableStatus, copiesBody }) => {
  let proxy: ProxyProcess;
  let app: EchoUpstream;
  let probe = 0;

  beforeAll(async () => {
    app = await startEchoUpstream();
    proxy = await start(documented(name, sessiondPort, app.port));
  });

  afterAll(async () => {
    await proxy?.destroy();
    await app?.close();
  });

  /** A path the service has not seen before, so that what it saw can be told apart. */
  const fresh = (path: string): string => `${path}?probe=${(probe += 1)}`;
  const seen = (path: string): EchoedRequest | undefined => app.requests.find((r) => r.url === path);

  /** Sends, and returns the answer with what the service received (undefined: nothing). */
  async function through(method: string, base: string, headers: Record<string, string> = {}) {
    const path = fresh(base);
    const answer = await send(proxy, method, path, headers);
    return { answer, upstream: seen(path) };
  }

  function expectIdentity(upstream: EchoedRequest | undefined, user: Username, privLvl: number): void {
    expect(upstream?.headers).toMatchObject({
      'x-auth-request-user': user,
      'x-auth-request-priv-lvl': String(privLvl),
      'x-auth-request-aaa': TACACS_METHOD_NAME,
      'remote-user': user,
    });
    expect(upstream?.headers['x-auth-request-session-id']).toMatch(/\S/);
  }

  it('no token: 401 with the Bearer challenge; the service never sees the request', async () => {
    const { answer, upstream } = await through('GET', '/hello');
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer realm="sessiond"');
    expect(upstream).toBeUndefined();
    if (copiesBody) expect(problemCode(answer)).toBe('token_missing');
  });

  it('a dead token: 401', async () => {
    const { answer, upstream } = await through('GET', '/hello', { 'X-auth-token': 'not-a-token-of-ours' });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer realm="sessiond", error="invalid_token"/);
    expect(upstream).toBeUndefined();
  });

  it('a live token in X-auth-token or as Bearer: 200; the service sees the user and priv-lvl, not the token', async () => {
    const alice = await token('alice');
    for (const headers of [{ 'X-auth-token': alice }, { Authorization: `Bearer ${alice}` }]) {
      const { answer, upstream } = await through('GET', '/hello', headers);
      expect(answer.status).toBe(200);
      expectIdentity(upstream, 'alice', 15);
      expect(JSON.stringify(upstream?.headers)).not.toContain(alice);
    }
    const bob = await token('bob');
    const { answer, upstream } = await through('POST', '/hello', { 'X-auth-token': bob });
    expect(answer.status).toBe(200);
    expect(upstream?.method).toBe('POST');
    expectIdentity(upstream, 'bob', 1);
  });

  it('the FORWARD_AUTH_COOKIE cookie: 200 (the proxy passes Cookie to the auth request)', async () => {
    const alice = await token('alice');
    const { answer, upstream } = await through('GET', '/hello', { Cookie: `theme=dark; ${COOKIE}=${alice}` });
    expect(answer.status).toBe(200);
    expectIdentity(upstream, 'alice', 15);
  });

  it('identity headers the client forges are replaced by the real ones', async () => {
    const bob = await token('bob');
    const { answer, upstream } = await through('GET', '/hello', {
      'X-auth-token': bob,
      'X-Auth-Request-User': 'admin',
      'X-Auth-Request-Priv-Lvl': '15',
      'X-Auth-Request-Aaa': 'local',
      'Remote-User': 'admin',
    });
    expect(answer.status).toBe(200);
    expectIdentity(upstream, 'bob', 1);
    const anonymous = await through('GET', '/hello', { 'X-Auth-Request-User': 'admin' });
    expect(anonymous.answer.status).toBe(401);
    expect(anonymous.upstream).toBeUndefined();
  });

  it('a priv-lvl 1 user on the location that asks ?priv-lvl=15: 403; a priv-lvl 15 user passes', async () => {
    const bob = await token('bob');
    const denied = await through('GET', '/admin/reboot', { 'X-auth-token': bob });
    expect(denied.answer.status).toBe(403);
    expect(denied.upstream).toBeUndefined();
    if (copiesBody) expect(problemCode(denied.answer)).toBe('insufficient_privilege');
    const bare = await through('GET', '/admin', { 'X-auth-token': bob });
    expect(bare.answer.status).toBe(403);
    expect(bare.upstream).toBeUndefined();
    const alice = await token('alice');
    const allowed = await through('GET', '/admin/reboot', { 'X-auth-token': alice });
    expect(allowed.answer.status).toBe(200);
    expectIdentity(allowed.upstream, 'alice', 15);
  });

  it('after "log out everywhere": 401', async () => {
    const alice = await token('alice');
    expect((await through('GET', '/hello', { 'X-auth-token': alice })).answer.status).toBe(200);
    const out = await h.http().delete('/api/v1/auth/token-services').set('X-auth-token', alice);
    expect(out.status).toBeLessThan(300);
    const { answer, upstream } = await through('GET', '/hello', { 'X-auth-token': alice });
    expect(answer.status).toBe(401);
    expect(upstream).toBeUndefined();
  });

  it('TACACS+ command check: a user permitted GET /orders/* gets 200 there, 403 on DELETE /orders/7', async () => {
    const olga = await token('olga');
    const get = await through('GET', '/orders/7', { 'X-auth-token': olga });
    expect(get.answer.status).toBe(200);
    expectIdentity(get.upstream, 'olga', 15);
    const del = await through('DELETE', '/orders/7', { 'X-auth-token': olga });
    expect(del.answer.status).toBe(403);
    expect(del.upstream).toBeUndefined();
    if (copiesBody) expect(problemCode(del.answer)).toBe('command_denied');
    // The client cannot pass its DELETE off as a GET.
    const forged = await through('DELETE', '/orders/7', {
      'X-auth-token': olga,
      'X-Original-Method': 'GET',
      'X-Original-URI': '/orders/7',
      'X-Forwarded-Method': 'GET',
      'X-Forwarded-Uri': '/orders/7',
    });
    expect(forged.answer.status).toBe(403);
    expect(forged.upstream).toBeUndefined();
    // Without command rules (alice) the same DELETE is permitted.
    const alice = await token('alice');
    expect((await through('DELETE', '/orders/7', { 'X-auth-token': alice })).answer.status).toBe(200);
  });

  it(`Redis stopped: the proxy's error status (${redisDownStatus}), never a 200; the service sees nothing`, async () => {
    const alice = await token('alice');
    const redis = h.redisServer;
    if (redis === undefined) throw new Error('the harness did not start its own Redis');
    await redis.stop();
    try {
      const { answer, upstream } = await through('GET', '/hello', { 'X-auth-token': alice });
      expect(answer.status).toBe(redisDownStatus);
      expect(upstream).toBeUndefined();
      if (copiesBody) {
        expect(problemCode(answer)).toBe('session_store_unavailable');
        expect(answer.headers['retry-after']).toBeDefined();
      }
    } finally {
      await redis.resume();
      // The data did not survive (no persistence): ready again when a login works.
      await waitFor(async () => (await h.login('alice', 'alice-pw')).status === 200, {
        timeoutMs: 15_000,
        intervalMs: 100,
        message: 'logins to work again after Redis restarted',
      });
    }
  });

  it(`sessiond unreachable: ${unreachableStatus}, never a 200`, async () => {
    const nobody = await freePort();
    const blind = await start(documented(name, nobody, app.port));
    try {
      const path = fresh('/hello');
      const answer = await send(blind, 'GET', path, { 'X-auth-token': 'any' });
      expect(answer.status).toBe(unreachableStatus);
      expect(seen(path)).toBeUndefined();
    } finally {
      await blind.destroy();
    }
  });

  it('the service only ever saw authenticated requests, without the token', () => {
    expect(app.requests.length).toBeGreaterThan(0);
    for (const request of app.requests) {
      expect(USERS.map((u) => u.username)).toContain(request.headers['x-auth-request-user']);
      expect(request.headers['x-auth-token']).toBeUndefined();
      expect(request.headers['authorization']).toBeUndefined();
    }
  });
});
