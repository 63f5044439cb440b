import { Redis } from 'ioredis';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requireSession } from '@sessiond/client/direct';
import { SessionStore, createRedisClient, waitUntilReady } from '@sessiond/session-store';
import { RedisServer } from '@sessiond/test-utils';
import { closedLoop, inBatches } from '../common/load';
import { machineLine, markdownTable, median } from '../common/table';
import { cacheThroughput, revocationLatency, touchCost } from './session-cache';

// `npm run bench:store`: in-process validation throughput against a bare GET in the same run, Redis
// memory per live session, and direct mode's session cache (session-cache.ts). Targets
// (../shared/spec/targets.md): ≥ 25,000 validations/s with 100 concurrent callers; ≤ 400 bytes per
// live session, all keys and indexes included; issue 15: ≥ 1,000,000 cached validations/s, ≤ 0.01
// Redis commands per validation, revocations seen by the cache within 50 ms p99.
const CALLERS = 100;
const ROUND_MS = 4000;
const ROUNDS = 3;
const TOKENS = 10_000;
const MEMORY_SESSIONS = 100_000;

async function main(): Promise<void> {
  const server = await RedisServer.start();
  const client = createRedisClient({ url: server.url });
  const admin = new Redis(server.url, { connectionName: 'bench-admin' });
  await waitUntilReady(client, 5000);
  try {
    const throughput = await validationThroughput(client as Redis);
    const cached = await cacheThroughput(server.url, client as Redis, admin);
    const touches = await touchCost(server.url, client as Redis, admin);
    const revocations = await revocationLatency(server.url, client as Redis);
    const memory = [
      await memoryPerSession(client as Redis, 'one session per user', MEMORY_SESSIONS, 1),
      await memoryPerSession(
        client as Redis,
        'five sessions per user (the default limit)',
        MEMORY_SESSIONS,
        5,
      ),
    ];
    console.log(
      `\n## session-store benchmark\n\n${new Date().toISOString()}, ${machineLine()}, ${await redisVersion(client as Redis)}\n`,
    );
    console.log(
      markdownTable(
        ['operation (100 concurrent callers)', 'ops/s (median)', 'rounds', 'ratio to bare GET'],
        throughput,
      ),
    );
    console.log(
      `\nTarget: ≥ 25,000 validations/s in one process with 100 concurrent callers (store and client direct mode).\n`,
    );
    console.log(markdownTable(['Redis memory, 100,000 live sessions', 'bytes/session', 'keys'], memory));
    console.log(
      '\nTarget: ≤ 400 bytes per live session, all keys and indexes included (INFO memory used_memory delta).',
    );
    console.log(`\n### direct mode's session cache (CLIENT TRACKING)\n`);
    console.log(
      markdownTable(
        [
          'cached validations in one process',
          'validations/s (median)',
          'rounds',
          'Redis commands',
          'commands/validation',
        ],
        cached,
      ),
    );
    console.log(
      '\nTargets: ≥ 1,000,000 validations/s; ≤ 0.01 Redis commands per validation on a hot token (INFO commandstats delta, every command counted: validations, touches, heartbeats).\n',
    );
    console.log(
      markdownTable(
        ['sliding expiry', 'validations/s', 'touches sent', 'Redis commands', 'commands/validation'],
        [touches],
      ),
    );
    console.log('');
    console.log(
      markdownTable(
        ['revocation visibility (write reply → cache refuses)', 'p50 ms', 'p99 ms', 'max ms'],
        revocations,
      ),
    );
    console.log('\nTarget: p99 ≤ 50 ms.');
  } finally {
    admin.disconnect();
    client.disconnect();
    await server.destroy();
  }
}

async function validationThroughput(redis: Redis): Promise<(string | number)[][]> {
  const store = new SessionStore(redis, { keyPrefix: 'bench', defaults: { limit: 0 } });
  const tokens: string[] = [];
  await inBatches(
    Array.from({ length: TOKENS }, (_, i) => i),
    200,
    async (i) => {
      const { token } = await store.create({
        username: `user${i % 2000}`,
        privLvl: 15,
        aaa: 'local',
        sourceIp: '10.1.2.3',
      });
      tokens[i] = token;
    },
  );
  await Promise.all(tokens.slice(0, 2000).map((t, i) => redis.set(`bare:${i}`, t)));
  const pick = (caller: number, i: number): string => tokens[(caller * 7919 + i * 104_729) % TOKENS] ?? '';
  // @sessiond/client's middleware in direct mode, driven with the minimum of a request and response.
  const direct = requireSession({ mode: 'direct', store });
  const throughMiddleware = (token: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = { headers: { 'x-auth-token': token } } as unknown as IncomingMessage;
      const res = {
        setHeader: () => undefined,
        end: () => reject(new Error('refused')),
      } as unknown as ServerResponse;
      direct(req, res, (error?: unknown) =>
        error === undefined
          ? resolve()
          : reject(error instanceof Error ? error : new Error('middleware error')),
      );
    });
  const peers: [string, (caller: number, i: number) => Promise<unknown>][] = [
    ['bare ioredis GET (peer)', (c, i) => redis.get(`bare:${(c * 31 + i) % 2000}`)],
    ['store.validate (touch)', (c, i) => store.validate(pick(c, i))],
    ['store.validate (touch: false)', (c, i) => store.validate(pick(c, i), { touch: false })],
    ['@sessiond/client requireSession, direct mode', (c, i) => throughMiddleware(pick(c, i))],
  ];
  const samples = new Map<string, number[]>(peers.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    // Interleaved A B C, A B C, ... so drift on a shared machine hits every peer alike.
    for (const [name, operation] of peers) {
      const { perSecond, errors } = await closedLoop(CALLERS, ROUND_MS, operation);
      if (errors > 0) throw new Error(`${name}: ${errors} errors`);
      samples.get(name)?.push(perSecond);
    }
  }
  const bare = median(samples.get('bare ioredis GET (peer)') ?? []);
  return peers.map(([name]) => {
    const value = median(samples.get(name) ?? []);
    return [
      name,
      Math.round(value),
      (samples.get(name) ?? []).map((v) => Math.round(v)).join(' / '),
      (value / bare).toFixed(2),
    ];
  });
}

async function memoryPerSession(
  redis: Redis,
  label: string,
  sessions: number,
  perUser: number,
): Promise<(string | number)[]> {
  await redis.flushall();
  const before = await usedMemory(redis);
  const store = new SessionStore(redis, { defaults: { limit: perUser } }); // default key prefix `sessiond`
  await inBatches(
    Array.from({ length: sessions }, (_, i) => i),
    200,
    (i) =>
      store.create({
        username: `user${Math.floor(i / perUser)}@example.net`,
        privLvl: 15,
        aaa: 'tacacs+',
        sourceIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        userAgent: 'Java/1.8.0_292',
      }),
  );
  const after = await usedMemory(redis);
  const keys = await redis.dbsize();
  return [label, Math.round((after - before) / sessions), keys];
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

async function redisVersion(redis: Redis): Promise<string> {
  const info = await redis.info('server');
  return `Redis ${/redis_version:(\S+)/.exec(info)?.[1] ?? '?'}`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
