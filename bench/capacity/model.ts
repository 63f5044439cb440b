import { count, fix, pct } from './format';
import { largestShare } from './slots';
import { layout, touchGranularityS, type Scenario } from './scenario';

/** The measured per-operation costs the model is built from (µs of CPU, bytes). */
export interface Costs {
  /** auth-api CPU per validation: the costlier of GET /token-services/{id} and POST /introspect. */
  readonly apiValidationUs: number;
  /** auth-api CPU per TACACS+ login (TACACS_SINGLE_CONNECT's default: a connection per login). */
  readonly apiLoginUs: number;
  /** Redis CPU per validateSession that only reads, and per one that writes a touch (unbatched). */
  readonly redisReadUs: number;
  readonly redisTouchUs: number;
  /** Redis CPU per createSession (unbatched). */
  readonly redisLoginUs: number;
  readonly bytesPerSession: number;
  /** used_memory a revoked session keeps while its tombstone lasts. */
  readonly bytesPerRevoked: number;
  /** Redis commands per validation of a hot token with the direct-mode cache. */
  readonly cacheCommands: number;
}

/** The three cases the model answers: no cache; the cache with hot tokens; with uniform traffic. */
export type Column = 'none' | 'hot' | 'uniform';

/** One line of the result: what, how (formula), and its value per column. */
export interface ResultRow {
  readonly quantity: string;
  readonly formula: string;
  readonly values: Readonly<Record<Column, string>>;
}

export interface ModelResult {
  readonly rows: readonly ResultRow[];
  readonly masters: Readonly<Record<Column, number | undefined>>;
  readonly apiCores: Readonly<Record<Column, number>>;
}

/** Masters are searched up to this many (a bucket never splits, so buckets bound them anyway). */
const MAX_MASTERS = 256;

/** The smallest number of masters whose busiest one carries at most `capacity` of `total`. */
export function mastersFor(total: number, capacity: number, buckets: number): number | undefined {
  for (let masters = 1; masters <= Math.min(buckets, MAX_MASTERS); masters += 1) {
    if (total * largestShare(buckets, masters) <= capacity) return masters;
  }
  return undefined;
}

