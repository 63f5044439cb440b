import { RedisCluster, uniqueKeyPrefix } from '@sessiond/test-utils';
import { duplicates } from './support/harness';
import { sweepWithWorkers } from './support/scenarios';

describe('exactly once on a 3-master Redis Cluster', () => {
  let cluster: RedisCluster;

  beforeAll(async () => {
    cluster = await RedisCluster.start({ masters: 3 });
  });

  afterAll(async () => {
    await cluster.destroy();
  });

  it('10,000 sessions expire and 3 workers sweep at once: each is reported exactly once, the indexes end empty', async () => {
    const [first] = cluster.nodes;
    const { created, perWorker, index, sweptMetric } = await sweepWithWorkers(
      { url: `redis://${first?.host}:${first?.port}`, clusterNodes: cluster.nodes },
      uniqueKeyPrefix('sweep'),
      { sessions: 10_000, workers: 3 },
    );
    const reported = perWorker.flat();
    expect(duplicates(reported)).toEqual([]);
    expect(reported).toHaveLength(10_000);
    expect(new Set(reported)).toEqual(new Set(created));
    expect(perWorker.filter((ids) => ids.length > 0).length).toBeGreaterThan(1);
    expect(sweptMetric).toBe(10_000);
    expect(index).toEqual({ indexed: 0, counted: 0 });
  });
});
