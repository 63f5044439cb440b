import {
  SessionStore,
  createRedisClient,
  waitUntilReady,
  type SessionPolicy,
  type SessionStoreOptions,
} from '@sessiond/session-store';
import type { Cluster, Redis } from 'ioredis';
import { createEventLog, createLogger } from '../../src/logger';
import { createMetrics, type SweeperMetrics } from '../../src/metrics';
import { createBullConnection, createStoreRedis, type RedisTarget } from '../../src/redis-connections';
import { createSweeper, totalDue, type Sweeper, type SweeperDeps } from '../../src/sweeper';

/** Where the sweeper and the store reach Redis: a URL, a cluster, or Sentinels; TLS files. */
export type Target = RedisTarget;

/** One JSON log line as the sweeper wrote it. */
export type LogLine = Record<string, unknown> & { msg: string };

/** A sweeper running in this process with its own connections, logs captured in memory. */
export interface TestSweeper {
  readonly sweeper: Sweeper;
  readonly store: SessionStore;
  readonly metrics: SweeperMetrics;
  readonly lines: LogLine[];
  /** Session ids of the `session.expired` events it logged, in order. */
  expiredIds(): string[];
  close(): Promise<void>;
}

export interface SweeperOptions extends Partial<
  Pick<SweeperDeps, 'intervalMs' | 'concurrency' | 'batch' | 'maxJobMs' | 'accounting'>
> {
  readonly keyPrefix: string;
  /** Start the workers right away (default true). */
  readonly start?: boolean;
}

export interface TestStoreOptions extends SessionStoreOptions {
  readonly keyPrefix: string;
  readonly buckets: number;
  readonly indexShards: number;
}

export function storeOptions(keyPrefix: string): TestStoreOptions {
  // Few buckets keep a suite fast; the code paths are the same for 64.
  return { keyPrefix, buckets: 8, indexShards: 4, operationTimeoutMs: 15_000 };
}

export async function startSweeper(target: Target, options: SweeperOptions): Promise<TestSweeper> {
  const lines: LogLine[] = [];
  const sink = {
    write: (line: string) => {
      lines.push(JSON.parse(line) as LogLine);
    },
  };
  const logger = createLogger('info', sink);
  const events = createEventLog('info', sink);
  const storeRedis = createStoreRedis(target);
  storeRedis.on('error', () => undefined);
  const bull = createBullConnection(target);
  bull.on('error', () => undefined);
  await waitUntilReady(storeRedis, 10_000);
  const store = new SessionStore(storeRedis, storeOptions(options.keyPrefix));
  const metrics = createMetrics(() => totalDue(store));
  const sweeper = createSweeper({
    store,
    connection: bull,
    keyPrefix: options.keyPrefix,
    intervalMs: options.intervalMs ?? 200,
    concurrency: options.concurrency ?? 2,
    batch: options.batch ?? 200,
    logger,
    events,
    metrics,
    accounting: options.accounting,
    ...(options.maxJobMs !== undefined ? { maxJobMs: options.maxJobMs } : {}),
    drainDelayS: 1,
  });
  try {
    if (options.start !== false) await sweeper.start();
  } catch (error) {
    await sweeper.close().catch(() => undefined);
    await Promise.allSettled([storeRedis.quit(), bull.quit()]);
    throw error;
  }
  let closed = false;
  return {
    sweeper,
    store,
    metrics,
    lines,
    expiredIds: () => lines.filter((l) => l.msg === 'session.expired').map((l) => String(l['session_id'])),
    async close() {
      if (closed) return;
      closed = true;
      await sweeper.close();
      await Promise.allSettled([storeRedis.quit(), bull.quit()]);
    },
  };
}

/** A store client for setting up sessions (the auth-api's side). */
export async function openStore(
  target: Target,
  keyPrefix: string,
  defaults: Partial<SessionPolicy> = {},
  extra: Partial<SessionStoreOptions> = {},
): Promise<{ store: SessionStore; redis: Redis | Cluster; close: () => Promise<void> }> {
  const redis = createRedisClient({ ...target, commandTimeoutMs: 10_000 });
  redis.on('error', () => undefined);
  await waitUntilReady(redis, 10_000);
  const store = new SessionStore(redis, {
    ...storeOptions(keyPrefix),
    ...extra,
    defaults: { limit: 0, ...defaults },
  });
  return { store, redis, close: async () => void (await redis.quit().catch(() => undefined)) };
}

/** Creates `count` sessions (one user per `perUser` sessions), 200 at a time; returns their ids. */
export async function createSessions(
  store: SessionStore,
  count: number,
  {
    user = 'user',
    perUser = 1,
    policy = {},
  }: { user?: string; perUser?: number; policy?: Partial<SessionPolicy> } = {},
): Promise<string[]> {
  const ids: string[] = new Array<string>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: 200 }, async () => {
      while (next < count) {
        const i = next;
        next += 1;
        const { session } = await store.create(
          {
            username: `${user}${Math.floor(i / perUser)}`,
            privLvl: 15,
            aaa: 'tacacs+',
            sourceIp: '192.0.2.10',
            userAgent: 'sweeper-test',
          },
          policy,
        );
        ids[i] = session.sessionId;
      }
    }),
  );
  return ids;
}

/** Ids seen more than once. */
export function duplicates(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const id of ids) (seen.has(id) ? twice : seen).add(id);
  return [...twice];
}

/** Members of every expiry-index shard and the per-bucket session counters, summed. */
export async function indexState(
  redis: Redis | Cluster,
  options: TestStoreOptions,
): Promise<{ indexed: number; counted: number }> {
  let indexed = 0;
  let counted = 0;
  for (let bucket = 0; bucket < options.buckets; bucket += 1) {
    // One pipeline per bucket: its keys share the bucket's hash tag (one cluster node).
    const pipeline = redis.pipeline();
    for (let shard = 0; shard < options.indexShards; shard += 1) {
      pipeline.zcard(`${options.keyPrefix}:{${bucket}}:e:${shard}`);
    }
    pipeline.get(`${options.keyPrefix}:{${bucket}}:n`);
    const replies = (await pipeline.exec()) ?? [];
    for (const [error, value] of replies.slice(0, -1)) {
      if (error !== null) throw error;
      indexed += Number(value);
    }
    counted += Number(replies.at(-1)?.[1] ?? 0);
  }
  return { indexed, counted };
}
