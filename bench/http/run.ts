import { writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { SessionStore, createRedisClient, waitUntilReady } from '@sessiond/session-store';
import { hashPassword } from '@sessiond/passwords';
import { RedisServer, freePort } from '@sessiond/test-utils';
import { inBatches } from '../common/load';
import { runProcess, startProcess, type Running } from '../common/processes';
import { machineLine, markdownTable, median } from '../common/table';
import type { LoadResult, LoadSpec } from './load';

// `npm run bench` part 1: token validation over HTTP through sessiond (introspection,
// GET /token-services/{id} with X-auth-token, and forward-auth as nginx asks it) against three peers
// built here, all on one private Redis, interleaved A B C D E F for ROUNDS rounds, autocannon in a separate process, 100 connections
// over 10,000 distinct tokens. Targets (targets.md): ≥ 0.9 × bare, ≥ 1.8 × express-session,
// p99 ≤ 1.2 × bare's p99.
const TOKENS = 10_000;
const USERS = 2_000;
const CONNECTIONS = 100;
const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? 6);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const CLIENT = { id: 'bench-client', secret: 'bench-client-secret' };
// Compiled to bench/dist/http: the repository root is three levels up.
const DIST = join(__dirname, '..', '..', '..', 'apps', 'auth-api', 'dist', 'main.js');

