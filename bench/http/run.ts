import { writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { SessionStore, createRedisClient, waitUntilReady } from '@sessiond/session-store';
import { hashPassword } from '@sessiond/passwords';
import { RedisServer, freePort } from '@sessiond/test-utils';
import { processCpuMicros } from '../common/cpu';
import { inBatches } from '../common/load';
import { runProcess, startProcess, type Running } from '../common/processes';
import { machineLine } from '../common/table';
import type { LoadResult } from './load';
import { commandDelta, redisStats } from './redis-stats';
import { report, type Measured } from './report';
import { peerTargets, sessiondTargets, type Target } from './targets';

// `npm run bench` part 1: token validation over HTTP through sessiond (introspection,
// GET /token-services/{id} with X-auth-token, and forward-auth as nginx asks it) against five peers
// built here (raw node:http, also in POST /introspect's shape; Fastify, bare Express,
// express-session, hello), all on one private Redis, interleaved A B C D … for ROUNDS rounds after
// one unrecorded warm-up pass, autocannon in a separate process, 100 connections over 10,000
// distinct tokens. Targets (targets.md): ≥ 0.9 × the raw floor with p99 ≤ 1.1 × its p99; ≥ 0.9 ×
// bare, ≥ 1.8 × express-session, p99 ≤ 1.2 × bare's.
// Each run also reads the CPU time the target's server process and Redis used, per request.
// BENCH_TARGETS=raw,get,… runs a subset (profiling one change against the floor), and
// BENCH_SESSIOND_BUILDS=label=/copy/apps/auth-api/dist/main.js,… measures other builds of sessiond
// in the same run (bench/http/snapshot-build.sh makes the copies; their keys are get@label, …).
const TOKENS = 10_000;
const USERS = 2_000;
const CONNECTIONS = 100;
const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? 5);
const WARMUP_S = Number(process.env['BENCH_WARMUP_S'] ?? 2);
// Five rounds: on a shared 2-core machine one round in three or four is disturbed; the median of five holds.
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const ONLY = process.env['BENCH_TARGETS']?.split(',').map((key) => key.trim());
/** Extra node flags for every server process (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`). */
const NODE_ARGS = process.env['BENCH_SERVER_NODE_ARGS']?.split(' ').filter(Boolean) ?? [];
const CLIENT = { id: 'bench-client', secret: 'bench-client-secret' };
const BUILDS = (process.env['BENCH_SESSIOND_BUILDS'] ?? '')
  .split(',')
  .filter(Boolean)
  .map((entry) => {
    const [label = '', main = ''] = entry.split('=');
    return { label, main };
  });
