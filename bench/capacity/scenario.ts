// What the capacity model is asked (issue 15) and what it assumes: every figure here is a stated
// choice, not a measurement. The measurements come from the other files of this folder.

/** Every field is a number: see SCENARIO for what each means and its value. */
export interface Scenario {
  readonly liveSessions: number;
  readonly validationsPerS: number;
  readonly loginsPerS: number;
  readonly sessionsPerUser: number;
  readonly idleTimeoutS: number;
  readonly tombstoneTtlS: number;
  readonly endedByRevocation: number;
  readonly apiCpuCeiling: number;
  readonly redisCpuCeiling: number;
  readonly maxmemoryBytes: number;
  readonly memoryCeiling: number;
  readonly buckets: number;
  readonly usersPerIndexShard: number;
  readonly cacheHitUs: number;
  readonly cacheCommandsTarget: number;
}

export const SCENARIO: Scenario = Object.freeze({
  liveSessions: 10_000_000,
  validationsPerS: 200_000,
  loginsPerS: 2_000,
  /** One session per user: the most bytes per session (measured: more per user share a hash). */
  sessionsPerUser: 1,
  /** SESSION_IDLE_TIMEOUT_S's default; it sets the touch granularity (1 %, 1 s to a tenth). */
  idleTimeoutS: 900,
  /** The store's default tombstoneTtlMs: a revoked or evicted token is told why for an hour. */
  tombstoneTtlS: 3600,
  /** Share of sessions that end by logout, revocation or eviction (the rest expire): a guess. */
  endedByRevocation: 0.5,
  /** Plan auth-api processes to run at most this busy (a core each: Node runs JS on one thread). */
  apiCpuCeiling: 0.7,
  /** Plan each Redis master to run at most this busy (it executes commands on one thread). */
  redisCpuCeiling: 0.7,
  /** maxmemory of each master (with maxmemory-policy noeviction: sessions must never be evicted). */
  maxmemoryBytes: 4 * 2 ** 30,
  /** Plan sessions to fill at most this share of maxmemory (growth, fragmentation, failure keys). */
  memoryCeiling: 0.75,
  /** SESSION_STORE_BUCKETS: the maximum, so users spread over 1,296 slots (the default 64 is shown too). */
  buckets: 1296,
  /** options.ts: aim for buckets × indexShards ≥ users / 100 (index shards stay compact listpacks). */
  usersPerIndexShard: 100,
  /** Issue 15's target for the direct-mode cache: ≥ 1,000,000 hot validations/s in one process. */
  cacheHitUs: 1,
  /** Issue 15's target for Redis commands per hot-token validation, used when no measurement exists. */
  cacheCommandsTarget: 0.01,
});

/** Users, index shards and users per shard the scenario implies (SESSION_STORE_INDEX_SHARDS). */
export function layout(s: Scenario): { users: number; indexShards: number; usersPerShard: number } {
  const users = s.liveSessions / s.sessionsPerUser;
  const indexShards = Math.min(1024, Math.ceil(users / s.usersPerIndexShard / s.buckets));
  return { users, indexShards, usersPerShard: users / (s.buckets * indexShards) };
}

/**
 * The store's automatic touch granularity for an idle timeout: 1 %, at least 1 s, at most a tenth
 * (validateSession-2.lua, in seconds here).
 */
export function touchGranularityS(idleTimeoutS: number): number {
  return Math.min(Math.max(1, idleTimeoutS / 100), idleTimeoutS / 10);
}
