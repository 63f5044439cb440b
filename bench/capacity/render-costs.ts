import { markdownTable } from '../common/table';
import type { HttpCost } from './http-costs';
import type { MemoryCost } from './memory';
import { count, fix } from './format';
import type { RedisOpCost } from './redis-costs';

/** Table 1: per-request CPU of the auth-api, the TACACS+ server and Redis under HTTP loads. */
export function httpTable(costs: readonly HttpCost[]): string {
  return markdownTable(
    [
      'load',
      'req/s',
      'auth-api CPU µs/req',
      'rounds (µs/req)',
      'TACACS+ server CPU µs/req',
      'Redis CPU µs/req',
      'script usec Δ ÷ calls',
      'EVALSHA usec_per_call',
      'scripts/req',
      'HSET/script',
      'errors',
      'other processes (cores)',
    ],
    costs.map((c) => [
      c.name,
      count(c.requestsPerSecond),
      fix(c.apiUs, 1),
      c.rounds,
      fix(c.tacacsUs, 1),
      fix(c.redisCpuUs, 2),
      fix(c.scriptUsec, 2),
      fix(c.usecPerCall, 2),
      fix(c.scriptsPerRequest, 3),
      fix(c.writesPerScript, 2),
      c.errors,
      fix(c.otherCores, 2),
    ]),
  );
}

/** Table 2: Redis CPU per operation driven through the store, unbatched and batched. */
export function opsTable(costs: readonly RedisOpCost[]): string {
  return markdownTable(
    [
      'operation',
      'shape',
      'ops/s',
      'Redis CPU µs/op (used_cpu Δ)',
      'usec Δ ÷ calls',
      'usec_per_call',
      'HSET/op',
      'other processes (cores)',
    ],
    costs.map((c) => [
      c.operation,
      c.shape === 'unbatched' ? 'unbatched: 16 connections × 1' : 'batched: 1 connection × 100',
      count(c.opsPerSecond),
      fix(c.cpuUs, 2),
      fix(c.usec, 2),
      fix(c.usecPerCall, 2),
      fix(c.writesPerOp, 2),
      fix(c.otherCores, 2),
    ]),
  );
}

/** Table 3: bytes per live session and per revoked session. */
export function memoryTable(costs: readonly MemoryCost[]): string {
  return markdownTable(
    [
      'sessions',
      'per user',
      'buckets × index shards',
      'users per index shard',
      'bytes/session (used_memory Δ)',
      'keys/session',
      'MEMORY USAGE of a records hash',
      'bytes per revoked session',
    ],
    costs.map((c) => [
      count(c.sessions),
      c.sessionsPerUser,
      `${c.buckets} × ${c.indexShards}`,
      fix(c.sessions / c.sessionsPerUser / (c.buckets * c.indexShards), 1),
      fix(c.bytesPerSession, 0),
      fix(c.keysPerSession, 2),
      fix(c.recordsHashBytes, 0),
      c.bytesPerRevoked === undefined ? '–' : fix(c.bytesPerRevoked, 0),
    ]),
  );
}