const PEERS = ['raw', 'fastify', 'bare', 'express-session', 'hello'] as const;
// Compiled to bench/dist/http: the repository root is three levels up.
const DIST = join(__dirname, '..', '..', '..', 'apps', 'auth-api', 'dist', 'main.js');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sessiond-bench-http-'));
  const redisServer = await RedisServer.start();
  const redis = createRedisClient({ url: redisServer.url }) as Redis;
  await waitUntilReady(redis, 5000);
  const running = new Map<string, Running>();
  const wanted = (key: string): boolean => ONLY === undefined || ONLY.includes(key);
  try {
    const usersFile = join(dir, 'users.json');
    writeFileSync(
      usersFile,
      JSON.stringify({
        users: [{ username: 'bench', scrypt: await hashPassword('bench-pw', { ln: 10 }), 'priv-lvl': 15 }],
      }),
    );
    const clientsFile = join(dir, 'clients.json');
    writeFileSync(
      clientsFile,
      JSON.stringify({
        clients: [
          { id: CLIENT.id, secret: `sha256:${createHash('sha256').update(CLIENT.secret).digest('hex')}` },
        ],
      }),
    );

    const ports: Record<string, number> = {};
    const start = async (name: string, args: readonly string[], env: Record<string, string> = {}) => {
      const server = await startProcess(
        name,
        [...NODE_ARGS, ...args],
        env,
        name.startsWith('sessiond') ? 'sessiond auth-api listening' : 'ready',
      );
      running.set(name, server);
      process.stderr.write(`${name}: pid ${server.child.pid}\n`);
    };
    for (const { label, main } of [{ label: '', main: DIST }, ...BUILDS]) {
      const name = label === '' ? 'sessiond' : `sessiond@${label}`;
      ports[name] = await freePort();
      await start(name, [main], {
        PORT: String(ports[name]),
        MANAGEMENT_PORT: '0',
        USER_TAG_SECRET: 'bench-user-tag-secret-0123456789',
        HOST: '127.0.0.1',
        REDIS_URL: redisServer.url,
        AAA_METHODS: 'local',
        LOCAL_USERS_FILE: usersFile,
        INTROSPECTION_CLIENTS_FILE: clientsFile,
        LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'info',
      });
    }
    // raw-post is the raw server's other route.
    for (const peer of PEERS.filter((key) => wanted(key) || (key === 'raw' && wanted('raw-post')))) {
      ports[peer] = await freePort();
      await start(peer, [join(__dirname, 'servers', `${peer}.js`), String(ports[peer]), redisServer.url]);
    }

    // 10,000 sessions, 5 for each of 2,000 users, written by the store exactly as logins write them;
    // the peers read each one's descriptor (~230 bytes of JSON) under its own key.
    const store = new SessionStore(redis, { defaults: { limit: 0 } });
    const sessions: { token: string; sessionId: string }[] = [];
    await inBatches(
      Array.from({ length: TOKENS }, (_, i) => i),
      200,
      async (i) => {
        const created = await store.create({
          username: `user${i % USERS}`,
          privLvl: 15,
          aaa: 'local',
          sourceIp: '10.0.0.1',
          userAgent: 'bench',
        });
        sessions[i] = { token: created.token, sessionId: created.session.sessionId };
        await redis.set(`bare:${created.token}`, JSON.stringify(created.session));
      },
    );
    const cookies: string[] = [];
    if (wanted('express-session')) {
      await inBatches(
        Array.from({ length: TOKENS }, (_, i) => i),
        100,
        async (i) => {
          const res = await fetch(`http://127.0.0.1:${ports['express-session']}/login`, { method: 'POST' });
          cookies[i] = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
        },
      );
    }
    const fixture = {
      connections: CONNECTIONS,
      durationS: DURATION_S,
      sessions,
      cookies,
      basic: `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`,
    };
    const peers = peerTargets(fixture, ports);
    const all: Target[] = [
      ...peers.filter((t) => t.key === 'raw' || t.key === 'raw-post'),
      ...sessiondTargets(fixture, ports['sessiond'] ?? 0),
      ...BUILDS.flatMap(({ label }) => sessiondTargets(fixture, ports[`sessiond@${label}`] ?? 0, label)),
      ...peers.filter((t) => t.key !== 'raw' && t.key !== 'raw-post'),
    ];
    const targets = all.filter((t) => wanted(t.key));

    const measure = async (target: Target, durationS: number): Promise<Measured> => {
      const file = join(dir, 'spec.json');
      writeFileSync(file, JSON.stringify({ ...target.spec, durationS }));
      const pid = running.get(target.server)?.child.pid;
      const before = await redisStats(redis);
      const cpuBefore = processCpuMicros(pid) ?? 0;
      const result = JSON.parse(await runProcess([join(__dirname, 'load.js'), file])) as LoadResult;
      const cpuAfter = processCpuMicros(pid) ?? 0;
      const after = await redisStats(redis);
      const answered = Math.max(1, result.ok + result.non2xx);
      const { calls, usec } = commandDelta(before, after, target.commands);
      const trips = commandDelta(before, after, target.roundTrips).calls;
      return {
        ...result,
        perRequest: trips / answered,
        scriptsPerRequest: target.sessiond ? calls / answered : 0,
        serverCpu: (cpuAfter - cpuBefore) / answered,
        redisCpu: (after.cpuMicros - before.cpuMicros) / answered,
        calls,
        usec,
      };
    };
    // JIT and connection pools warm for every target alike before anything counts.
    if (WARMUP_S > 0) for (const target of targets) await measure(target, WARMUP_S);
    const results = new Map<string, Measured[]>(targets.map((t) => [t.key, []]));
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const target of targets) {
        const measured = await measure(target, DURATION_S);
        results.get(target.key)?.push(measured);
        process.stderr.write(
          `round ${round + 1} ${target.name}: ${Math.round(measured.requestsPerSecond)} req/s, p99 ${measured.p99} ms, server ${measured.serverCpu.toFixed(1)} µs/req\n`,
        );
      }
    }

    process.stdout.write(
      `\n## Token validation over HTTP\n\n${new Date().toISOString()}, ${machineLine()}; ${CONNECTIONS} connections, ${TOKENS.toLocaleString('en-US')} distinct tokens, ${DURATION_S} s per run, ${ROUNDS} interleaved rounds after a ${WARMUP_S} s warm-up, medians; CPU µs per request answered, from /proc (server) and INFO cpu (Redis)\n\n`,
    );
    process.stdout.write(`${report(targets, results)}\n`);
  } finally {
    for (const r of [...running.values()].reverse()) await r.stop();
    redis.disconnect();
    await redisServer.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
