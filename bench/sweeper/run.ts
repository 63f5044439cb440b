import { SessionStore, createRedisClient, waitUntilReady, type SessionPolicy } from '@sessiond/session-store';
import {
  createBullConnection,
  createEventLog,
  createLogger,
  createMetrics,
  createStoreRedis,
  createSweeper,
  totalDue,
  STORE_OPERATION_TIMEOUT_MS,
} from '@sessiond/sweeper';
import { RedisServer, sleep } from '@sessiond/test-utils';
import type { Cluster, Redis } from 'ioredis';
import pino from 'pino';
import { inBatches } from '../common/load';
import { machineLine, markdownTable, median } from '../common/table';

// `npm run bench:sweeper`: how long the real sweeper (BullMQ worker, store sweep steps, a JSON log line
// and metrics per expiry) takes to clear expired sessions. Targets (../shared/spec/targets.md):
// 1,000,000 expired sessions cleared in ≤ 60 s; 10,000 expired among 1,000,000 live in ≤ 2 s.
// Sessions are created through SessionStore.create (the auth-api's path), pipelined by many
// concurrent callers; no shortcut writes. The sweeper runs with the production defaults
// (64 buckets × 32 index shards, batch 500, concurrency 4); logs go to /dev/null, synchronously, as
// they go to stdout in production.
//
// Environment (bench only): BENCH_SWEEPER_SESSIONS (default 1,000,000), BENCH_SWEEPER_EXPIRED
// (default 10,000), BENCH_SWEEPER_ROUNDS (rounds of the second scenario, default 3),
// BENCH_SWEEPER_CONCURRENCY and BENCH_SWEEPER_BATCH (SWEEP_CONCURRENCY and SWEEP_BATCH, default 4 and 500).
const TOTAL = Number(process.env['BENCH_SWEEPER_SESSIONS'] ?? 1_000_000);
const EXPIRED = Number(process.env['BENCH_SWEEPER_EXPIRED'] ?? 10_000);
const ROUNDS = Number(process.env['BENCH_SWEEPER_ROUNDS'] ?? 3);
const SWEEP = {
  intervalMs: 30_000,
  concurrency: Number(process.env['BENCH_SWEEPER_CONCURRENCY'] ?? 4),
  batch: Number(process.env['BENCH_SWEEPER_BATCH'] ?? 500),
} as const;
const PREFIX = 'bench';
const CREATE_CONCURRENCY = 500;

type Row = (string | number)[];

async function main(): Promise<void> {
  const server = await RedisServer.start();
  const admin = createRedisClient({ url: server.url, commandTimeoutMs: 60_000 });
  await waitUntilReady(admin, 5000);
  const store = new SessionStore(admin, {
    keyPrefix: PREFIX,
    defaults: { limit: 0 },
    operationTimeoutMs: 60_000,
  });
  try {
    const rows: Row[] = [];

    log(`creating ${TOTAL} sessions that idle out after 100 ms…`);
    let created = await timed(() => createSessions(store, 'gone', TOTAL, { idleTimeoutMs: 100 }));
    log(`  ${created.toFixed(1)} s`);
    await sleep(200);
    const all = await sweepOnce(server.url, TOTAL);
    await check(store, 0, 'all expired: nothing due afterwards');
    rows.push(row(`${fmt(TOTAL)} expired sessions cleared`, TOTAL, [all], 60));

    log(`creating ${TOTAL} live sessions…`);
    created = await timed(() => createSessions(store, 'live', TOTAL, { idleTimeoutMs: 3_600_000 }));
    log(`  ${created.toFixed(1)} s`);
    const samples: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      await createSessions(store, `r${round}-`, EXPIRED, { idleTimeoutMs: 100 });
      await sleep(200);
      samples.push(await sweepOnce(server.url, EXPIRED));
      await check(store, 0, `round ${round + 1}: nothing due afterwards`);
    }
    if ((await store.countSessions()) !== TOTAL) throw new Error('a live session was swept');
    rows.push(row(`${fmt(EXPIRED)} expired among ${fmt(TOTAL)} live`, EXPIRED, samples, 2));

    console.log(
      `\n## sweeper benchmark\n\n${new Date().toISOString()}, ${machineLine()}, ${await version(admin)}\n`,
    );
    console.log(
      markdownTable(
        ['scenario', 'sessions', 'wall time (s)', 'sessions/s', 'rounds (s)', 'target', 'met?'],
        rows,
      ),
    );
    console.log(
      `\nWall time: from the worker's start (first tick) until every expiry was reported (logged, counted). ` +
        `Sweeper settings: ${SWEEP.concurrency} concurrent bucket jobs, batch ${SWEEP.batch}, ` +
        `64 buckets × 32 index shards; one session per user.`,
    );
  } finally {
    admin.disconnect();
    await server.destroy();
  }
}

