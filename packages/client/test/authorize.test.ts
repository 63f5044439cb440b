import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import express from 'express';
import { TacacsServer } from '@sessiond/tacacs-server';
import {
  InvalidArgumentError,
  InvalidOptionsError,
  SessionClient,
  SessiondProblemError,
  SessiondResponseError,
  requireSession,
  type SessionMiddleware,
} from '../src';
import { requireSession as requireDirect } from '../src/direct';
import { CLIENT, startStack, type AuthApi, type Stack } from './support/auth-api';
import { WHOAMI, protectedApp } from './support/apps';

// Command authorization (issue 13) through a real auth-api asking the project's TACACS+ server, whose
// users carry command rules: netops may run `show .*`, viewer only `show version`.

const KEY = 'client-authorize-test-key-0123456789';
const USERS = {
  users: [
    { username: 'netops', password: 'netops-pw', 'priv-lvl': 15, commands: { permit: ['show .*'] } },
    { username: 'viewer', password: 'viewer-pw', 'priv-lvl': 15, commands: { permit: ['show version'] } },
  ],
};

let stack: Stack;
let tacacs: TacacsServer;
let api: AuthApi;
let client: SessionClient;
const middlewares: SessionMiddleware[] = [];
const errors: Error[] = [];

beforeAll(async () => {
  tacacs = new TacacsServer({ key: KEY, users: USERS });
  await tacacs.listen();
  stack = await startStack();
  api = await stack.startApi({
    AAA_METHODS: 'tacacs',
    TACACS_SERVERS: `127.0.0.1:${tacacs.port}`,
    TACACS_SECRET: KEY,
    AAA_TIMEOUT_MS: '1000',
    AAA_RETRIES: '0',
    SESSION_LIMIT_PER_USER: '0',
  });
  client = new SessionClient({ baseUrl: api.baseUrl, clientId: CLIENT.id, clientSecret: CLIENT.secret });
});

afterAll(async () => {
  await Promise.all(middlewares.map((m) => m.close()));
  await stack?.close();
  await tacacs?.close();
});

const login = async (username: string): Promise<string> =>
  (await client.login(username, `${username}-pw`)).token;

function guard(options: Record<string, unknown>): SessionMiddleware {
  const middleware = requireSession({
    mode: 'introspection',
    client,
    onError: (e) => errors.push(e),
    ...options,
  });
  middlewares.push(middleware);
  return middleware;
}

describe('SessionClient.authorize', () => {
  it.each([
    ['netops', 'show running-config', true],
    ['netops', 'reload', false],
    ['viewer', 'show version', true],
    ['viewer', 'show running-config', false],
  ])('%s: %s → permit %s', async (username, command, permit) => {
    const token = await login(username);
    const answer = await client.authorize(token, command);
    expect(answer).toEqual({
      permit,
      command,
      username,
      privLvl: 15,
      sessionId: expect.any(String) as string,
      cached: false,
      code: permit ? undefined : 'command_denied',
      detail: permit ? undefined : (expect.stringContaining(username) as string),
    });
  });

  it('the command line is normalized by the auth-api (runs of spaces)', async () => {
    const answer = await client.authorize(await login('viewer'), '  show   version ');
    expect(answer).toMatchObject({ permit: true, command: 'show version' });
  });

  it('a dead token is permit false with the token code, never a throw', async () => {
    const token = await login('netops');
    await client.logout(token);
    expect(await client.authorize(token, 'show version')).toMatchObject({
      permit: false,
      code: 'token_revoked',
      command: 'show version',
    });
    expect(await client.authorize('not-a-token', 'show version')).toMatchObject({
      permit: false,
      code: 'token_invalid',
    });
  });

  it('bad input is refused before any request; wrong client credentials are a 401 problem', async () => {
    const token = await login('netops');
    await expect(client.authorize(token, '')).rejects.toThrow(InvalidArgumentError);
    await expect(client.authorize(token, 'show\tversion')).rejects.toThrow(InvalidArgumentError);
    await expect(client.authorize('', 'show version')).rejects.toThrow(InvalidArgumentError);
    await expect(client.authorize(token, 'show version', { timeoutMs: 0 })).rejects.toThrow(
      InvalidArgumentError,
    );
    const noCredentials = new SessionClient({ baseUrl: api.baseUrl });
    await expect(noCredentials.authorize(token, 'show version')).rejects.toThrow(InvalidOptionsError);
    const wrong = new SessionClient({
      baseUrl: api.baseUrl,
      clientId: CLIENT.id,
      clientSecret: 'wrong-secret',
    });
    await expect(wrong.authorize(token, 'show version')).rejects.toMatchObject({
      code: 'invalid_client',
      status: 401,
    });
  });
});

