import { externalRedisUrl } from './env';
import { RedisServer } from './redis-server';

export interface TestRedis {
  readonly url: string;
  /** Stops the server when the helper started it; leaves an external REDIS_URL server alone. */
  destroy(): Promise<void>;
}

/** The single Redis a suite uses: REDIS_URL when set, else a fresh redis-server on a free port. */
export async function redisForTests(): Promise<TestRedis> {
  const external = externalRedisUrl();
  if (external !== undefined) return { url: external, destroy: () => Promise.resolve() };
  const server = await RedisServer.start();
  return { url: server.url, destroy: () => server.destroy() };
}