/** Starts a real sweeper, waits until it reported `expected` expiries, stops it; returns seconds. */
async function sweepOnce(url: string, expected: number): Promise<number> {
  const storeRedis = createStoreRedis({ url });
  const bull = createBullConnection({ url });
  await waitUntilReady(storeRedis, 5000);
  const store = new SessionStore(storeRedis, {
    keyPrefix: PREFIX,
    operationTimeoutMs: STORE_OPERATION_TIMEOUT_MS,
  });
  const metrics = createMetrics(() => totalDue(store));
  // stdout's settings (see createLogger / createEventLog), with /dev/null instead of fd 1.
  const logger = createLogger('info', pino.destination({ dest: '/dev/null', sync: true }));
  const events = createEventLog(
    'info',
    pino.destination({ dest: '/dev/null', sync: true, minLength: 32 * 1024, maxWrite: 64 * 1024 }),
  );
  const sweeper = createSweeper({
    store,
    connection: bull,
    keyPrefix: PREFIX,
    ...SWEEP,
    logger,
    events,
    metrics,
  });
  const cpu = process.cpuUsage();
  const redisCpu = await redisCpuSeconds(storeRedis);
  const started = performance.now();
  await sweeper.start();
  for (;;) {
    const swept = (await metrics.swept.get()).values.reduce((sum, v) => sum + v.value, 0);
    if (swept >= expected) break;
    await sleep(5);
  }
  const seconds = (performance.now() - started) / 1000;
  const nodeCpu = process.cpuUsage(cpu);
  const redisUsed = (await redisCpuSeconds(storeRedis)) - redisCpu;
  await sweeper.close();
  await Promise.all([storeRedis.quit(), bull.quit()]);
  log(
    `  swept ${fmt(expected)} in ${seconds.toFixed(2)} s ` +
      `(CPU: sweeper ${((nodeCpu.user + nodeCpu.system) / 1e6).toFixed(1)} s, Redis ${redisUsed.toFixed(1)} s)`,
  );
  return seconds;
}

async function createSessions(
  store: SessionStore,
  user: string,
  count: number,
  policy: Partial<SessionPolicy>,
): Promise<void> {
  await inBatches(
    Array.from({ length: count }, (_, i) => i),
    CREATE_CONCURRENCY,
    (i) =>
      store.create(
        {
          username: `${user}${i}@example.net`,
          privLvl: 15,
          aaa: 'tacacs+',
          sourceIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          userAgent: 'Java/1.8.0_292',
        },
        policy,
      ),
  );
}

async function check(store: SessionStore, due: number, what: string): Promise<void> {
  const left = await totalDue(store);
  if (left !== due) throw new Error(`${what}: expected ${due} due, found ${left}`);
}

function row(scenario: string, sessions: number, samples: number[], target: number): Row {
  const wall = median(samples);
  return [
    scenario,
    fmt(sessions),
    wall.toFixed(2),
    fmt(Math.round(sessions / wall)),
    samples.map((s) => s.toFixed(2)).join(' / '),
    `≤ ${target} s`,
    wall <= target ? 'yes' : 'no',
  ];
}

async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return (performance.now() - started) / 1000;
}

async function redisCpuSeconds(redis: Redis | Cluster): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string): number => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

async function version(redis: Redis | Cluster): Promise<string> {
  const info = await redis.info('server');
  return `Redis ${/redis_version:(\S+)/.exec(info)?.[1] ?? '?'}`;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
