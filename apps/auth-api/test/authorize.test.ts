import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type request from 'supertest';
import { loadConfig } from '../src/config';
import { waitFor } from '@sessiond/test-utils';
import {
  INTROSPECTION_CLIENT,
  basic,
  expectResponsesMatchOpenApi,
  startHarness,
  stopSharedRedis,
  type Harness,
} from './support/harness';

// POST /api/v1/auth/authorize (issue 13) against the real auth-api, a real TacacsServer holding
// per-user command rules, and a real Redis.

const PATH = '/api/v1/auth/authorize';
const client = (): string => basic(INTROSPECTION_CLIENT.id, INTROSPECTION_CLIENT.secret);

/** alice may run every `show` command, bob only `show version`, dave (no rules) anything. */
const USERS = [
  { username: 'alice', password: 'alice-pw', 'priv-lvl': 15, commands: { permit: ['show .*'] } },
  { username: 'bob', password: 'bob-pw', 'priv-lvl': 1, commands: { permit: ['show version'] } },
  { username: 'dave', password: 'dave-pw', 'priv-lvl': 7 },
];

interface AccountingLine {
  readonly flag: string;
  readonly username: string;
  readonly privLvl: number;
  readonly args: Readonly<Record<string, string>>;
}

/** The command records the harness's (first) TACACS+ server wrote to its accounting file. */
function commandRecords(h: Harness): AccountingLine[] {
  const file = readdirSync(h.dir).find((name) => name.startsWith('accounting-'));
  if (file === undefined) return [];
  return readFileSync(join(h.dir, file), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AccountingLine)
    .filter((record) => record.args['cmd'] !== undefined);
}

function authorizations(h: Harness): number {
  return h.tacacs[0]?.stats().requests.authorization ?? 0;
}

function auditLines(h: Harness): Record<string, unknown>[] {
  return h.logs
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line['event'] === 'authorize');
}

