import type { Redis } from 'ioredis';
import { SessionStore, createRedisClient, waitUntilReady } from '@sessiond/session-store';
import { closedLoop, inBatches } from '../common/load';
import { otherLoad } from './proc-cpu';
import { SCRIPT_COMMANDS, callsOf, delta, resetStats, snapshot, usecOf } from './redis-stats';

// Redis CPU per operation, driven from this process through the store (no HTTP in between), in two
// shapes: "unbatched", many connections with one command in flight each (a fleet of auth-api
// processes or services, each sending a few hundred commands a second to each master), and
// "batched", one connection with 100 in flight (one busy auth-api: Redis reads many commands per
// read(2)). Redis's CPU per command is mostly network I/O, so the shape matters.
const CONNECTIONS = 16;
const BATCHED_CALLERS = 100;
const TOKENS = 10_000;
const USERS_FOR_CREATE = 20_000;

export type Shape = 'unbatched' | 'batched';

/** The operations measured, by name (the model looks its inputs up by these). */
export const OPERATIONS = {
  get: 'GET (~200-byte value)',
  read: 'validation, read only (one HMGET once the store knows the session)',
  touch: 'validateSession, writing a touch',
  create: 'createSession (a login)',
} as const;

export interface RedisOpCost {
  readonly operation: string;
  readonly shape: Shape;
  readonly opsPerSecond: number;
  /** used_cpu_sys + used_cpu_user delta ÷ operations (the whole process). */
  readonly cpuUs: number;
  /** commandstats usec delta ÷ calls of the operation's command (execution only). */
  readonly usec: number;
  /** INFO commandstats usec_per_call of the command after the run (stats reset before it). */
  readonly usecPerCall: number;
  /** HSET calls per operation: touches written (validation), or the insert (create). */
  readonly writesPerOp: number;
  /** Cores that processes other than this benchmark's kept busy meanwhile. */
  readonly otherCores: number;
}

interface Operation {
  readonly name: string;
  readonly command: readonly string[];
  run(client: number, i: number): Promise<unknown>;
}

export async function measureRedisOps(url: string, durationMs: number): Promise<RedisOpCost[]> {
  const clients = await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const client = createRedisClient({ url }) as Redis;
      await waitUntilReady(client, 5000);
      return client;
    }),
  );
  const [first] = clients;
  if (first === undefined) throw new Error('no client');
  try {
    const reading = clients.map((c) => new SessionStore(c, { keyPrefix: 'capops', defaults: { limit: 0 } }));
    // Granularity 0: every validation moves the idle deadline, so every one writes (HSET + PEXPIRE).
    const touching = clients.map((c) => new SessionStore(c, { keyPrefix: 'capops', touchGranularityMs: 0 }));
    const creating = clients.map(
      (c) => new SessionStore(c, { keyPrefix: 'capops', defaults: { policy: 'evict-oldest' } }),
    );
    const tokens: string[] = [];
    await inBatches(
      Array.from({ length: TOKENS }, (_, i) => i),
      200,
      async (i) => {
        const created = await reading[0]?.create(session(`v${i}`));
        tokens[i] = created?.token ?? '';
        // The peer: a ~200-byte JSON record, what a bare GET-based token check would fetch.
        if (created !== undefined) await first.set(`capget:${i}`, JSON.stringify(created.session));
      },
    );
    const at = (client: number, i: number): number => (client * 7919 + i * 104_729) % TOKENS;
    // Each reading store validates every session once first (its script), so that the read-only
    // figure is the plain reads' (validation-hints.ts), not a mix with first sightings.
    await inBatches(
      reading.flatMap((_, c) => tokens.map((_t, i) => ({ c, i }))),
      400,
      ({ c, i }) => pick(reading, c).validate(tokens[i] ?? '', { touch: false }),
    );
    const operations: Operation[] = [
      { name: OPERATIONS.get, command: ['get'], run: (c, i) => client(clients, c).get(`capget:${at(c, i)}`) },
      {
        name: OPERATIONS.read,
        // After its first (script) validation, the store reads a known session with one HMGET.
        command: ['hmget'],
        run: (c, i) => pick(reading, c).validate(tokens[at(c, i)] ?? '', { touch: false }),
      },
      {
        name: OPERATIONS.touch,
        command: SCRIPT_COMMANDS,
        run: (c, i) => pick(touching, c).validate(tokens[at(c, i)] ?? ''),
      },
      {
        name: OPERATIONS.create,
        command: SCRIPT_COMMANDS,
        run: (c, i) => pick(creating, c).create(session(`c${(c * 100_003 + i) % USERS_FOR_CREATE}`)),
      },
    ];
    const costs: RedisOpCost[] = [];
    for (const shape of ['unbatched', 'batched'] as const) {
      for (const operation of operations) {
        costs.push(await measureOne(first, operation, shape, durationMs));
      }
    }
    return costs;
  } finally {
    for (const c of clients) c.disconnect();
  }
}

async function measureOne(
  redis: Redis,
  operation: Operation,
  shape: Shape,
  durationMs: number,
): Promise<RedisOpCost> {
  await resetStats(redis);
  const before = await snapshot(redis);
  const others = otherLoad();
  const result =
    shape === 'unbatched'
      ? await closedLoop(CONNECTIONS, durationMs, (caller, i) => operation.run(caller, i))
      : await closedLoop(BATCHED_CALLERS, durationMs, (caller, i) =>
          operation.run(0, caller * 1_000_003 + i),
        );
  const otherCores = others();
  const after = await snapshot(redis);
  if (result.errors > 0) throw new Error(`${operation.name}: ${result.errors} errors`);
  const d = delta(before, after);
  const calls = Math.max(1, callsOf(d, operation.command));
  const ops = Math.max(1, result.count);
  const cost = {
    operation: operation.name,
    shape,
    opsPerSecond: result.perSecond,
    cpuUs: d.cpuUs / ops,
    usec: usecOf(d, operation.command) / calls,
    usecPerCall: after.usecPerCall.get(operation.command[0] ?? '') ?? 0,
    writesPerOp: callsOf(d, ['hset']) / ops,
    otherCores,
  };
  process.stderr.write(
    `capacity: Redis ${operation.name}, ${shape}: ${Math.round(cost.opsPerSecond)}/s, ${cost.cpuUs.toFixed(1)} µs CPU per op\n`,
  );
  return cost;
}

function session(username: string): Parameters<SessionStore['create']>[0] {
  return { username, privLvl: 15, aaa: 'tacacs+', sourceIp: '10.1.2.3', userAgent: 'capacity' };
}

function client(clients: readonly Redis[], index: number): Redis {
  const found = clients[index % clients.length];
  if (found === undefined) throw new Error('no client');
  return found;
}

function pick(stores: readonly SessionStore[], index: number): SessionStore {
  const found = stores[index % stores.length];
  if (found === undefined) throw new Error('no store');
  return found;
}
