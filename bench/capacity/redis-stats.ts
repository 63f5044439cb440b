import type { Cluster, Redis } from 'ioredis';
import { parseInfo } from '@sessiond/test-utils';

/** What one Redis node has done so far: per-command counters, CPU time, memory and keys. */
export interface RedisSnapshot {
  /** INFO commandstats: calls and µs spent executing, per command (`evalsha`, `get`, `hset` …). */
  readonly commands: ReadonlyMap<string, { readonly calls: number; readonly usec: number }>;
  /** INFO commandstats usec_per_call, per command (an average since the last CONFIG RESETSTAT). */
  readonly usecPerCall: ReadonlyMap<string, number>;
  /** INFO cpu used_cpu_sys + used_cpu_user, in µs: the whole process, network I/O included. */
  readonly cpuUs: number;
  /** INFO memory used_memory (what maxmemory is compared with). */
  readonly usedMemory: number;
  /** Keys in db 0 (INFO keyspace). */
  readonly keys: number;
}

/** The change between two snapshots of one node. */
export interface RedisDelta {
  readonly commands: ReadonlyMap<string, { readonly calls: number; readonly usec: number }>;
  readonly cpuUs: number;
  readonly usedMemory: number;
  readonly keys: number;
}

export async function snapshot(redis: Redis | Cluster): Promise<RedisSnapshot> {
  // One INFO with several sections (Redis ≥ 7) so the figures describe one instant.
  const text = String(await redis.call('INFO', 'commandstats', 'cpu', 'memory', 'keyspace'));
  const info = parseInfo(text);
  const commands = new Map<string, { calls: number; usec: number }>();
  const usecPerCall = new Map<string, number>();
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+),usec_per_call=([\d.]+)/gm)) {
    commands.set(m[1] ?? '', { calls: Number(m[2]), usec: Number(m[3]) });
    usecPerCall.set(m[1] ?? '', Number(m[4]));
  }
  const seconds = Number(info['used_cpu_sys']) + Number(info['used_cpu_user']);
  return {
    commands,
    usecPerCall,
    cpuUs: seconds * 1e6,
    usedMemory: Number(info['used_memory']),
    keys: Number(/keys=(\d+)/.exec(info['db0'] ?? '')?.[1] ?? 0),
  };
}

export function delta(before: RedisSnapshot, after: RedisSnapshot): RedisDelta {
  const commands = new Map<string, { calls: number; usec: number }>();
  for (const [name, now] of after.commands) {
    const then = before.commands.get(name) ?? { calls: 0, usec: 0 };
    if (now.calls > then.calls)
      commands.set(name, { calls: now.calls - then.calls, usec: now.usec - then.usec });
  }
  return {
    commands,
    cpuUs: after.cpuUs - before.cpuUs,
    usedMemory: after.usedMemory - before.usedMemory,
    keys: after.keys - before.keys,
  };
}

/** Calls of the named commands in a delta (scripts: `evalsha` and `eval`, as ioredis falls back). */
export function callsOf(d: RedisDelta, names: readonly string[]): number {
  return names.reduce((sum, name) => sum + (d.commands.get(name)?.calls ?? 0), 0);
}

/** µs spent executing the named commands (commandstats `usec`), excluding network and parsing. */
export function usecOf(d: RedisDelta, names: readonly string[]): number {
  return names.reduce((sum, name) => sum + (d.commands.get(name)?.usec ?? 0), 0);
}

/** The scripts the store runs: EVALSHA, and EVAL once when a script is not yet cached. */
export const SCRIPT_COMMANDS = ['evalsha', 'eval'] as const;

/** Resets INFO commandstats (so usec_per_call describes only what follows). */
export async function resetStats(redis: Redis | Cluster): Promise<void> {
  await redis.call('CONFIG', 'RESETSTAT');
}
