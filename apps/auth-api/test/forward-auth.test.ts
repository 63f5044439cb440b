import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type request from 'supertest';
import { waitFor } from '@sessiond/test-utils';
import {
  INTROSPECTION_CLIENT,
  basic,
  expectResponsesMatchOpenApi,
  startHarness,
  stopSharedRedis,
  type Harness,
} from './support/harness';

// /api/v1/auth/forward-auth (issue 14) against the real auth-api, Redis and a TACACS+ server with
// command rules: the requests nginx, Caddy, Traefik and Envoy send (forward-auth-proxies.test.ts runs
// the real proxies).

const PATH = '/api/v1/auth/forward-auth';
const COOKIE = 'sessiond_token';

/** alice (15) may GET /orders/*, bob (1) the same, dave (7) has no rules (anything). */
const USERS = [
  { username: 'alice', password: 'alice-pw', 'priv-lvl': 15, commands: { permit: ['GET /orders/.*'] } },
  { username: 'bob', password: 'bob-pw', 'priv-lvl': 1, commands: { permit: ['GET /orders/.*'] } },
  { username: 'dave', password: 'dave-pw', 'priv-lvl': 7 },
  { username: 'jürgen', password: 'jurgen-pw', 'priv-lvl': 15 },
];

interface LogLine {
  readonly msg?: string;
  readonly route?: string;
  readonly status?: number;
  readonly code?: string;
  readonly username?: string;
  readonly original?: Record<string, string>;
}

let h: Harness;
const tokens = new Map<string, string>();

beforeAll(async () => {
  h = await startHarness({
    tacacsUsers: USERS,
    env: {
      TACACS_ACCOUNTING: 'true',
      REQUIRED_PRIV_LVL: '1',
      SESSION_LIMIT_PER_USER: '0',
      SESSION_IDLE_TIMEOUT_S: '100',
      TACACS_HOLD_DOWN_MS: '0',
      FORWARD_AUTH_COOKIE: COOKIE,
    },
  });
});

afterAll(async () => {
  await expectResponsesMatchOpenApi(h);
  await h.close();
  await stopSharedRedis();
});

async function token(username: string): Promise<string> {
  const user = USERS.find((u) => u.username === username);
  if (user === undefined) throw new Error(username);
  const fresh = await h.token(username, user.password);
  tokens.set(username, fresh);
  return fresh;
}

const forward = (method: string, path = PATH): request.Test =>
  h.http()[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options'](path);

function logLines(): LogLine[] {
  return h.logs.map((line) => JSON.parse(line) as LogLine).filter((line) => line.route === PATH);
}

function commandRecords(): Record<string, string>[] {
  const file = readdirSync(h.dir).find((name) => name.startsWith('accounting-'));
  if (file === undefined) return [];
  return readFileSync(join(h.dir, file), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { args: Record<string, string> }).args)
    .filter((args) => args['cmd'] !== undefined);
}

