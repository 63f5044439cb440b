import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { SessionStore, createRedisClient, waitUntilReady } from '@sessiond/session-store';
import { parseToken } from '@sessiond/protocol';
import { RedisServer } from '@sessiond/test-utils';
import { commandDelta, redisStats } from './redis-stats';

// Where validateSession-2.lua's time goes inside Redis: commandstats usec_per_call of the script as
// the store runs it, against GET and against stripped-down scripts given the same 2 keys and 5
// arguments, on a private Redis with 2,000 sessions and 100 calls in flight.
// Usage: node bench/dist/http/script-cost.js   (bench/results/profile.md quotes it)
const SESSIONS = 2_000;
const CALLS = 40_000;
const IN_FLIGHT = 100;

interface Variant {
  readonly name: string;
  readonly lua: string;
  /** 0: no keys and no arguments; 2: the store's keys and arguments. */
  readonly keys: 0 | 2;
}

const HMGET = "redis.call('HMGET', KEYS[1], ARGV[1], ARGV[1] .. 'd', 'u', ARGV[1] .. 'a')";
const VARIANTS: readonly Variant[] = [
  { name: 'return 1, no keys or arguments', lua: 'return 1', keys: 0 },
  { name: 'return 1, the 2 keys and 5 arguments', lua: 'return 1', keys: 2 },
  { name: 'TIME', lua: "redis.call('TIME') return 1", keys: 2 },
  { name: 'HMGET of the 4 fields', lua: `${HMGET} return 1`, keys: 2 },
  {
    name: 'TIME + HMGET + compare + the reply (no decode, no touch)',
    lua: `local t = redis.call('TIME')
local v = ${HMGET}
if v[1] ~= ARGV[2] then return {-3} end
return {0, tonumber(t[1]), v[3], v[2], v[4] or '', 0}`,
    keys: 2,
  },
];

type Call = (i: number) => Promise<unknown>;

async function main(): Promise<void> {
  const server = await RedisServer.start();
  const redis = createRedisClient({ url: server.url, commandTimeoutMs: 10_000 }) as Redis;
  try {
    await waitUntilReady(redis, 5000);
    const store = new SessionStore(redis, { defaults: { limit: 0 } });
    const tokens: string[] = [];
    for (let i = 0; i < SESSIONS; i += 1) {
      const created = await store.create({
        username: `user${i % 400}`,
        privLvl: 15,
        aaa: 'local',
        sourceIp: '10.0.0.1',
        userAgent: 'bench',
      });
      tokens.push(created.token);
      await redis.set(`bare:${created.token}`, JSON.stringify(created.session));
    }
    const token = (i: number): string => tokens[i % tokens.length] ?? '';
    // The arguments store.validate passes (session-store.ts), for the variants.
    const args = tokens.map((t) => {
      const parsed = parseToken(t);
      if (parsed === undefined) throw new Error('the store made an unparsable token');
      const base = `${store.options.keyPrefix}:{${parsed.ref.bucket}}`;
      const hash = createHash('sha256').update(parsed.secret).digest();
      return [
        `${base}:r:${parsed.ref.tag}`,
        `${base}:t:${parsed.ref.tag}`,
        parsed.ref.lid,
        hash,
        '1',
        -1,
        86_400_000,
      ];
    });
    const commands = redis as unknown as Record<string, (...values: unknown[]) => Promise<unknown>>;

    const measure = async (command: string, call: Call): Promise<string> => {
      for (let i = 0; i < 1000; i += 1) await call(i); // scripts loaded, JIT warm
      const before = await redisStats(redis);
      for (let i = 0; i < CALLS; i += IN_FLIGHT)
        await Promise.all(Array.from({ length: IN_FLIGHT }, (_, j) => call(i + j)));
      const { calls, usec } = commandDelta(before, await redisStats(redis), [command]);
      return (usec / calls).toFixed(2);
    };
    const rows = [
      ['GET of the raw peer’s record', await measure('get', (i) => redis.get(`bare:${token(i)}`))],
      [
        'EVALSHA validateSession-2.lua, as store.validate runs it',
        await measure('evalsha', (i) => store.validate(token(i))),
      ],
    ];
    for (const [n, variant] of VARIANTS.entries()) {
      const name = `costVariant${n}`;
      redis.defineCommand(name, { lua: variant.lua, numberOfKeys: variant.keys });
      const call: Call = (i) =>
        commands[name]?.(...(variant.keys === 0 ? [] : (args[i % args.length] ?? []))) ?? Promise.resolve();
      rows.push([`EVALSHA ${variant.name}`, await measure('evalsha', call)]);
    }
    process.stdout.write(
      [
        '| Redis command | usec_per_call |',
        '| --- | ---: |',
        ...rows.map(([n, v]) => `| ${n} | ${v} |`),
      ].join('\n') + '\n',
    );
  } finally {
    redis.disconnect();
    await server.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