describe('requireSession({ command })', () => {
  it('lets a permitted user through and answers 403 command_denied to the others', async () => {
    const app = protectedApp(guard({ command: 'show running-config' }));
    const ok = await request(app)
      .get(WHOAMI)
      .set('X-auth-token', await login('netops'));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ username: 'netops', source: 'introspection' });
    const denied = await request(app)
      .get(WHOAMI)
      .set('X-auth-token', await login('viewer'));
    expect(denied.status).toBe(403);
    expect(denied.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(denied.body).toEqual({
      type: 'urn:sessiond:problem:command_denied',
      title: 'Command not authorized',
      status: 403,
      code: 'command_denied',
      detail: 'this session may not run "show running-config"',
      command: 'show running-config',
    });
  });

  it('takes the command from the request with a function', async () => {
    const middleware = requireSession({
      mode: 'introspection',
      client,
      command: (req: express.Request) =>
        `show ${typeof req.query['what'] === 'string' ? req.query['what'] : ''}`,
    });
    middlewares.push(middleware);
    const app = express();
    app.get('/show', middleware, (_req, res) => res.json({ ok: true }));
    const token = await login('viewer');
    expect((await request(app).get('/show?what=version').set('X-auth-token', token)).status).toBe(200);
    expect((await request(app).get('/show?what=clock').set('X-auth-token', token)).status).toBe(403);
  });

  it('a function that gives no valid command line is the application’s error (next(error))', async () => {
    const middleware = guard({ command: () => '' });
    const app = express();
    app.get(WHOAMI, middleware, (_req, res) => res.json({ ok: true }));
    app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).json({ name: error.name });
    });
    const res = await request(app)
      .get(WHOAMI)
      .set('X-auth-token', await login('netops'));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ name: 'InvalidArgumentError' });
  });

  it('the session checks come first: no token is 401 token_missing, not a command question', async () => {
    const res = await request(protectedApp(guard({ command: 'show version' }))).get(WHOAMI);
    expect(res.status).toBe(401);
    expect((res.body as { code: string }).code).toBe('token_missing');
  });

  it('invalid options are refused at construction, in both modes', () => {
    expect(() => guard({ command: 'show\nversion' })).toThrow(InvalidOptionsError);
    expect(() => guard({ command: 42 })).toThrow(InvalidOptionsError);
    // Direct mode cannot reach TACACS+ by itself: it needs the auth-api's client, checked before Redis.
    expect(() =>
      requireDirect({ mode: 'direct', redis: { url: stack.redis.url }, command: 'show version' }),
    ).toThrow(InvalidOptionsError);
    expect(() =>
      requireDirect({
        mode: 'direct',
        redis: { url: stack.redis.url },
        command: 'show version',
        authorizeClient: new SessionClient({ baseUrl: api.baseUrl }),
      }),
    ).toThrow('authorizeClient');
  });

  it('direct mode with authorizeClient: the session from Redis, the command from the auth-api', async () => {
    const middleware = requireDirect({
      mode: 'direct',
      redis: { url: stack.redis.url, keyPrefix: api.keyPrefix },
      command: 'show running-config',
      authorizeClient: client,
    });
    middlewares.push(middleware);
    await middleware.ready();
    const app = protectedApp(middleware);
    const ok = await request(app)
      .get(WHOAMI)
      .set('X-auth-token', await login('netops'));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ username: 'netops', source: 'direct' });
    const denied = await request(app)
      .get(WHOAMI)
      .set('X-auth-token', await login('viewer'));
    expect(denied.status).toBe(403);
    expect((denied.body as { code: string }).code).toBe('command_denied');
  });
});