export function model(s: Scenario, c: Costs): ModelResult {
  const V = s.validationsPerS;
  const L = s.loginsPerS;
  const interval = s.liveSessions / V;
  const g = touchGranularityS(s.idleTimeoutS);
  const touchShare = interval >= g ? 1 : interval / g;
  const commands: Record<Column, number> = {
    none: 1,
    hot: c.cacheCommands,
    uniform: Math.max(c.cacheCommands, touchShare),
  };
  const redisPerValidation: Record<Column, number> = {
    none: touchShare * c.redisTouchUs + (1 - touchShare) * c.redisReadUs,
    hot: commands.hot * c.redisTouchUs,
    uniform: commands.uniform * c.redisTouchUs,
  };
  const apiCpu: Record<Column, number> = {
    none: (V * c.apiValidationUs + L * c.apiLoginUs) / 1e6,
    hot: (L * c.apiLoginUs) / 1e6,
    uniform: (L * c.apiLoginUs) / 1e6,
  };
  const apiCores = map((col) => Math.ceil(apiCpu[col] / s.apiCpuCeiling));
  const redisCpu = map((col) => (V * redisPerValidation[col] + L * c.redisLoginUs) / 1e6);
  const tombstones = L * s.endedByRevocation * s.tombstoneTtlS;
  const memory = s.liveSessions * c.bytesPerSession + tombstones * c.bytesPerRevoked;
  const memoryCapacity = s.maxmemoryBytes * s.memoryCeiling;
  const byCpu = map((col) => mastersFor(redisCpu[col], s.redisCpuCeiling, s.buckets));
  const byMemory = mastersFor(memory, memoryCapacity, s.buckets);
  const masters = map((col) => {
    const cpu = byCpu[col];
    return cpu === undefined || byMemory === undefined ? undefined : Math.max(cpu, byMemory);
  });
  const busiest = (col: Column): number => {
    const m = masters[col];
    return m === undefined ? NaN : largestShare(s.buckets, m);
  };
  const same = (value: string): Record<Column, string> => ({ none: value, hot: value, uniform: value });
  const { users, indexShards, usersPerShard } = layout(s);
  const rows: ResultRow[] = [
    {
      quantity: 'Δ: seconds between two validations of one session (mean)',
      formula: 'S ÷ V',
      values: same(fix(interval, 1)),
    },
    {
      quantity: 'g: touch granularity (s)',
      formula: 'min(max(1, idle ÷ 100), idle ÷ 10)',
      values: same(fix(g, 1)),
    },
    {
      quantity: 'f: share of validations that write a touch',
      formula: 'Δ ≥ g ? 1 : Δ ÷ g',
      values: same(fix(touchShare, 2)),
    },
    {
      quantity: 'Redis commands per validation',
      formula: 'none: 1 · hot: C · uniform: max(C, f)',
      values: map((col) => fix(commands[col], 3)),
    },
    {
      quantity: 'R_val: Redis CPU µs per validation',
      formula: 'none: f·R_touch + (1−f)·R_read · cache: commands × R_touch',
      values: map((col) => fix(redisPerValidation[col], 2)),
    },
    {
      quantity: 'auth-api CPU (cores busy)',
      formula: 'none: (V·A_val + L·A_login) ÷ 10⁶ · cache: L·A_login ÷ 10⁶',
      values: map((col) => fix(apiCpu[col], 2)),
    },
    {
      quantity: `**auth-api cores (processes) at ${pct(s.apiCpuCeiling)}**`,
      formula: '⌈cores busy ÷ ceiling⌉',
      values: map((col) => `**${apiCores[col]}**`),
    },
    {
      quantity: 'CPU in the calling services for cache hits (cores)',
      formula: 'V × hit µs ÷ 10⁶ (assumed)',
      values: { none: '0', hot: fix((V * s.cacheHitUs) / 1e6, 2), uniform: fix((V * s.cacheHitUs) / 1e6, 2) },
    },
    {
      quantity: 'Redis CPU (cores busy, all masters)',
      formula: '(V·R_val + L·R_login) ÷ 10⁶',
      values: map((col) => fix(redisCpu[col], 2)),
    },
    {
      quantity: 'tombstones alive',
      formula: 'L × revoked share × tombstone TTL',
      values: same(count(tombstones)),
    },
    {
      quantity: 'Redis memory (GiB, all masters)',
      formula: 'S·B_session + tombstones·B_revoked',
      values: same(fix(memory / 2 ** 30, 2)),
    },
    {
      quantity: `masters by CPU (busiest ≤ ${pct(s.redisCpuCeiling)} of a core)`,
      formula: 'least M: CPU × share(M) ≤ ceiling',
      values: map((col) => show(byCpu[col])),
    },
    {
      quantity: `masters by memory (busiest ≤ ${pct(s.memoryCeiling)} of ${fix(s.maxmemoryBytes / 2 ** 30, 0)} GiB)`,
      formula: 'least M: memory × share(M) ≤ maxmemory × ceiling',
      values: same(show(byMemory)),
    },
    {
      quantity: '**Redis Cluster masters**',
      formula: 'max(by CPU, by memory)',
      values: map((col) => `**${show(masters[col])}**`),
    },
    {
      quantity: 'busiest master: share of users, CPU (cores), memory (GiB)',
      formula: 'share(M) · CPU × share · memory × share',
      values: map(
        (col) =>
          `${pct(busiest(col), 1)} · ${fix(redisCpu[col] * busiest(col), 2)} · ${fix((memory * busiest(col)) / 2 ** 30, 2)}`,
      ),
    },
    {
      quantity: 'store layout: users, SESSION_STORE_INDEX_SHARDS, users per index shard',
      formula: 'S ÷ per user · ⌈users ÷ 100 ÷ buckets⌉ · users ÷ (buckets × shards)',
      values: same(`${count(users)} · ${indexShards} · ${fix(usersPerShard, 1)}`),
    },
  ];
  return { rows, masters, apiCores };
}

function map<T>(f: (col: Column) => T): Record<Column, T> {
  return { none: f('none'), hot: f('hot'), uniform: f('uniform') };
}

function show(masters: number | undefined): string {
  return masters === undefined ? `> ${MAX_MASTERS}` : String(masters);
}
