import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { SessionStore, createRedisClient, waitUntilReady } from '@sessiond/session-store';
import { RedisServer } from '@sessiond/test-utils';
import { inBatches } from '../common/load';
import type { Running } from '../common/processes';
import { machineLine } from '../common/table';
import { cacheFigure } from './cache-figure';
import { checkCluster, type CheckCase } from './cluster-check';
import { currentCommit } from './commit';
import { measureHttp, type HttpCost } from './http-costs';
import { CONNECTIONS, httpTargets, type Tokens } from './http-targets';
import { buildInputs } from './inputs';
import { measureMemory, type MemoryCase, type MemoryCost } from './memory';
import { model } from './model';
import { measureRedisOps, type RedisOpCost } from './redis-costs';
import { render } from './render';
import { SCENARIO, layout } from './scenario';
import { startAuthApi, startRawFloor, startTacacs } from './services';

// `npm run capacity`: measures per-operation costs (auth-api and Redis CPU per validation and per
// TACACS+ login, bytes per session), builds the capacity model of issue 15 from them, checks its
// per-master figures on a local 3-master Redis Cluster, and writes docs/capacity.md. About 2 minutes.
const ROOT = join(__dirname, '..', '..', '..');
const DOC = join(ROOT, 'docs', 'capacity.md');
const INTRO = join(ROOT, 'bench', 'capacity', 'intro.md');
const RESULTS = join(ROOT, 'bench', 'results', 'latest.md');
const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? 4);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const WARM_UP_S = 3;
const OPS_MS = 2500;
const CLUSTER_LOAD_MS = 4000;
const TOKENS = 10_000;
const TACACS_USERS = 20_000;
const MEMORY_SESSIONS = 40_000;
const CHECK_SESSIONS = 30_000;

async function main(): Promise<void> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'sessiond-capacity-'));
  try {
    const { http, ops, redisVersion } = await measureCpu(dir);
    const memory = await measureMemoryCases();
    const check = await checkCluster(checkCases(), CLUSTER_LOAD_MS);
    const [perSession] = memory;
    if (perSession === undefined) throw new Error('no memory measurement');
    const cache = cacheFigure(RESULTS, SCENARIO.cacheCommandsTarget);
    const { costs, rows } = buildInputs(http, ops, perSession, cache);
    const doc = render({
      generated: {
        at: new Date().toISOString(),
        machine: machineLine(),
        redis: redisVersion,
        commit: currentCommit(ROOT),
        seconds: Math.round((Date.now() - started) / 1000),
      },
      intro: readFileSync(INTRO, 'utf8'),
      http: { costs: http, rounds: ROUNDS, durationS: DURATION_S, connections: CONNECTIONS },
      ops: { costs: ops, durationMs: OPS_MS },
      memory,
      scenario: SCENARIO,
      inputs: rows,
      costs,
      result: model(SCENARIO, costs),
      check,
    });
    writeFileSync(DOC, doc);
    process.stderr.write(`capacity: wrote ${DOC} in ${Math.round((Date.now() - started) / 1000)} s\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** HTTP loads (auth-api and TACACS+ CPU), then store-driven Redis operations, on one Redis. */
async function measureCpu(
  dir: string,
): Promise<{ http: HttpCost[]; ops: RedisOpCost[]; redisVersion: string }> {
  const server = await RedisServer.start();
  const redis = createRedisClient({ url: server.url }) as Redis;
  const running: Running[] = [];
  try {
    await waitUntilReady(redis, 5000);
    const tacacs = await startTacacs(dir, TACACS_USERS);
    running.push(tacacs);
    const single = await startAuthApi(dir, 'auth-api-single-connect', server.url, tacacs, true);
    running.push(single);
    const perLogin = await startAuthApi(dir, 'auth-api', server.url, tacacs, false);
    running.push(perLogin);
    const floor = await startRawFloor(server.url);
    running.push(floor);
    // Sessions under the auth-api's key prefix (the store's default), one per user, as logins write them.
    const store = new SessionStore(redis, { defaults: { limit: 0 } });
    const tokens: Tokens[] = [];
    await inBatches(
      Array.from({ length: TOKENS }, (_, i) => i),
      200,
      async (i) => {
        const created = await store.create({
          username: `v${i}`,
          privLvl: 15,
          aaa: 'tacacs+',
          sourceIp: '10.0.0.1',
          userAgent: 'capacity',
        });
        tokens[i] = { token: created.token, sessionId: created.session.sessionId };
        // What the raw floor reads: the ~200-byte record under the token.
        await redis.set(`bare:${created.token}`, JSON.stringify(created.session));
      },
    );
    const targets = httpTargets({ single, perLogin, floor }, tokens, TACACS_USERS, DURATION_S);
    const http = await measureHttp(dir, redis, tacacs, targets, ROUNDS, WARM_UP_S);
    for (const r of running.splice(0).reverse()) await r.stop();
    const ops = await measureRedisOps(server.url, OPS_MS);
    const version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
    return { http, ops, redisVersion: version };
  } finally {
    for (const r of running.reverse()) await r.stop();
    redis.disconnect();
    await server.destroy();
  }
}

/**
 * Bytes per session, one and five sessions per user, each at the users-per-index-shard density
 * the scenario's layout has at 10 M sessions (a sorted set past 128 members changes encoding).
 */
async function measureMemoryCases(): Promise<MemoryCost[]> {
  const server = await RedisServer.start();
  const redis = createRedisClient({ url: server.url }) as Redis;
  try {
    await waitUntilReady(redis, 5000);
    const cases = [SCENARIO.sessionsPerUser, 5].map((perUser): MemoryCase => {
      const density = layout({ ...SCENARIO, sessionsPerUser: perUser }).usersPerShard;
      const shards = Math.max(1, Math.round(MEMORY_SESSIONS / perUser / density));
      const indexShards = Math.min(32, shards);
      return {
        sessions: MEMORY_SESSIONS,
        sessionsPerUser: perUser,
        buckets: Math.max(1, Math.round(shards / indexShards)),
        indexShards,
      };
    });
    const costs: MemoryCost[] = [];
    for (const [i, c] of cases.entries()) costs.push(await measureMemory(redis, c, i === 0));
    return costs;
  } finally {
    redis.disconnect();
    await server.destroy();
  }
}

/** The scenario's bucket count and the default (64), each with about the scenario's shard density. */
function checkCases(): CheckCase[] {
  return [SCENARIO.buckets, 64].map((buckets) => ({
    buckets,
    indexShards: Math.min(
      1024,
      Math.max(1, Math.round(CHECK_SESSIONS / buckets / layout(SCENARIO).usersPerShard)),
    ),
    sessions: CHECK_SESSIONS,
  }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
