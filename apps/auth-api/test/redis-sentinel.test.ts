import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TacacsServer } from '@sessiond/tacacs-server';
import {
  RedisSentinelSet,
  createTestCertificates,
  freePort,
  waitFor,
  type TestCertificates,
} from '@sessiond/test-utils';
import { ApiClient, type LoginAnswer } from './support/api-client';
import { TACACS_KEY, TACACS_USERS } from './support/harness';
import { startApi, type RunningApi } from './support/process';

// Issue 12 item 2, end to end and as production runs it: the built auth-api finds the master through
// three Sentinels (REDIS_SENTINELS, REDIS_SENTINEL_MASTER, REDIS_SENTINEL_PASSWORD_FILE), over TLS
// (rediss://, REDIS_TLS_CA_FILE) as an ACL user. The master is killed; Sentinel promotes the replica;
// the same process takes logins again and its management /readyz names the new master.
const USER = { username: 'sessiond', password: 'data-node-pw' };
const SENTINEL_PASSWORD = 'sentinel pw';

let certificates: TestCertificates;
let set: RedisSentinelSet;
let tacacs: TacacsServer;
let dir: string;
let api: RunningApi | undefined;

beforeAll(async () => {
  certificates = await createTestCertificates();
  set = await RedisSentinelSet.start({ user: USER, sentinelPassword: SENTINEL_PASSWORD, certificates });
  tacacs = new TacacsServer({ key: TACACS_KEY, users: { users: TACACS_USERS } });
  await tacacs.listen();
  dir = mkdtempSync(join(tmpdir(), 'sessiond-sentinel-api-'));
});

afterAll(async () => {
  api?.child.kill('SIGKILL');
  await api?.exited;
  await tacacs?.close();
  await set?.destroy();
  certificates?.destroy();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('the auth-api process through Redis Sentinel, over TLS with ACL users', () => {
  it('follows a failover by itself: logins work on the promoted replica and /readyz names it', async () => {
    const passwordFile = join(dir, 'sentinel-password');
    writeFileSync(passwordFile, `${SENTINEL_PASSWORD}\n`, { mode: 0o600 });
    const port = String(await freePort());
    const management = String(await freePort());
    api = await startApi({
      PORT: port,
      HOST: '127.0.0.1',
      MANAGEMENT_PORT: management,
      AAA_METHODS: 'tacacs',
      TACACS_SERVERS: `127.0.0.1:${tacacs.port}`,
      TACACS_SECRET: TACACS_KEY,
      // Its host resolves nowhere: under Sentinel only its user, password, database and scheme count.
      REDIS_URL: set.url,
      REDIS_SENTINELS: set.sentinelList,
      REDIS_SENTINEL_MASTER: set.masterName,
      REDIS_SENTINEL_PASSWORD_FILE: passwordFile,
      REDIS_TLS_CA_FILE: certificates.caFile,
    });
    const client = new ApiClient(`http://127.0.0.1:${port}`, `http://127.0.0.1:${management}`);
    const [first] = set.nodes;
    expect(await client.readyz()).toMatchObject({
      status: 200,
      body: {
        status: 'ready',
        redis: { status: 'up', mode: 'sentinel', master: `127.0.0.1:${first?.port}` },
      },
    });
    const before = await client.login('alice', 'alice-pw');
    expect(before.status).toBe(200);
    await set.waitUntilReplicated(first);

    await first?.stop('SIGKILL');
    const promoted = await set.waitForMaster((node) => node !== first);
    // While the failover runs, logins are refused with 503 (never 500 or 401); then they work again.
    const answers: LoginAnswer[] = [];
    await waitFor(
      async () => {
        const answer = await client.login('alice', 'alice-pw');
        answers.push(answer);
        return answer.status === 200;
      },
      { timeoutMs: 30_000, intervalMs: 100, message: 'a login on the promoted master' },
    );
    expect(answers.filter((a) => a.status !== 200 && a.status !== 503)).toEqual([]);
    const after = answers.at(-1);
    expect(await client.validate(after?.token ?? '', after?.sessionId ?? '')).toBe(200);
    // The session issued before the failover had reached the replica: it still validates.
    expect(await client.validate(before.token ?? '', before.sessionId ?? '')).toBe(200);
    expect(await client.readyz()).toMatchObject({
      status: 200,
      body: { redis: { status: 'up', mode: 'sentinel', master: `127.0.0.1:${promoted.port}` } },
    });
  });
});
