import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, get, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { REFUSAL_CAUSES } from '@sessiond/protocol';
import { createHandler, createManagementApp, type AppDeps, type Handler } from '../src/app';
import type { ConsoleListener } from '../src/config';
import { CONSOLE_DIR, CONSOLE_HEADERS } from '../src/routes/console-files';
import { RefusalLog } from '../src/stats/refusal-log';
import { expectResponsesMatchOpenApi, startHarness, stopSharedRedis, type Harness } from './support/harness';

// Issue 16: the operator console's backend. Its files on the listener CONSOLE names, the management
// listener handing /api/v1/… to the public handler, and the admin routes the page calls.

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const FILES = {
  'index.html': '<!doctype html><title>sessiond</title><script src="console.js"></script>',
  'console.js': 'document.title = "console";',
  'console.css': 'body { margin: 0 }',
};
const STATUS = '/api/v1/auth/status';
const REFUSALS = '/api/v1/auth/refusals';
const USERS = '/api/v1/auth/users';
const unlockPath = (user: string): string => `/api/v1/auth/users/${user}/login-failures`;

let h: Harness;
let consoleDir: string;
let adminToken: string;
let userToken: string;

beforeAll(async () => {
  consoleDir = mkdtempSync(join(tmpdir(), 'sessiond-console-'));
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(consoleDir, name), text);
  h = await startHarness({ consoleDir, env: { LOGIN_MAX_FAILURES: '3' } });
  adminToken = await h.token('admin', 'admin-pw');
  userToken = await h.token('alice', 'alice-pw');
});

afterAll(async () => {
  await expectResponsesMatchOpenApi(h);
  await h.close();
  rmSync(consoleDir, { recursive: true, force: true });
  await stopSharedRedis();
});

/** The service's handlers with another CONSOLE setting (and console directory) on the same services. */
function handlers(console: ConsoleListener, dir = consoleDir): { public: Handler; management: Handler } {
  const deps: AppDeps = { ...h.services, config: { ...h.services.config, console }, consoleDir: dir };
  const publicHandler = createHandler(deps);
  return { public: publicHandler, management: createManagementApp(deps, publicHandler) };
}

/** A GET with the path exactly as given (supertest would normalise `..` and `%2e%2e`). */
async function rawGet(
  handler: Handler,
  path: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const server = createServer(handler);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((done, fail) => {
      get({ host: '127.0.0.1', port, path }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
      }).on('error', fail);
    });
  } finally {
    server.close();
  }
}