describe('POST /api/v1/auth/authorize with TACACS+ command rules and accounting', () => {
  let h: Harness;
  const ask = (token: string, command: unknown): request.Test =>
    h.http().post(PATH).set('Authorization', client()).send({ token, command });

  beforeAll(async () => {
    h = await startHarness({
      tacacsUsers: USERS,
      env: {
        TACACS_ACCOUNTING: 'true',
        REQUIRED_PRIV_LVL: '1',
        SESSION_LIMIT_PER_USER: '0',
        // A touch moves the idle deadline in steps of 1% of it: 1 s here.
        SESSION_IDLE_TIMEOUT_S: '100',
        TACACS_HOLD_DOWN_MS: '0',
        INTROSPECTION_MAX_FAILURES: '3',
      },
    });
  });

  afterAll(async () => {
    await expectResponsesMatchOpenApi(h);
    await h.close();
  });

  it('permits what the user’s rules permit, at the session’s priv-lvl, and accounts it', async () => {
    const login = await h.login('alice', 'alice-pw');
    const { 'token-id': token, 'session-id': sessionId } = login.body as Record<string, string>;
    const res = await ask(token ?? '', 'show running-config');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      permit: true,
      username: 'alice',
      'priv-lvl': 15,
      command: 'show running-config',
      'session-id': sessionId,
      cached: false,
    });
    await waitFor(() => commandRecords(h).some((r) => r.args['cmd'] === 'show running-config <cr>'), {
      message: 'the command accounting record',
    });
    const record = commandRecords(h).find((r) => r.args['cmd'] === 'show running-config <cr>');
    expect(record).toMatchObject({ flag: 'stop', username: 'alice', privLvl: 15 });
    expect(record?.args).toMatchObject({ service: 'shell', 'priv-lvl': '15', elapsed_time: '0' });
    expect(record?.args['task_id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(record?.args).not.toHaveProperty('cmd-denied');
  });

  it('denies what the rules do not permit (200, permit false, command_denied), and accounts the denial', async () => {
    const token = await h.token('alice', 'alice-pw');
    const res = await ask(token, 'configure terminal');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      permit: false,
      code: 'command_denied',
      username: 'alice',
      'priv-lvl': 15,
      command: 'configure terminal',
      cached: false,
    });
    expect((res.body as { detail: string }).detail).toMatch(
      /tacacs\+ did not authorize this command for alice/,
    );
    await waitFor(() => commandRecords(h).some((r) => r.args['cmd'] === 'configure terminal <cr>'), {
      message: 'the denied command’s accounting record',
    });
    const record = commandRecords(h).find((r) => r.args['cmd'] === 'configure terminal <cr>');
    expect(record?.args).toMatchObject({ 'cmd-denied': 'true', service: 'shell' });
  });

  it('sends the command word and its arguments apart: bob may run `show version` only', async () => {
    const token = await h.token('bob', 'bob-pw');
    const version = await ask(token, '  show   version ');
    expect(version.body).toMatchObject({
      permit: true,
      username: 'bob',
      'priv-lvl': 1,
      command: 'show version',
    });
    const config = await ask(token, 'show running-config');
    expect(config.body).toMatchObject({ permit: false, code: 'command_denied', 'priv-lvl': 1 });
    const reload = await ask(token, 'reload');
    expect(reload.body).toMatchObject({ permit: false, code: 'command_denied' });
  });

  it('permits every command of a user without rules', async () => {
    const token = await h.token('dave', 'dave-pw');
    const res = await ask(token, 'reload in 5');
    expect(res.body).toMatchObject({ permit: true, username: 'dave', 'priv-lvl': 7, command: 'reload in 5' });
  });

  it('answers a dead or unknown token with permit false and the token routes’ code, asking nobody', async () => {
    const login = await h.login('alice', 'alice-pw');
    const { 'token-id': token, 'session-id': sessionId } = login.body as Record<string, string>;
    await h
      .http()
      .delete(`/api/v1/auth/token-services/${sessionId ?? ''}`)
      .set('X-auth-token', token ?? '');
    const before = authorizations(h);
    const records = commandRecords(h).length;
    const revoked = await ask(token ?? '', 'show version');
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({
      permit: false,
      code: 'token_revoked',
      detail: expect.any(String) as string,
      command: 'show version',
    });
    const unknown = await ask('sd1.not-a-token', 'show version');
    expect(unknown.body).toMatchObject({ permit: false, code: 'token_invalid', command: 'show version' });
    expect(authorizations(h)).toBe(before);
    expect(commandRecords(h)).toHaveLength(records);
  });

  it('counts as use of the session, like introspection', async () => {
    const token = await h.token('alice', 'alice-pw');
    const introspect = async (): Promise<number> => {
      const res = await h
        .http()
        .post('/api/v1/auth/introspect')
        .set('Authorization', client())
        .send({ token, touch: false });
      return (res.body as { exp: number }).exp;
    };
    const first = await introspect();
    // The idle deadline slides (in whole seconds) once a use lands past the touch granularity.
    await waitFor(
      async () => {
        await ask(token, 'show clock');
        return (await introspect()) > first;
      },
      { message: 'the idle deadline to slide', intervalMs: 250 },
    );
  });

  it('refuses a client without the right credentials (401 invalid_client), like introspection', async () => {
    const token = await h.token('alice', 'alice-pw');
    const wrong = await h
      .http()
      .post(PATH)
      .set('Authorization', basic(INTROSPECTION_CLIENT.id, 'not-the-secret'))
      .send({ token, command: 'show version' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(wrong.body).toMatchObject({ code: 'invalid_client' });
    expect(wrong.headers['www-authenticate']).toMatch(/^Basic realm="sessiond-introspect"/);
    const none = await h.http().post(PATH).send({ token, command: 'show version' });
    expect(none.status).toBe(401);
    const malformed = await h
      .http()
      .post(PATH)
      .set('Authorization', 'Basic !!!')
      .send({ token, command: 'show version' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'invalid_request' });
  });

  it('shares the client throttle with introspection: 429 client_throttled with Retry-After', async () => {
    const prober = basic('prober', 'guess');
    await h.http().post('/api/v1/auth/introspect').set('Authorization', prober).send({ token: 'x' });
    await h.http().post(PATH).set('Authorization', prober).send({ token: 'x', command: 'show version' });
    await h.http().post('/api/v1/auth/introspect').set('Authorization', prober).send({ token: 'x' });
    const res = await h
      .http()
      .post(PATH)
      .set('Authorization', prober)
      .send({ token: 'x', command: 'show version' });
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ code: 'client_throttled' });
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['a token that is not a string', { token: 42, command: 'show version' }, /"token"/],
    ['no command', { token: 'sd1.x' }, /"token" and a "command"/],
    [
      'a command that is not a string',
      { token: 'sd1.x', command: ['show', 'version'] },
      /"command" must be a string/,
    ],
    ['an empty command', { token: 'sd1.x', command: '   ' }, /empty/],
    ['a newline in the command', { token: 'sd1.x', command: 'show version\nreload' }, /control characters/],
    ['a tab in the command', { token: 'sd1.x', command: 'show\tversion' }, /control characters/],
    ['a command over 1024 bytes', { token: 'sd1.x', command: `show ${'x'.repeat(1020)}` }, /over 1024 bytes/],
    ['over 250 words', { token: 'sd1.x', command: Array(251).fill('a').join(' ') }, /over 250 words/],
    ['a word over 247 bytes', { token: 'sd1.x', command: `show ${'é'.repeat(124)}` }, /over 247 bytes/],
  ])('answers 400 invalid_request for %s', async (_what, body, detail) => {
    const res = await h.http().post(PATH).set('Authorization', client()).send(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'invalid_request',
      detail: expect.stringMatching(detail) as string,
    });
  });

  it('answers 400, 413 and 415 for bodies that cannot be read, never a 500', async () => {
    const post = (): request.Test => h.http().post(PATH).set('Authorization', client());
    const notJson = await post().set('Content-Type', 'application/json').send('{"token": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ code: 'invalid_request', detail: 'the body is not valid JSON' });
    const array = await post().set('Content-Type', 'application/json').send('["show version"]');
    expect(array.status).toBe(400);
    const large = await post().send({ token: 'sd1.x', command: 'x'.repeat(9000) });
    expect(large.status).toBe(413);
    const text = await post().set('Content-Type', 'text/plain').send('show version');
    expect(text.status).toBe(415);
    const get = await h.http().get(PATH).set('Authorization', client());
    expect(get.status).toBe(405);
    expect(get.headers['allow']).toBe('POST');
  });

  it('writes one audit line per decision (client, user, command, permit, code), never the token', async () => {
    const token = await h.token('bob', 'bob-pw');
    await ask(token, 'show version');
    await ask(token, 'show users');
    const lines = auditLines(h);
    expect(lines).toContainEqual(
      expect.objectContaining({
        client_id: INTROSPECTION_CLIENT.id,
        username: 'bob',
        command: 'show version',
        permit: true,
        code: 'ok',
        status: 200,
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        username: 'bob',
        command: 'show users',
        permit: false,
        code: 'command_denied',
      }),
    );
    const all = h.logs.join('');
    expect(all).not.toContain(token);
    expect(all).not.toContain(INTROSPECTION_CLIENT.secret);
    const metrics = await h.management().get('/metrics');
    expect(metrics.text).toMatch(
      /sessiond_command_authorizations_total\{result="permit",cached="false"\} [1-9]/,
    );
    expect(metrics.text).toMatch(
      /sessiond_command_authorizations_total\{result="command_denied",cached="false"\} [1-9]/,
    );
    expect(metrics.text).toMatch(/sessiond_tacacs_accounting_total\{flag="command",outcome="pass"\} [1-9]/);
  });

  it('answers 502 aaa_misconfigured when no reply decrypts, never a permit or deny', async () => {
    const token = await h.token('alice', 'alice-pw');
    h.tacacs[0]?.setFault({ type: 'wrong-key' });
    try {
      const res = await ask(token, 'show version');
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({
        code: 'aaa_misconfigured',
        aaa: { method: 'tacacs+', status: 'misconfigured' },
      });
    } finally {
      h.tacacs[0]?.setFault(undefined);
    }
  });

  it('answers 503 aaa_unavailable with Retry-After when TACACS+ does not answer, never a permit or deny', async () => {
    const token = await h.token('alice', 'alice-pw');
    const records = commandRecords(h).length;
    h.tacacs[0]?.setFault({ type: 'drop' });
    try {
      const res = await ask(token, 'show version');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({
        code: 'aaa_unavailable',
        aaa: { method: 'tacacs+', status: 'timeout' },
      });
      expect(res.body).not.toHaveProperty('permit');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    } finally {
      h.tacacs[0]?.setFault(undefined);
    }
    // Nothing was decided, so nothing is accounted.
    expect(commandRecords(h)).toHaveLength(records);
    const after = await ask(token, 'show version');
    expect(after.body).toMatchObject({ permit: true });
  });
});

