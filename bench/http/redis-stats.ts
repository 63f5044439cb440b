import type { Redis } from 'ioredis';

/** What Redis has done so far: per command (INFO commandstats) and its own CPU time (INFO cpu). */
export interface RedisStats {
  /** Command name (lower case) → calls and µs spent in it, as commandstats counts them. */
  readonly commands: ReadonlyMap<string, { readonly calls: number; readonly usec: number }>;
  /** used_cpu_user + used_cpu_sys, in µs: the commands plus the network work around them. */
  readonly cpuMicros: number;
}

export async function redisStats(redis: Redis): Promise<RedisStats> {
  const [commandstats, cpu] = await Promise.all([redis.info('commandstats'), redis.info('cpu')]);
  const commands = new Map<string, { calls: number; usec: number }>();
  for (const match of commandstats.matchAll(/^cmdstat_([a-z|]+):calls=(\d+),usec=(\d+)/gm))
    commands.set(match[1] ?? '', { calls: Number(match[2]), usec: Number(match[3]) });
  const seconds = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? 0);
  return { commands, cpuMicros: (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6 };
}

/** Calls and µs of `names` between two snapshots. */
export function commandDelta(
  before: RedisStats,
  after: RedisStats,
  names: readonly string[],
): { calls: number; usec: number } {
  let calls = 0;
  let usec = 0;
  for (const name of names) {
    calls += (after.commands.get(name)?.calls ?? 0) - (before.commands.get(name)?.calls ?? 0);
    usec += (after.commands.get(name)?.usec ?? 0) - (before.commands.get(name)?.usec ?? 0);
  }
  return { calls, usec };
}