describe('tokens', () => {
  it('no token: 401 token_missing with a Bearer challenge, as problem+json', async () => {
    const res = await forward('GET').set('X-Original-URI', '/orders/7').set('X-Original-Method', 'GET');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="sessiond"');
    expect(res.body).toMatchObject({ code: 'token_missing' });
    expect(res.headers['x-auth-request-user']).toBeUndefined();
  });

  it('a token that is no live session: 401 token_invalid', async () => {
    const res = await forward('GET').set('X-auth-token', 'not-a-token-of-ours');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="sessiond", error="invalid_token"');
    expect(res.body).toMatchObject({ code: 'token_invalid' });
  });

  it('a live token in X-auth-token (quotes tolerated) or Bearer: 200, empty, the identity headers, never the token', async () => {
    const alice = await token('alice');
    for (const res of [
      await forward('GET').set('X-auth-token', `"${alice}"`),
      await forward('GET').set('Authorization', `Bearer ${alice}`),
    ]) {
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
      expect(res.headers['content-length']).toBe('0');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-auth-request-user']).toBe('alice');
      expect(res.headers['remote-user']).toBe('alice');
      expect(res.headers['x-auth-request-priv-lvl']).toBe('15');
      expect(res.headers['x-auth-request-aaa']).toMatch(/tacacs/);
      expect(res.headers['x-auth-request-session-id']).toMatch(/\S/);
      expect(JSON.stringify(res.headers)).not.toContain(alice);
    }
  });

  it('answers any method, with the body ignored, and Envoy’s path suffix', async () => {
    const alice = await token('alice');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      const res = await forward(method)
        .set('X-auth-token', alice)
        .send({ ignored: 'x'.repeat(10_000) });
      expect({ method, status: res.status }).toEqual({ method, status: 200 });
    }
    const head = await forward('HEAD').set('X-auth-token', alice);
    expect(head.status).toBe(200);
    const envoy = await forward('DELETE', `${PATH}/orders/7?page=2`).set('X-auth-token', alice);
    expect(envoy.status).toBe(200);
    expect(envoy.headers['x-auth-request-user']).toBe('alice');
  });

  it('different tokens in X-auth-token and Bearer: 400', async () => {
    const res = await forward('GET').set('X-auth-token', 'a').set('Authorization', 'Bearer b');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalid_request' });
  });

  it('reads the FORWARD_AUTH_COOKIE cookie when no header carries a token; a header wins', async () => {
    const alice = await token('alice');
    const dave = await token('dave');
    const cookie = await forward('GET').set('Cookie', `theme=dark; ${COOKIE}=${alice}; other=1`);
    expect(cookie.status).toBe(200);
    expect(cookie.headers['x-auth-request-user']).toBe('alice');
    const both = await forward('GET').set('Cookie', `${COOKIE}=${alice}`).set('X-auth-token', dave);
    expect(both.headers['x-auth-request-user']).toBe('dave');
    const otherCookie = await forward('GET').set('Cookie', `session=${alice}`);
    expect(otherCookie.status).toBe(401);
  });

  it('after "log out everywhere": 401 token_revoked', async () => {
    const dave = await token('dave');
    expect((await forward('GET').set('X-auth-token', dave)).status).toBe(200);
    const out = await h.http().delete('/api/v1/auth/token-services').set('X-auth-token', dave);
    expect(out.status).toBeLessThan(300);
    const res = await forward('GET').set('X-auth-token', dave);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'token_revoked' });
  });

  it('counts as use of the session: the idle deadline slides', async () => {
    const alice = await token('alice');
    const exp = async (): Promise<number> => {
      const res = await h
        .http()
        .post('/api/v1/auth/introspect')
        .set('Authorization', basic(INTROSPECTION_CLIENT.id, INTROSPECTION_CLIENT.secret))
        .send({ token: alice, touch: false });
      return (res.body as { exp: number }).exp;
    };
    const first = await exp();
    await waitFor(
      async () => {
        await forward('GET').set('X-auth-token', alice);
        return (await exp()) > first;
      },
      { message: 'the idle deadline to slide', intervalMs: 250 },
    );
  });

  it('a UTF-8 username is percent-encoded in the identity headers', async () => {
    const login = await h.login('jürgen', 'jurgen-pw');
    const res = await forward('GET').set(
      'X-auth-token',
      (login.body as Record<string, string>)['token-id'] ?? '',
    );
    expect(res.status).toBe(200);
    expect(res.headers['x-auth-request-user']).toBe('j%C3%BCrgen');
  });
});

describe('?priv-lvl=N', () => {
  it('a priv-lvl 1 user where 15 is required: 403 insufficient_privilege; a 15 passes', async () => {
    const bob = await token('bob');
    const res = await forward('GET', `${PATH}?priv-lvl=15`).set('X-auth-token', bob);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'insufficient_privilege', priv_lvl: 1, required_priv_lvl: 15 });
    const alice = await token('alice');
    expect((await forward('GET', `${PATH}?priv-lvl=15`).set('X-auth-token', alice)).status).toBe(200);
    expect((await forward('GET', `${PATH}?priv-lvl=1`).set('X-auth-token', bob)).status).toBe(200);
  });

  it('Envoy: the requirement comes from X-Forward-Auth-Priv-Lvl, not the client’s query string', async () => {
    const bob = await token('bob');
    const res = await forward('GET', `${PATH}/admin?priv-lvl=0`)
      .set('X-auth-token', bob)
      .set('X-Forward-Auth-Priv-Lvl', '15');
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'insufficient_privilege' });
  });

  it('bad parameters are 400, never a silent allow', async () => {
    const alice = await token('alice');
    for (const query of ['priv-lvl=16', 'priv-lvl=abc', 'priv-lvl=', 'command=radius']) {
      const res = await forward('GET', `${PATH}?${query}`).set('X-auth-token', alice);
      expect({ query, status: res.status, code: (res.body as { code?: string }).code }).toEqual({
        query,
        status: 400,
        code: 'invalid_request',
      });
    }
  });
});

