import { redisForTests, uniqueKeyPrefix, type TestRedis } from '@sessiond/test-utils';
import { duplicates } from './support/harness';
import { sweepWithWorkers } from './support/scenarios';

describe('exactly once on a single Redis', () => {
  let redis: TestRedis;

  beforeAll(async () => {
    redis = await redisForTests();
  });

  afterAll(async () => {
    await redis.destroy();
  });

  it('10,000 sessions expire and 3 workers sweep at once: each is reported exactly once, the indexes end empty', async () => {
    const { created, perWorker, index, sweptMetric } = await sweepWithWorkers(
      { url: redis.url },
      uniqueKeyPrefix('sweep'),
      { sessions: 10_000, workers: 3 },
    );
    const reported = perWorker.flat();
    expect(duplicates(reported)).toEqual([]);
    expect(reported).toHaveLength(10_000);
    expect(new Set(reported)).toEqual(new Set(created));
    // The work was shared: more than one worker reported expiries.
    expect(perWorker.filter((ids) => ids.length > 0).length).toBeGreaterThan(1);
    expect(sweptMetric).toBe(10_000);
    expect(index).toEqual({ indexed: 0, counted: 0 });
  });
});
