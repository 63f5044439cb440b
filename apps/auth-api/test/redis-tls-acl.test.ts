import { TacacsServer } from '@sessiond/tacacs-server';
import {
  SecureRedis,
  createTestCertificates,
  freePort,
  sessiondPermissions,
  uniqueKeyPrefix,
  waitFor,
  type TestCertificates,
} from '@sessiond/test-utils';
import { ApiClient } from './support/api-client';
import { TACACS_KEY, TACACS_USERS } from './support/harness';
import { startApi, type RunningApi } from './support/process';

// Issue 12 item 4, end to end: the built auth-api process reaches a TLS-only redis-server
// (`--port 0 --tls-port`, a private CA) as an ACL user with a password, configured as in production.
// The user has only what the README's example grants (sessiondPermissions), for prefixes `tls…`.
const USER = {
  username: 'sessiond-api',
  password: 'api acl: pw/with%chars',
  rules: sessiondPermissions('tls*'),
};

let certificates: TestCertificates;
let redis: SecureRedis;
let tacacs: TacacsServer;
const running: RunningApi[] = [];

beforeAll(async () => {
  certificates = await createTestCertificates();
  redis = await SecureRedis.start({ certificates, user: USER, requireClientCertificate: true });
  tacacs = new TacacsServer({ key: TACACS_KEY, users: { users: TACACS_USERS } });
  await tacacs.listen();
});

afterEach(async () => {
  for (const api of running.splice(0)) {
    api.child.kill('SIGKILL');
    await api.exited;
  }
});

afterAll(async () => {
  await tacacs?.close();
  await redis?.destroy();
  certificates?.destroy();
});

async function start(env: Record<string, string>, waitListening = true): Promise<RunningApi> {
  const api = await startApi(
    {
      HOST: '127.0.0.1',
      REDIS_KEY_PREFIX: uniqueKeyPrefix('tls'),
      AAA_METHODS: 'tacacs',
      TACACS_SERVERS: `127.0.0.1:${tacacs.port}`,
      TACACS_SECRET: TACACS_KEY,
      ...env,
    },
    { waitListening },
  );
  running.push(api);
  return api;
}

describe('the auth-api process over TLS with an ACL user', () => {
  it('logs in and validates a token (rediss://user:pw@…, REDIS_TLS_CA_FILE, client certificate)', async () => {
    const port = String(await freePort());
    const management = String(await freePort());
    await start({
      PORT: port,
      MANAGEMENT_PORT: management,
      REDIS_URL: redis.url,
      REDIS_TLS_CA_FILE: certificates.caFile,
      REDIS_TLS_CERT_FILE: certificates.clientCertFile,
      REDIS_TLS_KEY_FILE: certificates.clientKeyFile,
    });
    const client = new ApiClient(`http://127.0.0.1:${port}`, `http://127.0.0.1:${management}`);
    const login = await client.login('alice', 'alice-pw');
    expect(login).toMatchObject({ status: 200 });
    expect(await client.validate(login.token ?? '', login.sessionId ?? '')).toBe(200);
    expect(await client.readyz()).toMatchObject({
      status: 200,
      body: { status: 'ready', redis: { status: 'up', mode: 'single' } },
    });
    // The session is in that Redis, written by the ACL user over TLS.
    const clients = String(await redis.command('CLIENT', 'LIST'));
    expect(clients).toMatch(new RegExp(`name=sessiond-auth-api .*user=${USER.username}`));
  });

  it('with a wrong password: not ready, logins 503 (never 401 or 500), and the log says WRONGPASS', async () => {
    const port = String(await freePort());
    const management = String(await freePort());
    const api = await start({
      PORT: port,
      MANAGEMENT_PORT: management,
      REDIS_URL: redis.url.replace(encodeURIComponent(USER.password), 'wrong'),
      REDIS_TLS_CA_FILE: certificates.caFile,
      REDIS_TLS_CERT_FILE: certificates.clientCertFile,
      REDIS_TLS_KEY_FILE: certificates.clientKeyFile,
    });
    const client = new ApiClient(`http://127.0.0.1:${port}`, `http://127.0.0.1:${management}`);
    expect(await client.login('alice', 'alice-pw')).toMatchObject({
      status: 503,
      code: 'session_store_unavailable',
    });
    expect(await client.readyz()).toMatchObject({ status: 503, body: { redis: { status: 'down' } } });
    await waitFor(
      () =>
        api.stdout.some((line) =>
          /redis connection error.*WRONGPASS|WRONGPASS.*redis connection error/.test(line),
        ),
      {
        timeoutMs: 15_000,
        message: 'a WRONGPASS warning in the log',
      },
    );
  });

  it('refuses to start when REDIS_TLS_CA_FILE is set without a rediss:// REDIS_URL (exit 2, naming it)', async () => {
    const api = await start(
      {
        PORT: String(await freePort()),
        REDIS_URL: redis.url.replace(/^rediss:/, 'redis:'),
        REDIS_TLS_CA_FILE: certificates.caFile,
      },
      false,
    );
    expect(await api.exited).toBe(2);
    expect(api.stderr.join('')).toMatch(/REDIS_TLS_CA_FILE: needs a rediss:\/\/ REDIS_URL/);
    expect(api.stderr.join('')).not.toContain(USER.password);
  });
});
