import { Cluster } from 'ioredis';
import { SessionStore } from '@sessiond/session-store';
import { RedisCluster, uniqueKeyPrefix } from '@sessiond/test-utils';
import { alice, storeBehaviour } from './support/behaviour';
import { BEHAVIOUR_TIMEOUT_MS, connect } from './support/connect';

let cluster: RedisCluster;
let client: Cluster;

beforeAll(async () => {
  cluster = await RedisCluster.start({ masters: 3 });
  const connected = await connect({ nodes: cluster.nodes }, BEHAVIOUR_TIMEOUT_MS);
  if (!(connected instanceof Cluster)) throw new Error('expected a cluster client');
  client = connected;
});

afterAll(async () => {
  client.disconnect();
  await cluster.destroy();
});

describe('SessionStore on a 3-master Redis Cluster', () => {
  storeBehaviour(() => client);

  it('spreads users over every master (each user’s keys in one slot, no CROSSSLOT)', async () => {
    const prefix = uniqueKeyPrefix();
    const store = new SessionStore(client, { keyPrefix: prefix });
    await Promise.all(Array.from({ length: 60 }, (_, i) => store.create({ ...alice, username: `u${i}` })));
    const perMaster = await Promise.all(client.nodes('master').map((node) => node.keys(`${prefix}*`)));
    expect(perMaster.every((keys) => keys.length > 0)).toBe(true);
  });
});