describe('the console files', () => {
  it('are resolved from the module to apps/auth-api/dist/console by default', () => {
    expect(CONSOLE_DIR).toBe(resolve(__dirname, '..', 'dist', 'console'));
  });

  it('/console redirects to /console/, which is index.html with the console headers', async () => {
    const redirect = await h.management().get('/console');
    expect(redirect.status).toBe(301);
    expect(redirect.headers['location']).toBe('/console/');
    const page = await h.management().get('/console/');
    expect(page.status).toBe(200);
    expect(page.text).toBe(FILES['index.html']);
    expect(page.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    });
    expect(CONSOLE_HEADERS['Content-Security-Policy']).toBe(CSP);
  });

  it('serves each file with its content type, GET and HEAD, and refuses other methods', async () => {
    const js = await h.management().get('/console/console.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['content-security-policy']).toBe(CSP);
    expect(js.text).toBe(FILES['console.js']);
    const css = await h.management().get('/console/console.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.text).toBe(FILES['console.css']);
    const head = await h.management().head('/console/console.css');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(FILES['console.css'].length));
    expect(head.text ?? '').toBe('');
    const post = await h.management().post('/console/');
    expect(post.status).toBe(405);
    expect(post.headers['allow']).toBe('GET, HEAD');
    expect(post.body).toMatchObject({ code: 'method_not_allowed' });
  });

  it('serves what the directory holds at request time', async () => {
    writeFileSync(join(consoleDir, 'later.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    const res = await h.management().get('/console/later.svg');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml');
  });

  it('never leaves the directory: traversal, sub-paths, links and unknown names are 404 problems', async () => {
    symlinkSync(resolve(__dirname, '..', 'package.json'), join(consoleDir, 'link.json'));
    const management = createManagementApp({ ...h.services, consoleDir });
    for (const path of [
      '/console/..%2fpackage.json',
      '/console/..%2F..%2Fpackage.json',
      '/console/%2e%2e/package.json',
      '/console/../package.json',
      '/console/..',
      '/console/sub/console.js',
      '/console/console.js%00',
      '/console/link.json',
      '/console/missing.js',
    ]) {
      const res = await rawGet(management, path);
      expect({ path, status: res.status, type: res.headers['content-type'] }).toEqual({
        path,
        status: 404,
        type: 'application/problem+json; charset=utf-8',
      });
      expect(JSON.parse(res.body)).toMatchObject({ code: 'not_found' });
      expect(res.body).not.toContain('"name"');
    }
  });

  it('says the console is not built when its directory is missing', async () => {
    const management = createManagementApp({ ...h.services, consoleDir: join(consoleDir, 'absent') });
    const res = await request(management).get('/console/');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toMatchObject({
      code: 'not_found',
      detail: 'the console is not built: run npm run build',
    });
  });
});

describe('CONSOLE: which listener serves the console', () => {
  it('management (default): the management listener serves it and hands /api/v1/… to the public handler', async () => {
    expect(h.services.config.console).toBe('management');
    const recorded = h.responses.length;
    const status = await h.management().get(STATUS).set('X-auth-token', adminToken);
    expect(status.status).toBe(200);
    expect(status.headers['x-content-type-options']).toBe('nosniff');
    // The public handler (the harness records what it answers) answered it.
    await new Promise((done) => setImmediate(done));
    expect(h.responses.slice(recorded).map((r) => r.route)).toContain(STATUS);
    const login = await h.management().post('/api/v1/auth/token-services').auth('admin', 'admin-pw');
    expect(login.status).toBe(200);
    const { 'token-id': token, 'session-id': sessionId } = login.body as Record<string, string>;
    const logout = await h
      .management()
      .delete(`/api/v1/auth/token-services/${sessionId ?? ''}`)
      .set('X-auth-token', token ?? '');
    expect(logout.status).toBe(204);
    // Its own routes stay; the public port has no console.
    expect((await h.management().get('/metrics')).status).toBe(200);
    const none = await h.http().get('/console/');
    expect(none.status).toBe(404);
    expect(none.body).toMatchObject({ code: 'not_found' });
  });

  it('public: the public port serves it; the management listener neither serves it nor hands over /api/v1', async () => {
    const { public: publicHandler, management } = handlers('public');
    const page = await request(publicHandler).get('/console/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(CSP);
    expect(page.text).toBe(FILES['index.html']);
    expect((await request(publicHandler).get('/console')).headers['location']).toBe('/console/');
    expect((await request(management).get('/console/')).status).toBe(404);
    expect((await request(management).get(STATUS).set('X-auth-token', adminToken)).status).toBe(404);
  });

  it('off: nobody serves it, and the management listener keeps to its own routes', async () => {
    const { public: publicHandler, management } = handlers('off');
    expect((await request(publicHandler).get('/console/')).status).toBe(404);
    expect((await request(management).get('/console/')).status).toBe(404);
    expect((await request(management).get(STATUS).set('X-auth-token', adminToken)).status).toBe(404);
    expect((await request(management).get('/readyz')).status).toBe(200);
  });
});

describe('admin routes of the console', () => {
  const routes: [string, string][] = [
    ['get', USERS],
    ['get', STATUS],
    ['get', REFUSALS],
    ['delete', `${unlockPath('alice')}?address=192.0.2.1`],
  ];

  it.each(routes)('%s %s: 401 without a token, 403 for a non-admin', async (method, path) => {
    const call = (): request.Test => (method === 'get' ? h.http().get(path) : h.http().delete(path));
    const missing = await call();
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ code: 'token_missing' });
    const forbidden = await call().set('X-auth-token', userToken);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({
      code: 'forbidden',
      detail: 'this route is for the users listed in ADMIN_USERS',
    });
  });

  it('GET /users/{username}/sessions also says the limit the sessions count against', async () => {
    const res = await h.http().get('/api/v1/auth/users/alice/sessions').set('X-auth-token', adminToken);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      kind: 'collection#auth-token',
      'session-limit': 5,
      'limit-policy': 'reject',
    });
  });

  it('GET /users lists the users with the most live sessions, most first, ties by name', async () => {
    await h.token('alice', 'alice-pw');
    await h.token('alice', 'alice-pw');
    await h.token('shared', 'tacacs-pw');
    await h.token('shared', 'tacacs-pw');
    const res = await h.http().get(`${USERS}?limit=2`).set('X-auth-token', adminToken);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      kind: 'collection#user',
      items: [
        { username: 'alice', sessions: 3 },
        { username: 'shared', sessions: 2 },
      ],
      'session-limit': 5,
      'users-scanned': expect.any(Number) as number,
      complete: true,
    });
    const all = await h.http().get(USERS).set('X-auth-token', adminToken);
    const items = (all.body as { items: { username: string; sessions: number }[] }).items;
    expect(items.slice(0, 2).map((i) => i.username)).toEqual(['alice', 'shared']);
    const sorted = [...items].sort((a, b) => b.sessions - a.sessions || a.username.localeCompare(b.username));
    expect(items).toEqual(sorted);
    expect(items.map((i) => i.username)).toContain('admin');
  });

  it.each(['0', '101', 'abc', '1.5', '-1', '', '20&limit=3'])('GET /users?limit=%s is 400', async (limit) => {
    const res = await h.http().get(`${USERS}?limit=${limit}`).set('X-auth-token', adminToken);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalid_request' });
  });

  it('GET /status reports Redis and each AAA server with its recent activity', async () => {
    const res = await h.http().get(STATUS).set('X-auth-token', adminToken);
    expect(res.status).toBe(200);
    const body = res.body as {
      redis: Record<string, unknown>;
      aaa: { method: string; sources: Record<string, unknown>[] }[];
      now: string;
    };
    expect(body.redis).toEqual({
      status: 'up',
      'latency-ms': expect.any(Number) as number,
      mode: 'standalone',
    });
    expect(Date.parse(body.now)).toBeGreaterThan(Date.now() - 60_000);
    expect(body.aaa.map((m) => m.method)).toEqual(['tacacs+', 'local']);
    const [tacacs] = body.aaa[0]?.sources ?? [];
    expect(tacacs).toMatchObject({
      source: `127.0.0.1:${h.tacacs[0]?.port ?? 0}`,
      state: 'up',
      errors: 0,
      'error-rate': 0,
    });
    expect(tacacs?.['requests']).toBeGreaterThanOrEqual(2);
    expect(tacacs?.['last-latency-ms']).toEqual(expect.any(Number));
    expect(body.aaa[1]?.sources).toMatchObject([{ source: 'local', state: 'loaded' }]);
  });

  it('GET /refusals: three wrong passwords are three invalid_credentials, with username and address', async () => {
    const before = (await h.http().get(REFUSALS).set('X-auth-token', adminToken)).body as {
      totals: Record<string, number>;
    };
    for (let i = 0; i < 3; i += 1) {
      const res = await h.login('mallory', `wrong-password-${i}`).set('User-Agent', 'refusal-test/1.0');
      expect(res.status).toBe(401);
    }
    expect((await h.login('bob', 'bob-pw')).status).toBe(403); // priv-lvl 1
    const res = await h.http().get(REFUSALS).set('X-auth-token', adminToken);
    expect(res.status).toBe(200);
    const body = res.body as {
      'window-minutes': number;
      'bucket-seconds': number;
      causes: string[];
      series: { start: string; counts: Record<string, number> }[];
      totals: Record<string, number>;
      latest: Record<string, unknown>[];
    };
    expect(body['window-minutes']).toBe(60);
    expect(body['bucket-seconds']).toBe(60);
    expect(body.causes).toEqual([...REFUSAL_CAUSES]);
    expect(body.series).toHaveLength(60);
    const starts = body.series.map((s) => Date.parse(s.start));
    expect(starts.every((t, i) => i === 0 || t - (starts[i - 1] ?? 0) === 60_000)).toBe(true);
    const inSeries = body.series.reduce((sum, s) => sum + (s.counts['invalid_credentials'] ?? 0), 0);
    expect(inSeries).toBe(body.totals['invalid_credentials']);
    expect(body.series.every((s) => Object.values(s.counts).every((n) => n > 0))).toBe(true);
    expect(body.totals['invalid_credentials']).toBe((before.totals['invalid_credentials'] ?? 0) + 3);
    expect(body.totals['insufficient_privilege']).toBe((before.totals['insufficient_privilege'] ?? 0) + 1);
    const wrongPassword: unknown = expect.objectContaining({
      username: 'mallory',
      address: '127.0.0.1',
      code: 'invalid_credentials',
      cause: 'invalid_credentials',
      status: 401,
      'user-agent': 'refusal-test/1.0',
    });
    expect(body.latest.slice(0, 4)).toEqual([
      expect.objectContaining({
        username: 'bob',
        cause: 'insufficient_privilege',
        code: 'insufficient_privilege',
        status: 403,
      }),
      wrongPassword,
      wrongPassword,
      wrongPassword,
    ]);
    expect(JSON.stringify(body)).not.toContain('wrong-password');
  });

  it('DELETE /users/{username}/login-failures unlocks a throttled user', async () => {
    for (let i = 0; i < 3; i += 1) expect((await h.login('pat', `not-pats-password-${i}`)).status).toBe(401);
    const throttled = await h.login('pat', 'pat:with:colons');
    expect(throttled.status).toBe(429);
    expect(throttled.body).toMatchObject({ code: 'login_throttled', scope: 'user' });
    const unlock = await h
      .http()
      .delete(`${unlockPath('pat')}?address=127.0.0.1`)
      .set({ 'X-auth-token': adminToken, 'X-Request-Id': 'unlock-pat' });
    expect(unlock.status).toBe(200);
    // pat's count at the address, and the address's own count (LOGIN_MAX_FAILURES_PER_ADDRESS).
    expect(unlock.body).toEqual({ cleared: 2 });
    expect((await h.login('pat', 'pat:with:colons')).status).toBe(200);
    const again = await h
      .http()
      .delete(`${unlockPath('pat')}?address=127.0.0.1`)
      .set('X-auth-token', adminToken);
    expect(again.body).toEqual({ cleared: 0 });
    const line = h.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l['req_id'] === 'unlock-pat');
    expect(line).toMatchObject({
      msg: 'audit',
      event: 'unlock',
      username: 'admin',
      target_user: 'pat',
      address: '127.0.0.1',
      cleared: 2,
      status: 200,
    });
    expect(h.logs.join('')).not.toContain('not-pats-password');
  });

  it.each([
    '',
    '?address=',
    '?address=not-an-ip',
    '?address=192.0.2.1&address=192.0.2.2',
    `?address=${'1'.repeat(80)}`,
  ])('DELETE /users/{username}/login-failures%s is 400', async (query) => {
    const res = await h
      .http()
      .delete(`${unlockPath('pat')}${query}`)
      .set('X-auth-token', adminToken);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalid_request' });
  });

  it('accepts an IPv6 address and an IPv4-mapped one', async () => {
    for (const address of ['2001:db8::1', '::ffff:192.0.2.9']) {
      const res = await h
        .http()
        .delete(`${unlockPath('pat')}?address=${encodeURIComponent(address)}`)
        .set('X-auth-token', adminToken);
      expect(res.status).toBe(200);
    }
  });
});

