import { RedisSentinelSet, uniqueKeyPrefix, waitFor } from '@sessiond/test-utils';
import { createSessions, duplicates, openStore, startSweeper, type Target } from './support/harness';

// Issue 12 item 2 for the sweeper: its store client and BullMQ (queues, workers and their blocking
// duplicates) find the master through the Sentinels, and follow a failover without a restart.
const USER = { username: 'sessiond', password: 'data-node-pw' };
const SENTINEL_PASSWORD = 'sentinel-pw';

let set: RedisSentinelSet;
let target: Target;

beforeAll(async () => {
  set = await RedisSentinelSet.start({ user: USER, sentinelPassword: SENTINEL_PASSWORD });
  target = {
    url: set.url,
    sentinel: { sentinels: set.sentinels, masterName: set.masterName, password: SENTINEL_PASSWORD },
  };
});

afterAll(async () => {
  await set?.destroy();
});

describe('the sweeper through Redis Sentinel', () => {
  it('sweeps on the master, and after the master is killed sweeps on the promoted replica, same sweeper', async () => {
    const prefix = uniqueKeyPrefix('sentinel');
    const setup = await openStore(target, prefix);
    const sweeper = await startSweeper(target, { keyPrefix: prefix });
    try {
      const before = await createSessions(setup.store, 20, {
        user: 'before',
        policy: { idleTimeoutMs: 200 },
      });
      await waitFor(() => sweeper.expiredIds().length >= before.length, {
        timeoutMs: 30_000,
        message: 'the expiries before the failover',
      });
      const [first] = set.nodes;
      // The sweep's effects and BullMQ's scheduler are on the replica before the master dies.
      await set.waitUntilReplicated(first);

      await first?.stop('SIGKILL');
      await set.waitForMaster((node) => node !== first);
      // The setup client refuses while it reconnects: wait until the new master takes its writes.
      await waitFor(async () => (await setup.redis.set(`${prefix}:probe`, '1')) === 'OK', {
        timeoutMs: 30_000,
        intervalMs: 100,
        message: 'the setup client to write to the promoted master',
      });
      const after = await createSessions(setup.store, 20, { user: 'after', policy: { idleTimeoutMs: 200 } });
      await waitFor(() => after.every((id) => sweeper.expiredIds().includes(id)), {
        timeoutMs: 60_000,
        message: 'the sweeper to sweep on the promoted master',
      });
      expect(duplicates(sweeper.expiredIds())).toEqual([]);
      expect(new Set(sweeper.expiredIds())).toEqual(new Set([...before, ...after]));
    } finally {
      await sweeper.close();
      await setup.close();
    }
  });
});
