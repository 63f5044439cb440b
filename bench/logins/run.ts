import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { SessionStore, createRedisClient, waitUntilReady } from '@sessiond/session-store';
import { hashPassword } from '@sessiond/passwords';
import { RedisServer, freePort } from '@sessiond/test-utils';
import type { LoadResult, LoadSpec } from '../http/load';
import { inBatches } from '../common/load';
import { runProcess, startProcess, type Running } from '../common/processes';
import { machineLine, markdownTable, median } from '../common/table';

// `npm run bench` part 2: logins per second through the auth-api with local AAA (real scrypt cost)
// and with TACACS+ (the project's server in its own process; single-connect vs a connection per
// login), and token validation throughput alone vs while local logins run flat out (targets.md:
// hashing never blocks the event loop; validation drops ≤ 20 %).
const ROOT = join(__dirname, '..', '..', '..');
const MAIN = join(ROOT, 'apps', 'auth-api', 'dist', 'main.js');
const TACACS_CLI = join(ROOT, 'packages', 'tacacs-server', 'dist', 'cli', 'server-cli.js');
const LOAD = join(__dirname, '..', 'http', 'load.js');
const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? 6);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const TACACS_USERS = 1000;
const LOCAL_USERS = 100;
const KEY = 'bench-shared-secret-0123456789';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sessiond-bench-logins-'));
  const redisServer = await RedisServer.start();
  const redis = createRedisClient({ url: redisServer.url }) as Redis;
  await waitUntilReady(redis, 5000);
  const running: Running[] = [];
  const load = async (spec: LoadSpec): Promise<LoadResult> => {
    const file = join(dir, `spec-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(spec));
    return JSON.parse(await runProcess([LOAD, file])) as LoadResult;
  };
  try {
    writeFileSync(
      join(dir, 'tacacs-users.json'),
      JSON.stringify({
        users: Array.from({ length: TACACS_USERS }, (_, i) => ({
          username: `t${i}`,
          password: `pw-${i}`,
          'priv-lvl': 15,
        })),
      }),
    );
    writeFileSync(join(dir, 'key'), KEY);
    const localUsers = await Promise.all(
      Array.from({ length: LOCAL_USERS }, async (_, i) => ({
        username: `l${i}`,
        scrypt: await hashPassword(`pw-${i}`),
        'priv-lvl': 15,
      })),
    );
    writeFileSync(join(dir, 'local-users.json'), JSON.stringify({ users: localUsers }));

    const tacacsPort = await freePort();
    running.push(
      await startProcess(
        'tacacs',
        [
          TACACS_CLI,
          '--users',
          join(dir, 'tacacs-users.json'),
          '--key-file',
          join(dir, 'key'),
          '--port',
          String(tacacsPort),
          '--quiet',
        ],
        {},
        'listening',
      ),
    );
    const api = async (name: string, env: Record<string, string>): Promise<number> => {
      const port = await freePort();
      running.push(
        await startProcess(
          name,
          [MAIN],
          {
            PORT: String(port),
            MANAGEMENT_PORT: '0',
            USER_TAG_SECRET: 'bench-user-tag-secret-0123456789',
            HOST: '127.0.0.1',
            REDIS_URL: redisServer.url,
            REDIS_KEY_PREFIX: name,
            SESSION_LIMIT_PER_USER: '0',
            LOGIN_MAX_FAILURES: '0',
            TACACS_SERVERS: `127.0.0.1:${tacacsPort}`,
            TACACS_SECRET: KEY,
            ...env,
          },
          'sessiond auth-api listening',
        ),
      );
      return port;
    };
    const localPort = await api('local', {
      AAA_METHODS: 'local',
      LOCAL_USERS_FILE: join(dir, 'local-users.json'),
    });
    const singlePort = await api('single', { AAA_METHODS: 'tacacs', TACACS_SINGLE_CONNECT: 'true' });
    const perLoginPort = await api('perlogin', { AAA_METHODS: 'tacacs', TACACS_SINGLE_CONNECT: 'false' });

    const basic = (user: string, password: string): string =>
      `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const loginSpec = (port: number, users: number, prefix: string, connections: number): LoadSpec => ({
      url: `http://127.0.0.1:${port}`,
      method: 'POST',
      connections,
      durationS: DURATION_S,
      variants: Array.from({ length: users }, (_, i) => ({
        path: '/api/v1/auth/token-services',
        headers: { authorization: basic(`${prefix}${i}`, `pw-${i}`) },
      })),
    });
    const logins = {
      local: loginSpec(localPort, LOCAL_USERS, 'l', 10),
      single: loginSpec(singlePort, TACACS_USERS, 't', 50),
      perLogin: loginSpec(perLoginPort, TACACS_USERS, 't', 50),
    };

    // Validation load on the local-AAA instance: 5,000 sessions written by the store.
    const store = new SessionStore(redis, { keyPrefix: 'local', defaults: { limit: 0 } });
    const variants: LoadSpec['variants'][number][] = [];
    await inBatches(
      Array.from({ length: 5000 }, (_, i) => i),
      200,
      async (i) => {
        const c = await store.create({
          username: `v${i % 1000}`,
          privLvl: 15,
          aaa: 'local',
          sourceIp: '10.0.0.1',
        });
        variants[i] = {
          path: `/api/v1/auth/token-services/${c.session.sessionId}`,
          headers: { 'x-auth-token': c.token },
        };
      },
    );
    const validation: LoadSpec = {
      url: `http://127.0.0.1:${localPort}`,
      method: 'GET',
      connections: 50,
      durationS: DURATION_S,
      variants,
    };

    const samples: Record<string, LoadResult[]> = {
      local: [],
      single: [],
      perLogin: [],
      alone: [],
      underLogins: [],
      loginsDuring: [],
    };
    // Redis commands the auth-api sends per login (targets.md: exactly 1 besides AAA).
    const scriptsPerLogin: number[] = [];
    const countedLoad = async (spec: LoadSpec): Promise<LoadResult> => {
      const before = await evalCalls(redis);
      const result = await load(spec);
      scriptsPerLogin.push(((await evalCalls(redis)) - before) / Math.max(1, result.ok + result.non2xx));
      return result;
    };
    for (let round = 0; round < ROUNDS; round += 1) {
      samples['local']?.push(await load(logins.local));
      samples['single']?.push(await countedLoad(logins.single));
      samples['perLogin']?.push(await load(logins.perLogin));
      samples['alone']?.push(await load(validation));
      const [under, during] = await Promise.all([load(validation), load(logins.local)]);
      samples['underLogins']?.push(under);
      samples['loginsDuring']?.push(during);
      process.stderr.write(`logins round ${round + 1} done\n`);
    }
    const m = (key: string, f: (r: LoadResult) => number): number => median((samples[key] ?? []).map(f));
    const row = (label: string, key: string): (string | number)[] => [
      label,
      Math.round(m(key, (r) => r.requestsPerSecond)),
      (samples[key] ?? []).map((r) => Math.round(r.requestsPerSecond)).join(' / '),
      m(key, (r) => r.p50),
      m(key, (r) => r.p99),
      (samples[key] ?? []).reduce((s, r) => s + r.non2xx + r.errors + r.timeouts, 0),
    ];
    const single = m('single', (r) => r.requestsPerSecond);
    const perLogin = m('perLogin', (r) => r.requestsPerSecond);
    const alone = m('alone', (r) => r.requestsPerSecond);
    const under = m('underLogins', (r) => r.requestsPerSecond);
    const drop = (1 - under / alone) * 100;
    process.stdout.write(
      `\n## Logins through the auth-api\n\n${new Date().toISOString()}, ${machineLine()}; ${DURATION_S} s per run, ${ROUNDS} interleaved rounds, medians\n\n`,
    );
    process.stdout.write(
      `${markdownTable(
        ['login path', 'logins/s', 'rounds', 'p50 ms', 'p99 ms', 'errors'],
        [
          row('local AAA (scrypt N=2^14, LOCAL_HASH_CONCURRENCY default), 10 connections', 'local'),
          row('TACACS+ PAP + authorization, single-connect, 50 connections', 'single'),
          row('TACACS+ PAP + authorization, one connection per request, 50 connections', 'perLogin'),
        ],
      )}\n\nTACACS+ single-connect ÷ one connection per login: ${(single / perLogin).toFixed(2)}. Each TACACS+ login is an authentication and an authorization exchange, then one Redis script.\n\n`,
    );
    process.stdout.write(
      `${markdownTable(
        ['token validation (GET /token-services/{id}, 50 connections)', 'req/s', 'rounds', 'p99 ms'],
        [
          [
            'alone',
            Math.round(alone),
            (samples['alone'] ?? []).map((r) => Math.round(r.requestsPerSecond)).join(' / '),
            m('alone', (r) => r.p99),
          ],
          [
            `while local logins run flat out (${Math.round(m('loginsDuring', (r) => r.requestsPerSecond))} logins/s)`,
            Math.round(under),
            (samples['underLogins'] ?? []).map((r) => Math.round(r.requestsPerSecond)).join(' / '),
            m('underLogins', (r) => r.p99),
          ],
        ],
      )}\n\n| target (targets.md) | result | measured |\n| --- | --- | --- |\n| logins against the project's TACACS+ server ≥ 500/s with single-connect | ${single >= 500 ? 'met' : 'missed'} | ${Math.round(single)}/s (${(single / perLogin).toFixed(2)} × one connection per login) |\n| validation drops ≤ 20 % while local logins run at full speed | ${drop <= 20 ? 'met' : 'missed'} | ${drop.toFixed(1)} % |\n| 1 Redis round trip per login besides AAA (throttle, limit and insert in one script) | ${Math.abs(median(scriptsPerLogin) - 1) < 0.01 ? 'met' : 'missed'} | ${median(scriptsPerLogin).toFixed(3)} scripts per login |\n`,
    );
  } finally {
    for (const r of running.reverse()) await r.stop();
    redis.disconnect();
    await redisServer.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function evalCalls(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  return [...info.matchAll(/^cmdstat_(evalsha|eval):calls=(\d+)/gm)].reduce(
    (sum, m) => sum + Number(m[2]),
    0,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