describe('refusal log (in memory, bounded)', () => {
  const login = (code: string, status: number, outage?: string): Parameters<RefusalLog['observe']>[0] => ({
    audit: {
      event: 'login',
      username: 'u'.repeat(300),
      ...(outage !== undefined ? { aaa: { outage: { method: 'tacacs+', status: outage }, steps: [] } } : {}),
    },
    status,
    code,
    address: '192.0.2.1',
    userAgent: 'ua',
  });

  it('maps each code to its cause, splitting aaa_unavailable by the outage', () => {
    let now = Date.UTC(2026, 0, 1, 12, 0, 30);
    const log = new RefusalLog(() => now);
    log.observe(login('aaa_unavailable', 503, 'timeout'));
    log.observe(login('aaa_unavailable', 503, 'unreachable'));
    log.observe(login('aaa_unavailable', 503, 'not_configured'));
    log.observe(login('aaa_misconfigured', 502, 'misconfigured'));
    log.observe(login('session_limit_reached', 429));
    log.observe(login('invalid_request', 400));
    log.observe(login('ok', 200)); // not a refusal
    log.observe({ ...login('token_invalid', 401), audit: { event: 'introspect' } }); // not a login
    now += 60_000;
    log.observe(login('session_store_unavailable', 503));
    const report = log.report();
    expect(Object.fromEntries(report.totals)).toEqual({
      aaa_timeout: 1,
      aaa_unreachable: 2,
      aaa_misconfigured: 1,
      session_limit_reached: 1,
      other: 1,
      session_store_unavailable: 1,
    });
    expect(report.series).toHaveLength(60);
    expect(report.series[59]?.start).toBe(Date.UTC(2026, 0, 1, 12, 1));
    expect(Object.fromEntries(report.series[59]?.counts ?? [])).toEqual({ session_store_unavailable: 1 });
    expect(report.latest[0]?.username).toHaveLength(256);
  });

  it('keeps the latest 50 and forgets what is older than the hour', () => {
    let now = Date.UTC(2026, 0, 1, 12);
    const log = new RefusalLog(() => now);
    for (let i = 0; i < 70; i += 1) log.observe(login('invalid_credentials', 401));
    expect(log.report().latest).toHaveLength(50);
    expect(log.report().totals.get('invalid_credentials')).toBe(70);
    now += 60 * 60_000;
    const later = log.report();
    expect(later.totals.size).toBe(0);
    expect(later.latest).toEqual([]);
    expect(later.series.every((slot) => slot.counts.size === 0)).toBe(true);
  });
});

// Last: it stops the TACACS+ server.
describe('a TACACS+ server down', () => {
  it('shows in GET /status as errors, and its refusals as aaa_unreachable', async () => {
    await h.tacacs[0]?.close();
    const res = await h.login('trudy', 'whatever-it-is');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'aaa_unavailable' });
    const status = await h.http().get(STATUS).set('X-auth-token', adminToken);
    const [tacacs] = (status.body as { aaa: { sources: Record<string, unknown>[] }[] }).aaa[0]?.sources ?? [];
    expect(tacacs?.['state']).toMatch(/^(down|held-down)$/);
    expect(tacacs?.['errors']).toBeGreaterThanOrEqual(1);
    expect(tacacs?.['error-rate']).toBeGreaterThan(0);
    const refusals = await h.http().get(REFUSALS).set('X-auth-token', adminToken);
    expect((refusals.body as { latest: Record<string, unknown>[] }).latest[0]).toMatchObject({
      username: 'trudy',
      code: 'aaa_unavailable',
      cause: 'aaa_unreachable',
      status: 503,
    });
  });
});