describe('the decision cache (AUTHORIZE_CACHE_TTL_MS)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      tacacsUsers: USERS,
      env: {
        TACACS_ACCOUNTING: 'true',
        REQUIRED_PRIV_LVL: '1',
        TACACS_HOLD_DOWN_MS: '0',
        AUTHORIZE_CACHE_TTL_MS: '600000',
        AUTHORIZE_CACHE_MAX_ENTRIES: '100',
      },
    });
  });

  afterAll(async () => {
    await expectResponsesMatchOpenApi(h);
    await h.close();
  });

  it('serves permits and denials again without asking TACACS+ ("cached": true), still accounting each', async () => {
    const token = await h.token('bob', 'bob-pw');
    const ask = (command: string): request.Test =>
      h.http().post(PATH).set('Authorization', client()).send({ token, command });
    expect((await ask('show version')).body).toMatchObject({ permit: true, cached: false });
    expect((await ask('reload')).body).toMatchObject({
      permit: false,
      code: 'command_denied',
      cached: false,
    });
    const before = authorizations(h);
    expect((await ask('show  version')).body).toMatchObject({ permit: true, cached: true });
    expect((await ask('reload')).body).toMatchObject({ permit: false, code: 'command_denied', cached: true });
    expect(authorizations(h)).toBe(before);
    await waitFor(() => commandRecords(h).filter((r) => r.args['cmd'] === 'reload <cr>').length === 2, {
      message: 'both reloads accounted',
    });
    const lines = auditLines(h);
    expect(lines).toContainEqual(expect.objectContaining({ command: 'reload', cached: true, permit: false }));
  });

  it('keeps users and priv-lvls apart, never caches an outage, and logs accounting it could not send', async () => {
    const bob = await h.token('bob', 'bob-pw');
    const alice = await h.token('alice', 'alice-pw');
    const ask = (token: string, command: string): request.Test =>
      h.http().post(PATH).set('Authorization', client()).send({ token, command });
    expect((await ask(bob, 'show clock')).body).toMatchObject({ permit: false, cached: false });
    expect((await ask(alice, 'show clock')).body).toMatchObject({ permit: true, cached: false });
    h.tacacs[0]?.setFault({ type: 'drop' });
    try {
      // Not in the cache: the outage is the answer, every time.
      expect((await ask(alice, 'show interfaces')).status).toBe(503);
      expect((await ask(alice, 'show interfaces')).status).toBe(503);
      // In the cache: answered, and its accounting record, which cannot be sent now, is logged.
      expect((await ask(alice, 'show clock')).body).toMatchObject({ permit: true, cached: true });
      await waitFor(
        () =>
          h.logs.some(
            (line) =>
              line.includes('tacacs command accounting not recorded') &&
              line.includes('"command":"show clock"'),
          ),
        { message: 'the lost accounting record to be logged' },
      );
    } finally {
      h.tacacs[0]?.setFault(undefined);
    }
    expect((await ask(alice, 'show interfaces')).body).toMatchObject({ permit: true, cached: false });
  });
});

