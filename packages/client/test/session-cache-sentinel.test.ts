import { SessionStore, createRedisClient, currentMaster, waitUntilReady } from '@sessiond/session-store';
import { RedisSentinelSet, uniqueKeyPrefix, waitFor } from '@sessiond/test-utils';
import { createDirectValidator, type DirectValidator } from '../src/direct';
import { warmCache } from './support/warm-cache';

// The session cache through Redis Sentinel: its tracking pair follows the master the Sentinels name.
// After a failover (SIGKILL of the master) the cache is dropped, tracking comes back on the promoted
// master, and revocations written there reach the cache.
const USER = { username: 'sessiond', password: 'data-node-pw' };
const SENTINEL_PASSWORD = 'sentinel-pw';

let set: RedisSentinelSet;
let validator: DirectValidator;
let writer: ReturnType<typeof createRedisClient>;

beforeAll(async () => {
  set = await RedisSentinelSet.start({ user: USER, sentinelPassword: SENTINEL_PASSWORD });
});

afterAll(async () => {
  await validator?.close();
  writer?.disconnect();
  await set?.destroy();
});

const alice = { username: 'alice', privLvl: 15, aaa: 'local', sourceIp: '10.0.0.1' };

const warm = (token: string): Promise<void> =>
  warmCache(validator, token, { timeoutMs: 30_000, intervalMs: 20 });

describe('the session cache through Redis Sentinel', () => {
  it('follows a failover: dropped, then tracking on the promoted master, revocations seen there', async () => {
    const sentinel = {
      sentinels: set.sentinels.map(({ host, port }) => ({ host, port })),
      masterName: set.masterName,
      password: SENTINEL_PASSWORD,
    };
    const keyPrefix = uniqueKeyPrefix('sentinel');
    writer = createRedisClient({ url: set.url, sentinel, commandTimeoutMs: 2000 });
    writer.on('error', () => undefined);
    await waitUntilReady(writer, 10_000);
    const store = new SessionStore(writer, { keyPrefix, operationTimeoutMs: 3000 });
    validator = createDirectValidator({
      mode: 'direct',
      redis: { url: set.url, sentinel, keyPrefix, commandTimeoutMs: 2000, operationTimeoutMs: 3000 },
    });
    await validator.ready(10_000);
    await waitFor(() => validator.sessionCache()?.live === true, { message: 'tracking to be on' });

    const before = await store.create(alice);
    await warm(before.token);
    await set.waitUntilReplicated(set.nodes[0]);
    const resets = validator.sessionCache()?.resets ?? 0;

    await set.nodes[0]?.stop('SIGKILL');
    const promoted = await set.waitForMaster((node) => node !== set.nodes[0]);
    await waitFor(() => (validator.sessionCache()?.resets ?? 0) > resets, {
      message: 'the cache to be dropped',
    });
    await waitFor(
      async () => {
        const master = currentMaster(writer);
        return (
          validator.sessionCache()?.live === true &&
          master?.port === promoted.port &&
          (await validator.validate(before.token).then(
            (v) => v.valid,
            () => false,
          ))
        );
      },
      { timeoutMs: 30_000, intervalMs: 100, message: 'tracking on the promoted master' },
    );

    await warm(before.token);
    await store.revoke(before.session.sessionId);
    await waitFor(async () => !(await validator.validate(before.token)).valid, {
      timeoutMs: 1000,
      intervalMs: 1,
      message: 'the revocation on the promoted master to reach the cache',
    });
    expect(await validator.validate(before.token)).toEqual({ valid: false, code: 'token_revoked' });
  });
});