describe('?command=tacacs', () => {
  it('TACACS+ decides `<METHOD> <path>`: GET /orders/7 allowed, DELETE /orders/7 403 command_denied', async () => {
    const bob = await token('bob');
    const get = await forward('GET', `${PATH}?command=tacacs`)
      .set('X-auth-token', bob)
      .set('X-Original-Method', 'GET')
      .set('X-Original-URI', '/orders/7?expand=lines');
    expect(get.status).toBe(200);
    const del = await forward('GET', `${PATH}?command=tacacs`)
      .set('X-auth-token', bob)
      .set('X-Original-Method', 'DELETE')
      .set('X-Original-URI', '/orders/7');
    expect(del.status).toBe(403);
    expect(del.body).toMatchObject({ code: 'command_denied', command: 'DELETE /orders/7' });
    // Caddy and Traefik name them X-Forwarded-*; Envoy puts the path in the URL, the method in its own.
    const caddy = await forward('GET', `${PATH}?command=tacacs`)
      .set('X-auth-token', bob)
      .set('X-Forwarded-Method', 'DELETE')
      .set('X-Forwarded-Uri', '/orders/7');
    expect(caddy.status).toBe(403);
    const envoyGet = await forward('GET', `${PATH}/orders/7`)
      .set('X-auth-token', bob)
      .set('X-Forward-Auth-Command', 'tacacs');
    expect(envoyGet.status).toBe(200);
    const envoyDelete = await forward('DELETE', `${PATH}/orders/7`)
      .set('X-auth-token', bob)
      .set('X-Forward-Auth-Command', 'tacacs');
    expect(envoyDelete.status).toBe(403);
    // Every decided command is accounted (TACACS_ACCOUNTING=true), as IOS does: `cmd=<line> <cr>`.
    const deletes = (): number =>
      commandRecords().filter((r) => r['cmd'] === 'DELETE /orders/7 <cr>' && r['cmd-denied'] === 'true')
        .length;
    await waitFor(() => deletes() === 3, { message: 'command accounting of the three denied DELETEs' });
    expect(commandRecords().some((r) => r['cmd'] === 'GET /orders/7 <cr>')).toBe(true);
  });

  it('a path with dot segments or encoded slashes is refused (400), never matched as written', async () => {
    const bob = await token('bob');
    for (const uri of ['/orders/7/../../admin', '/orders/%2e%2e/admin', '/orders//7', '/orders/7%2F..']) {
      const res = await forward('GET', `${PATH}?command=tacacs`)
        .set('X-auth-token', bob)
        .set('X-Original-Method', 'GET')
        .set('X-Original-URI', uri);
      expect({ uri, status: res.status }).toEqual({ uri, status: 400 });
    }
  });

  it('without the original request: 400 saying what the proxy must send', async () => {
    const bob = await token('bob');
    const res = await forward('GET', `${PATH}?command=tacacs`).set('X-auth-token', bob);
    expect(res.status).toBe(400);
    expect((res.body as { detail: string }).detail).toMatch(/X-Original-Method/);
  });

  it('a TACACS+ outage is 503 aaa_unavailable, never an allow or a deny', async () => {
    const alice = await token('alice');
    const server = h.tacacs[0];
    if (server === undefined) throw new Error('no TACACS+ server');
    server.setFault({ type: 'error' });
    try {
      const res = await forward('GET', `${PATH}?command=tacacs`)
        .set('X-auth-token', alice)
        .set('X-Original-Method', 'GET')
        .set('X-Original-URI', '/orders/8');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'aaa_unavailable' });
    } finally {
      server.setFault(undefined);
    }
  });
});

describe('logs and metrics', () => {
  it('a refusal is logged at info with the original request and user; never the token', async () => {
    const bob = await token('bob');
    await forward('GET', `${PATH}?priv-lvl=15`)
      .set('X-auth-token', bob)
      .set('X-Forwarded-Method', 'POST')
      .set('X-Forwarded-Uri', '/admin/reboot')
      .set('X-Forwarded-Host', 'app.example')
      .set('X-Forwarded-Proto', 'https');
    const ours = (l: LogLine): boolean => l.original?.['uri'] === '/admin/reboot';
    await waitFor(() => logLines().some(ours), { message: 'the refusal’s log line' });
    const line = logLines().find(ours);
    expect(line).toMatchObject({
      status: 403,
      code: 'insufficient_privilege',
      username: 'bob',
      original: { method: 'POST', uri: '/admin/reboot', host: 'app.example', proto: 'https' },
    });
    expect(h.logs.join('\n')).not.toContain(bob);
  });

  it('counts answers in sessiond_forward_auth_total', async () => {
    const res = await h.management().get('/metrics');
    expect(res.text).toMatch(/sessiond_forward_auth_total\{result="allow"\} [1-9]/);
    expect(res.text).toMatch(/sessiond_forward_auth_total\{result="token_missing"\} [1-9]/);
    expect(res.text).toMatch(/sessiond_forward_auth_total\{result="command_denied"\} [1-9]/);
  });
});