describe('the cache settings', () => {
  it('are checked at start-up, naming the variable', () => {
    const base = {
      REDIS_URL: 'redis://127.0.0.1:1',
      USER_TAG_SECRET: 'x'.repeat(32),
      AAA_METHODS: 'tacacs',
      TACACS_SERVERS: '127.0.0.1:49',
      TACACS_SECRET: 'test-shared-secret-0123456789',
    };
    expect(loadConfig(base).authorizeCache).toEqual({ ttlMs: 0, maxEntries: 10_000 });
    expect(() =>
      loadConfig({ ...base, AUTHORIZE_CACHE_TTL_MS: '-1', AUTHORIZE_CACHE_MAX_ENTRIES: '0' }),
    ).toThrow(
      /AUTHORIZE_CACHE_TTL_MS[\s\S]*AUTHORIZE_CACHE_MAX_ENTRIES|AUTHORIZE_CACHE_MAX_ENTRIES[\s\S]*AUTHORIZE_CACHE_TTL_MS/,
    );
  });
});

describe('without TACACS+ in AAA_METHODS', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ env: { AAA_METHODS: 'local' } });
  });

  afterAll(async () => {
    await expectResponsesMatchOpenApi(h);
    await h.close();
    await stopSharedRedis();
  });

  it('answers 501 command_authorization_unavailable to an authenticated client, 401 to others', async () => {
    const token = await h.token('carol', 'carol-pw');
    const res = await h
      .http()
      .post(PATH)
      .set('Authorization', client())
      .send({ token, command: 'show version' });
    expect(res.status).toBe(501);
    expect(res.body).toMatchObject({
      code: 'command_authorization_unavailable',
      detail: expect.stringMatching(/AAA_METHODS/) as string,
    });
    const stranger = await h
      .http()
      .post(PATH)
      .set('Authorization', basic('prober', 'guess'))
      .send({ token, command: 'show version' });
    expect(stranger.status).toBe(401);
  });
});