interface Target {
  readonly name: string;
  readonly spec: LoadSpec;
  /** Redis commands the target's process sends; counted per request to check round trips. */
  readonly commands: readonly string[];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sessiond-bench-http-'));
  const redisServer = await RedisServer.start();
  const redis = createRedisClient({ url: redisServer.url }) as Redis;
  await waitUntilReady(redis, 5000);
  const running: Running[] = [];
  try {
    const ports = {
      sessiond: await freePort(),
      bare: await freePort(),
      es: await freePort(),
      hello: await freePort(),
    };
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

    running.push(
      await startProcess(
        'sessiond',
        [DIST],
        {
          PORT: String(ports.sessiond),
          MANAGEMENT_PORT: '0',
          USER_TAG_SECRET: 'bench-user-tag-secret-0123456789',
          HOST: '127.0.0.1',
          REDIS_URL: redisServer.url,
          AAA_METHODS: 'local',
          LOCAL_USERS_FILE: usersFile,
          INTROSPECTION_CLIENTS_FILE: clientsFile,
          LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'info',
        },
        'sessiond auth-api listening',
      ),
      await startProcess(
        'bare',
        [join(__dirname, 'servers', 'bare.js'), String(ports.bare), redisServer.url],
        {},
        'ready',
      ),
      await startProcess(
        'express-session',
        [join(__dirname, 'servers', 'express-session.js'), String(ports.es), redisServer.url],
        {},
        'ready',
      ),
      await startProcess('hello', [join(__dirname, 'servers', 'hello.js'), String(ports.hello)], {}, 'ready'),
    );

    // 10,000 sessions, 5 for each of 2,000 users, written by the store exactly as logins write them.
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
    await inBatches(
      Array.from({ length: TOKENS }, (_, i) => i),
      100,
      async (i) => {
        const res = await fetch(`http://127.0.0.1:${ports.es}/login`, { method: 'POST' });
        cookies[i] = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      },
    );
    const basic = `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`;
    const targets: Target[] = [
      {
        name: 'sessiond GET /token-services/{id} (X-auth-token)',
        commands: ['evalsha', 'eval'],
        spec: spec(
          ports.sessiond,
          'GET',
          sessions.map((s) => ({
            path: `/api/v1/auth/token-services/${s.sessionId}`,
            headers: { 'x-auth-token': s.token },
          })),
        ),
      },
      {
        // What nginx auth_request sends: the token plus the original request's method and URI.
        name: 'sessiond forward-auth (nginx-style auth request)',
        commands: ['evalsha', 'eval'],
        spec: spec(
          ports.sessiond,
          'GET',
          sessions.map((s) => ({
            path: '/api/v1/auth/forward-auth?priv-lvl=15',
            headers: { 'x-auth-token': s.token, 'x-original-method': 'GET', 'x-original-uri': '/orders/7' },
          })),
        ),
      },
      {
        name: 'sessiond POST /introspect',
        commands: ['evalsha', 'eval'],
        spec: spec(
          ports.sessiond,
          'POST',
          sessions.map((s) => ({
            path: '/api/v1/auth/introspect',
            headers: { authorization: basic, 'content-type': 'application/json' },
            body: JSON.stringify({ token: s.token }),
          })),
        ),
      },
      {
        name: 'bare: Express + one ioredis GET',
        commands: ['get'],
        spec: spec(
          ports.bare,
          'GET',
          sessions.map((s) => ({ path: '/validate', headers: { 'x-auth-token': s.token } })),
        ),
      },
      {
        name: 'express-session + connect-redis 8 (rolling)',
        commands: ['get', 'set', 'expire', 'del'],
        spec: spec(
          ports.es,
          'GET',
          cookies.map((c) => ({ path: '/validate', headers: { cookie: c } })),
        ),
      },
      {
        name: 'hello: Express constant JSON',
        commands: [],
        spec: spec(ports.hello, 'GET', [{ path: '/hello' }]),
      },
    ];

    const results = new Map<string, (LoadResult & { perRequest: number })[]>(
      targets.map((t) => [t.name, []]),
    );
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const target of targets) {
        const before = await commandCounts(redis);
        const file = join(dir, 'spec.json');
        writeFileSync(file, JSON.stringify(target.spec));
        const result = JSON.parse(await runProcess([join(__dirname, 'load.js'), file])) as LoadResult;
        const after = await commandCounts(redis);
        const sent = target.commands.reduce(
          (sum, c) => sum + ((after.get(c) ?? 0) - (before.get(c) ?? 0)),
          0,
        );
        results
          .get(target.name)
          ?.push({ ...result, perRequest: sent / Math.max(1, result.ok + result.non2xx) });
        process.stderr.write(
          `round ${round + 1} ${target.name}: ${Math.round(result.requestsPerSecond)} req/s\n`,
        );
      }
    }

    const summary = targets.map((t) => {
      const runs = results.get(t.name) ?? [];
      return {
        name: t.name,
        rps: median(runs.map((r) => r.requestsPerSecond)),
        p50: median(runs.map((r) => r.p50)),
        p99: median(runs.map((r) => r.p99)),
        errors: runs.reduce((s, r) => s + r.non2xx + r.errors + r.timeouts, 0),
        perRequest: median(runs.map((r) => r.perRequest)),
        rounds: runs.map((r) => Math.round(r.requestsPerSecond)).join(' / '),
      };
    });
    const [getRoute, forwardAuth, introspect, bare, es, hello] = summary;
    if (!getRoute || !forwardAuth || !introspect || !bare || !es || !hello)
      throw new Error('missing results');
    const ratio = (a: number, b: number): string => (a / b).toFixed(2);
    process.stdout.write(
      `\n## Token validation over HTTP\n\n${new Date().toISOString()}, ${machineLine()}; ${CONNECTIONS} connections, ${TOKENS.toLocaleString('en-US')} distinct tokens, ${DURATION_S} s per run, ${ROUNDS} interleaved rounds, medians\n\n`,
    );
    process.stdout.write(
      `${markdownTable(
        [
          'target',
          'req/s',
          'rounds',
          'p50 ms',
          'p99 ms',
          'errors',
          'Redis cmds/req',
          '÷ bare',
          '÷ express-session',
          '÷ hello',
          'p99 ÷ bare p99',
        ],
        summary.map((s) => [
          s.name,
          Math.round(s.rps),
          s.rounds,
          s.p50,
          s.p99,
          s.errors,
          s.perRequest.toFixed(2),
          ratio(s.rps, bare.rps),
          ratio(s.rps, es.rps),
          ratio(s.rps, hello.rps),
          ratio(s.p99, bare.p99),
        ]),
      )}\n`,
    );
    const verdict = (name: string, ok: boolean, figure: string): string =>
      `| ${name} | ${ok ? 'met' : 'missed'} | ${figure} |`;
    process.stdout.write(
      [
        '',
        '| target (targets.md) | result | measured |',
        '| --- | --- | --- |',
        ...[getRoute, forwardAuth, introspect].flatMap((s) => [
          verdict(`${s.name} ≥ 0.9 × bare`, s.rps >= 0.9 * bare.rps, `${ratio(s.rps, bare.rps)} ×`),
          verdict(`${s.name} ≥ 1.8 × express-session`, s.rps >= 1.8 * es.rps, `${ratio(s.rps, es.rps)} ×`),
          verdict(
            `${s.name} p99 ≤ 1.2 × bare p99`,
            s.p99 <= 1.2 * bare.p99,
            `${s.p99} ms vs ${bare.p99} ms (${ratio(s.p99, bare.p99)} ×)`,
          ),
          verdict(
            `${s.name}: 1 Redis round trip per validation`,
            Math.abs(s.perRequest - 1) < 0.01,
            `${s.perRequest.toFixed(3)} EVALSHA per request`,
          ),
        ]),
        '',
      ].join('\n'),
    );
  } finally {
    for (const r of running.reverse()) await r.stop();
    redis.disconnect();
    await redisServer.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

function spec(port: number, method: 'GET' | 'POST', variants: LoadSpec['variants']): LoadSpec {
  return {
    url: `http://127.0.0.1:${port}`,
    method,
    connections: CONNECTIONS,
    durationS: DURATION_S,
    variants,
  };
}

async function commandCounts(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info('commandstats');
  const counts = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm))
    counts.set(match[1] ?? '', Number(match[2]));
  return counts;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
