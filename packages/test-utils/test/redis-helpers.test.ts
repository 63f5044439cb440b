import { Cluster, Redis } from 'ioredis';
import {
  MissingBinaryError,
  RedisCluster,
  RedisServer,
  findBinary,
  uniqueKeyPrefix,
} from '@sessiond/test-utils';

describe('findBinary', () => {
  it('fails with an install hint instead of skipping when a binary is missing', () => {
    expect(() => findBinary('sessiond-no-such-binary', '/nonexistent')).toThrow(MissingBinaryError);
    expect(() => findBinary('sessiond-no-such-binary', '/nonexistent')).toThrow(
      /apt-get install redis-server/,
    );
  });
});

describe('uniqueKeyPrefix', () => {
  it('never repeats', () => {
    const prefixes = new Set(Array.from({ length: 1000 }, () => uniqueKeyPrefix()));
    expect(prefixes.size).toBe(1000);
  });
});

describe('RedisServer', () => {
  it('starts on a free port, stops, and comes back with its append-only data', async () => {
    const server = await RedisServer.start({ appendOnly: true });
    try {
      const redis = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
      await redis.connect();
      await redis.set('k', 'v');
      redis.disconnect();
      await server.stop();
      expect(server.running).toBe(false);
      await server.resume();
      const again = new Redis(server.url);
      await expect(again.get('k')).resolves.toBe('v');
      again.disconnect();
    } finally {
      await server.destroy();
    }
  });
});

describe('RedisCluster', () => {
  it('starts three masters that serve every slot', async () => {
    const cluster = await RedisCluster.start();
    try {
      expect(cluster.nodes).toHaveLength(3);
      const client = new Cluster(cluster.nodes);
      const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
      await Promise.all(keys.map((k) => client.set(k, k)));
      const masters = client.nodes('master');
      expect(masters).toHaveLength(3);
      const counts = await Promise.all(masters.map((node) => node.dbsize()));
      expect(counts.every((n) => n > 0)).toBe(true);
      await client.quit();
    } finally {
      await cluster.destroy();
    }
  });
});
