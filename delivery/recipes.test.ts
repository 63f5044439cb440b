import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TacacsServer } from '@sessiond/tacacs-server';
import {
  RedisServer,
  freePort,
  startSilentServer,
  uniqueKeyPrefix,
  type SilentServer,
} from '@sessiond/test-utils';
import { ROOT, baseEnv, runToEnd, startAuthApi, stop, type AuthApi } from './support/processes';

// docs/recipes: the Java and Python client programs, compiled and run as their READMEs say, against
// real auth-api processes (real redis-server, the project's TACACS+ server; AAA_METHODS=tacacs) and
// asserted from what they print. Needs Debian's openjdk-17-jdk-headless and python3-requests.

const JAVA_DIR = join(ROOT, 'docs', 'recipes', 'java');
const PYTHON_SCRIPT = join(ROOT, 'docs', 'recipes', 'python', 'sessiond_recipe.py');
// Debian's interpreter, not a pyenv shim or a virtualenv: the recipe says python3-requests.
const PYTHON = '/usr/bin/python3';
const TACACS_KEY = 'delivery-recipes-shared-secret';
const PASSWORD = 'right-pw';
const LANGUAGES = ['java', 'python'] as const;
type Language = (typeof LANGUAGES)[number];

/** Each language gets its own users, so the session limit and login throttle of one never meet the other. */
const user = (language: Language, role: string): string => `${role}-${language}`;

let redis: RedisServer | undefined;
let tacacs: TacacsServer | undefined;
let silent: SilentServer | undefined;
let api: AuthApi | undefined;
let silentApi: AuthApi | undefined;
let refusedApi: AuthApi | undefined;
let javaClasses = '';
const dirs: string[] = [];

beforeAll(async () => {
  const javac = await runToEnd('javac', ['-version'], baseEnv()).catch(() => undefined);
  const requests = await runToEnd(PYTHON, ['-I', '-c', 'import requests'], baseEnv()).catch(() => undefined);
  if (javac?.code !== 0 || requests?.code !== 0) {
    throw new Error(
      'the recipe tests need a JDK 17 and Debian python3 with requests: sudo apt-get install openjdk-17-jdk-headless python3-requests',
    );
  }
  javaClasses = mkdtempSync(join(tmpdir(), 'sessiond-java-recipe-'));
  dirs.push(javaClasses);
  const sources = readdirSync(JAVA_DIR)
    .filter((f) => f.endsWith('.java'))
    .map((f) => join(JAVA_DIR, f));
  const compiled = await runToEnd(
    'javac',
    ['--release', '17', '-Xlint:all', '-Werror', '-d', javaClasses, ...sources],
    baseEnv(),
  );
  if (compiled.code !== 0) throw new Error(`javac failed:\n${compiled.stdout}${compiled.stderr}`);

  redis = await RedisServer.start();
  tacacs = new TacacsServer({
    key: TACACS_KEY,
    users: {
      users: LANGUAGES.flatMap((language) =>
        ['user', 'reuser', 'full', 'typo', 'throttled'].map((role) => ({
          username: user(language, role),
          password: PASSWORD,
          'priv-lvl': 15,
        })),
      ),
    },
  });
  await tacacs.listen();
  silent = await startSilentServer();
  const common = {
    REDIS_URL: redis.url,
    TACACS_SECRET: TACACS_KEY,
    AAA_METHODS: 'tacacs',
    LOGIN_MAX_FAILURES: '3',
    LOG_LEVEL: 'info',
  };
  const down = { AAA_TIMEOUT_MS: '300', AAA_RETRIES: '0', TACACS_HOLD_DOWN_MS: '0' };
  [api, silentApi, refusedApi] = await Promise.all([
    startAuthApi({
      ...common,
      REDIS_KEY_PREFIX: uniqueKeyPrefix('recipes'),
      TACACS_SERVERS: `127.0.0.1:${tacacs.port}`,
    }),
    startAuthApi({
      ...common,
      ...down,
      REDIS_KEY_PREFIX: uniqueKeyPrefix('silent'),
      TACACS_SERVERS: `127.0.0.1:${silent.port}`,
    }),
    // Nothing listens on this port: connections are refused.
    startAuthApi({
      ...common,
      ...down,
      REDIS_KEY_PREFIX: uniqueKeyPrefix('refused'),
      TACACS_SERVERS: `127.0.0.1:${await freePort()}`,
    }),
  ]);
});

afterAll(async () => {
  const codes = await Promise.all([stop(api), stop(silentApi), stop(refusedApi)]);
  await tacacs?.close();
  await silent?.close();
  await redis?.destroy();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  // Each auth-api that started stops cleanly on SIGTERM.
  expect(codes.filter((c) => c !== undefined)).toEqual(codes.filter((c) => c !== undefined).map(() => 0));
});

function running(server: AuthApi | undefined): AuthApi {
  if (server === undefined) throw new Error('the test stack did not start');
  return server;
}

/** Runs a recipe as its README says, with the password (and a saved token) in the environment. */
async function recipe(
  language: Language,
  server: AuthApi | undefined,
  username: string,
  env: { password?: string; token?: string } = {},
): Promise<{ code: number | null; output: string }> {
  const childEnv = {
    ...baseEnv(),
    SESSIOND_PASSWORD: env.password ?? PASSWORD,
    ...(env.token !== undefined ? { SESSIOND_TOKEN: env.token } : {}),
  };
  const base = running(server).url;
  const result =
    language === 'java'
      ? await runToEnd('java', ['-cp', javaClasses, 'SessiondRecipe', base, username], childEnv)
      : await runToEnd(PYTHON, ['-I', PYTHON_SCRIPT, base, username], childEnv);
  return { code: result.code, output: result.stdout + result.stderr };
}