describe('when nothing can decide', () => {
  it('no TACACS+ in AAA_METHODS: authorize() throws the 501 problem; the middleware answers 503', async () => {
    const local = await stack.startApi({ AAA_METHODS: 'local', SESSION_LIMIT_PER_USER: '0' });
    const localClient = new SessionClient({
      baseUrl: local.baseUrl,
      clientId: CLIENT.id,
      clientSecret: CLIENT.secret,
    });
    const { token } = await localClient.login('alice', 'alice-pw');
    const error = await localClient.authorize(token, 'show version').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessiondProblemError);
    expect(error).toMatchObject({ status: 501, code: 'command_authorization_unavailable' });
    const middleware = requireSession({
      mode: 'introspection',
      client: localClient,
      command: 'show version',
    });
    middlewares.push(middleware);
    const res = await request(protectedApp(middleware)).get(WHOAMI).set('X-auth-token', token);
    expect(res.status).toBe(503);
    expect((res.body as { code: string }).code).toBe('sessiond_unavailable');
    expect(res.headers['retry-after']).toBeDefined();
  });

  it('TACACS+ down: authorize() throws 503 aaa_unavailable; the middleware answers 503 aaa_unavailable', async () => {
    const token = await login('netops');
    const app = protectedApp(guard({ command: 'show version' }));
    await tacacs.close();
    const error = await client.authorize(token, 'show version').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessiondProblemError);
    expect(error).toMatchObject({ status: 503, code: 'aaa_unavailable' });
    errors.length = 0;
    const res = await request(app).get(WHOAMI).set('X-auth-token', token);
    expect(res.status).toBe(503);
    expect((res.body as { code: string }).code).toBe('aaa_unavailable');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(errors).toHaveLength(1);
    expect(JSON.stringify(res.body)).not.toContain(token);
  });
});

describe('answers only a fake auth-api can give (outside what the real one sends)', () => {
  let fake: Server;
  let authorizeBody: unknown;
  const now = Math.floor(Date.now() / 1000);
  const introspection = {
    active: true,
    username: 'netops',
    'session-id': 'sid-1',
    'priv-lvl': 15,
    aaa: 'tacacs+',
    iat: now,
    exp: now + 900,
    absolute_exp: now + 3600,
  };

  beforeAll(async () => {
    fake = createServer((req, res) => {
      req.resume();
      const body = req.url === '/api/v1/auth/introspect' ? introspection : authorizeBody;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => fake.close(resolve));
  });

  const fakeClient = (): SessionClient =>
    new SessionClient({
      baseUrl: `http://127.0.0.1:${(fake.address() as AddressInfo).port}`,
      clientId: 'svc',
      clientSecret: 'svc-secret',
    });

  it('a refusal with a code the client does not know is still a refusal (403 command_denied)', async () => {
    authorizeBody = { permit: false, code: 'some_future_reason', command: 'show version' };
    expect(await fakeClient().authorize('tok', 'show version')).toMatchObject({
      permit: false,
      code: 'some_future_reason',
    });
    const middleware = requireSession({
      mode: 'introspection',
      client: fakeClient(),
      command: 'show version',
    });
    const res = await request(protectedApp(middleware)).get(WHOAMI).set('X-auth-token', 'tok');
    expect(res.status).toBe(403);
    expect((res.body as { code: string }).code).toBe('command_denied');
  });

  it('a body off the contract is a SessiondResponseError, and the middleware never lets it through', async () => {
    const middleware = requireSession({
      mode: 'introspection',
      client: fakeClient(),
      command: 'show version',
    });
    for (const body of [
      { permit: false, command: 'show version' }, // a refusal without its code
      { permit: true, command: 'show version', username: 'netops' }, // a permit without priv-lvl
      { permit: 'yes', command: 'show version' },
    ]) {
      authorizeBody = body;
      await expect(fakeClient().authorize('tok', 'show version')).rejects.toThrow(SessiondResponseError);
      const res = await request(protectedApp(middleware)).get(WHOAMI).set('X-auth-token', 'tok');
      expect(res.status).toBe(503);
      expect((res.body as { code: string }).code).toBe('sessiond_unavailable');
    }
  });
});
