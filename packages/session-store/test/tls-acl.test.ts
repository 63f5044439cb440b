import { createRedisClient, SessionStore, waitUntilReady, type RedisTlsFiles } from '@sessiond/session-store';
import {
  SecureRedis,
  createTestCertificates,
  uniqueKeyPrefix,
  waitFor,
  type TestCertificates,
} from '@sessiond/test-utils';
import type { Cluster, Redis } from 'ioredis';
import { alice } from './support/behaviour';

// Issue 12 item 4: Redis reached as production does over a network, an ACL user with a password
// (the default user off) and TLS only (`--port 0 --tls-port`), with a private CA. Real redis-server.
const USER = { username: 'sessiond', password: 'acl pw: with spaces & symbols/%' };

let certificates: TestCertificates;
let redis: SecureRedis;
let mutualTls: SecureRedis;
const clients: (Redis | Cluster)[] = [];

beforeAll(async () => {
  certificates = await createTestCertificates();
  redis = await SecureRedis.start({ certificates, user: USER });
  mutualTls = await SecureRedis.start({ certificates, user: USER, requireClientCertificate: true });
});

afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

afterAll(async () => {
  await Promise.all([redis?.destroy(), mutualTls?.destroy()]);
  certificates?.destroy();
});

/** A client as the apps build it (createRedisClient); its last connection error is kept. */
function client(url: string, tls?: RedisTlsFiles): { redis: Redis | Cluster; lastError: () => string } {
  const created = createRedisClient({ url, ...(tls !== undefined ? { tls } : {}) });
  clients.push(created);
  let last = '';
  created.on('error', (error: Error) => {
    last = error.message;
  });
  return { redis: created, lastError: () => last };
}

/** Waits for the client's first connection error (it keeps retrying): what an operator reads in the log. */
async function failureOf(c: ReturnType<typeof client>): Promise<string> {
  await waitFor(() => c.lastError() !== '', { timeoutMs: 10_000, message: 'a connection error' });
  expect(c.redis.status).not.toBe('ready');
  return c.lastError();
}

describe('the store over TLS with an ACL user (rediss://user:password@host:port, REDIS_TLS_CA_FILE)', () => {
  it('creates, validates and revokes sessions', async () => {
    const { redis: connection } = client(redis.url, { caFile: certificates.caFile });
    await waitUntilReady(connection, 10_000);
    const store = new SessionStore(connection, { keyPrefix: uniqueKeyPrefix('tls') });
    const { token, session } = await store.create(alice);
    await expect(store.validate(token)).resolves.toMatchObject({ valid: true });
    await store.revoke(session.sessionId);
    await expect(store.validate(token)).resolves.toMatchObject({ valid: false });
    // The server really is TLS with ACL: this connection is the ACL user, over TLS.
    expect(await connection.call('ACL', 'WHOAMI')).toBe(USER.username);
    expect(await connection.config('GET', 'port')).toEqual(['port', '0']);
  });

  it('a client certificate (REDIS_TLS_CERT_FILE, REDIS_TLS_KEY_FILE) where Redis requires one', async () => {
    const { redis: connection } = client(mutualTls.url, {
      caFile: certificates.caFile,
      certFile: certificates.clientCertFile,
      keyFile: certificates.clientKeyFile,
    });
    await waitUntilReady(connection, 10_000);
    const store = new SessionStore(connection, { keyPrefix: uniqueKeyPrefix('mtls') });
    const { token } = await store.create(alice);
    await expect(store.validate(token)).resolves.toMatchObject({ valid: true });
  });

  it('a wrong password fails clearly (WRONGPASS), never as a timeout', async () => {
    const wrong = redis.url.replace(encodeURIComponent(USER.password), 'not-the-password');
    expect(await failureOf(client(wrong, { caFile: certificates.caFile }))).toMatch(/WRONGPASS/);
  });

  it('without the CA, or with another CA, the handshake fails: the server is not trusted', async () => {
    expect(await failureOf(client(redis.url))).toMatch(/self[- ]signed certificate|unable to verify/i);
    expect(await failureOf(client(redis.url, { caFile: certificates.otherCaFile }))).toMatch(
      /self[- ]signed certificate|unable to verify/i,
    );
  });

  it('without a client certificate where Redis requires one, the connection is refused', async () => {
    expect(await failureOf(client(mutualTls.url, { caFile: certificates.caFile }))).not.toBe('');
  });

  it('plain redis:// to the TLS port fails', async () => {
    expect(await failureOf(client(redis.url.replace(/^rediss:/, 'redis:')))).not.toBe('');
  });
});