const loginUrl = (): string => `${running(api).url}/api/v1/auth/token-services`;
const basic = (username: string, password = PASSWORD): string =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

function loginsOf(username: string): Record<string, unknown>[] {
  return running(api)
    .audits()
    .filter((a) => a['event'] === 'login' && a['username'] === username);
}

describe.each(LANGUAGES)('the %s recipe', (language) => {
  it('logs in once, uses the one token for several requests, and logs out', async () => {
    const username = user(language, 'user');
    const { code, output } = await recipe(language, api, username);
    expect({ code, output }).toEqual({ code: 0, output: expect.any(String) as string });
    const sessionId = /logged in as \S+: session ([\w-]+), idle timeout 00:15:00/.exec(output)?.[1];
    expect(sessionId).toBeDefined();
    expect(output).toContain(`${username} has 1 live session(s)`);
    expect(output).toContain(`session ${sessionId}: from 127.0.0.1 (sessiond-${language}-recipe), last used`);
    expect(output).toContain(`logged out: session ${sessionId}`);
    // One login for all its requests, and its session is gone afterwards.
    expect(loginsOf(username).map((a) => a['code'])).toEqual(['ok']);
    const audits = running(api).audits();
    expect(audits.filter((a) => a['event'] === 'logout' && a['username'] === username)).toHaveLength(1);
    const login = await fetch(loginUrl(), { method: 'POST', headers: { Authorization: basic(username) } });
    const token = ((await login.json()) as Record<string, string>)['token-id'] ?? '';
    const list = (await (await fetch(loginUrl(), { headers: { 'X-auth-token': token } })).json()) as {
      items: unknown[];
    };
    expect(list.items).toHaveLength(1);
    await fetch(loginUrl(), { method: 'DELETE', headers: { 'X-auth-token': token } });
  });

  it('logs in again when a saved token was revoked (token_revoked)', async () => {
    const username = user(language, 'reuser');
    const login = await fetch(loginUrl(), { method: 'POST', headers: { Authorization: basic(username) } });
    const saved = (await login.json()) as Record<string, string>;
    const logout = await fetch(`${loginUrl()}/${saved['session-id']}`, {
      method: 'DELETE',
      headers: { 'X-auth-token': saved['token-id'] ?? '' },
    });
    expect(logout.status).toBe(204);

    const { code, output } = await recipe(language, api, username, { token: saved['token-id'] ?? '' });
    expect({ code, output }).toEqual({ code: 0, output: expect.any(String) as string });
    expect(output).toContain('reusing the saved token');
    expect(output).toMatch(/token_revoked: .*; logging in again/);
    expect(output).toMatch(/logged out: session [\w-]+/);
  });

  it('invalid_credentials: says so and does not retry (one failed login, not four)', async () => {
    const username = user(language, 'typo');
    const { code, output } = await recipe(language, api, username, { password: 'wrong-pw' });
    expect(code).toBe(1);
    expect(output).toContain(`invalid_credentials: wrong username or password for ${username}; not retrying`);
    expect(loginsOf(username).map((a) => a['code'])).toEqual(['invalid_credentials']);
  });

  it('login_throttled: after LOGIN_MAX_FAILURES wrong passwords, with Retry-After', async () => {
    const username = user(language, 'throttled');
    for (let i = 0; i < 3; i += 1) {
      expect((await recipe(language, api, username, { password: 'wrong-pw' })).output).toContain(
        'invalid_credentials',
      );
    }
    const { code, output } = await recipe(language, api, username);
    expect(code).toBe(1);
    expect(output).toMatch(
      new RegExp(
        `login_throttled: too many failed logins for ${username} from this address; retry after \\d+ s`,
      ),
    );
  });

  it('session_limit_reached: lists the live sessions and Retry-After', async () => {
    const username = user(language, 'full');
    for (let i = 0; i < 5; i += 1) {
      const res = await fetch(loginUrl(), {
        method: 'POST',
        headers: { Authorization: basic(username), 'User-Agent': `other-client-${i}` },
      });
      expect(res.status).toBe(200);
    }
    const { code, output } = await recipe(language, api, username);
    expect(code).toBe(1);
    expect(output).toMatch(
      new RegExp(
        `session_limit_reached: ${username} holds 5 live sessions \\(limit 5\\); retry after \\d+ s, or log one of them out:`,
      ),
    );
    for (let i = 0; i < 5; i += 1) {
      expect(output).toMatch(
        new RegExp(`\\n  [\\w-]+ from 127\\.0\\.0\\.1 \\(other-client-${i}\\), last used \\S+`),
      );
    }
  });

  it('aaa_unavailable: a TACACS+ server that accepts and stays silent (timeout), with Retry-After', async () => {
    const { code, output } = await recipe(language, silentApi, user(language, 'user'));
    expect(code).toBe(1);
    expect(output).toMatch(/aaa_unavailable: the AAA server could not answer \(timeout\); retry after \d+ s/);
  });

  it('aaa_unavailable: a TACACS+ server that refuses connections (unreachable), with Retry-After', async () => {
    const { code, output } = await recipe(language, refusedApi, user(language, 'user'));
    expect(code).toBe(1);
    expect(output).toMatch(
      /aaa_unavailable: the AAA server could not answer \(unreachable\); retry after \d+ s/,
    );
  });
});
