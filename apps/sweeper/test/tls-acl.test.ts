import {
  SecureRedis,
  createTestCertificates,
  sessiondPermissions,
  uniqueKeyPrefix,
  waitFor,
  type TestCertificates,
} from '@sessiond/test-utils';
import { spawnSweeper, type SweeperProcess } from './support/child';
import { createSessions, openStore, startSweeper, storeOptions, type Target } from './support/harness';

// Issue 12 item 4 for the sweeper: its store client and its BullMQ connection (and the workers'
// duplicates of it) reach a TLS-only redis-server as an ACL user, with REDIS_TLS_CA_FILE.
// The user has only what the README's example grants (sessiondPermissions), for prefixes `tls…`.
const USER = { username: 'sessiond-sweeper', password: 'sweeper acl pw', rules: sessiondPermissions('tls*') };

let certificates: TestCertificates;
let redis: SecureRedis;
let target: Target;
const running: SweeperProcess[] = [];

beforeAll(async () => {
  certificates = await createTestCertificates();
  redis = await SecureRedis.start({ certificates, user: USER });
  target = { url: redis.url, tls: { caFile: certificates.caFile } };
});

afterEach(async () => {
  for (const run of running.splice(0)) {
    run.child.kill('SIGKILL');
    await run.exited;
  }
});

afterAll(async () => {
  await redis?.destroy();
  certificates?.destroy();
});

describe('the sweeper over TLS with an ACL user', () => {
  it('the sweeper process (REDIS_URL=rediss://user:pw@…, REDIS_TLS_CA_FILE) sweeps expired sessions end to end', async () => {
    const prefix = uniqueKeyPrefix('tls');
    const options = storeOptions(prefix);
    const setup = await openStore(target, prefix);
    try {
      const created = await createSessions(setup.store, 50, { policy: { idleTimeoutMs: 200 } });
      const run = spawnSweeper({
        REDIS_URL: redis.url,
        REDIS_TLS_CA_FILE: certificates.caFile,
        REDIS_KEY_PREFIX: prefix,
        SESSION_STORE_BUCKETS: String(options.buckets),
        SESSION_STORE_INDEX_SHARDS: String(options.indexShards),
        SWEEP_INTERVAL_MS: '200',
        SWEEPER_PORT: '0',
      });
      running.push(run);
      await waitFor(() => run.expiredIds().length >= created.length, {
        timeoutMs: 60_000,
        message: `the sweeper process to report ${created.length} expiries (stderr: ${run.stderr()})`,
      });
      expect(new Set(run.expiredIds())).toEqual(new Set(created));
      // BullMQ's connections (queue, workers' blocking duplicates) are the ACL user's too.
      const names = String(await redis.command('CLIENT', 'LIST'))
        .split('\n')
        .filter((line) => line.includes('name=sessiond-sweeper'));
      expect(names.some((line) => line.includes('name=sessiond-sweeper-bullmq'))).toBe(true);
      expect(names.every((line) => line.includes(`user=${USER.username}`))).toBe(true);
    } finally {
      await setup.close();
    }
  });

  it('in-process: the BullMQ connection is the ACL user over TLS, and a sweep runs through it', async () => {
    const prefix = uniqueKeyPrefix('tls');
    const setup = await openStore(target, prefix);
    const sweeper = await startSweeper(target, { keyPrefix: prefix });
    try {
      const created = await createSessions(setup.store, 20, { policy: { idleTimeoutMs: 200 } });
      await waitFor(() => sweeper.expiredIds().length >= created.length, {
        timeoutMs: 30_000,
        message: `${created.length} expiries`,
      });
      expect(new Set(sweeper.expiredIds())).toEqual(new Set(created));
    } finally {
      await sweeper.close();
      await setup.close();
    }
  });

  it('a wrong password is named in the sweeper process log (WRONGPASS), and it never starts sweeping', async () => {
    const run = spawnSweeper({
      REDIS_URL: redis.url.replace(encodeURIComponent(USER.password), 'wrong'),
      REDIS_TLS_CA_FILE: certificates.caFile,
      SWEEPER_PORT: '0',
    });
    running.push(run);
    await waitFor(() => /WRONGPASS/.test(JSON.stringify(run.lines)) || /WRONGPASS/.test(run.stderr()), {
      timeoutMs: 30_000,
      message: `WRONGPASS in the sweeper's log (stderr: ${run.stderr()})`,
    });
    expect(run.lines.some((line) => line['msg'] === 'sessiond sweeper started')).toBe(false);
  });
});
