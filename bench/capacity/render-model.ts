import { markdownTable } from '../common/table';
import type { InputRow } from './inputs';
import { count, fix, pct } from './format';
import type { ModelResult } from './model';
import type { Scenario } from './scenario';
import { largestShare } from './slots';

/** The scenario and the assumptions, each with why. */
export function scenarioTable(s: Scenario): string {
  const gib = (bytes: number): string => `${fix(bytes / 2 ** 30, 0)} GiB`;
  return markdownTable(
    ['symbol', 'assumption', 'value', 'why'],
    [
      ['S', 'live sessions', count(s.liveSessions), 'issue 15'],
      ['V', 'validations/s', count(s.validationsPerS), 'issue 15'],
      ['L', 'logins/s', count(s.loginsPerS), 'issue 15'],
      ['', 'sessions per user', s.sessionsPerUser, 'one per user costs the most bytes per session'],
      [
        'idle',
        'idle timeout (s)',
        s.idleTimeoutS,
        'SESSION_IDLE_TIMEOUT_S default; sets the touch granularity',
      ],
      ['', 'tombstone TTL (s)', s.tombstoneTtlS, 'the store default'],
      [
        '',
        'share of sessions ended by logout, revocation or eviction',
        pct(s.endedByRevocation),
        'a guess: the rest expire',
      ],
      [
        '',
        'auth-api CPU ceiling',
        pct(s.apiCpuCeiling),
        'headroom for bursts and GC; one core per Node process',
      ],
      ['', 'Redis CPU ceiling per master', pct(s.redisCpuCeiling), 'Redis executes commands on one thread'],
      ['', 'maxmemory per master', gib(s.maxmemoryBytes), 'with maxmemory-policy noeviction'],
      [
        '',
        'memory ceiling',
        `${pct(s.memoryCeiling)} of maxmemory`,
        'growth, fragmentation, failure counters',
      ],
      ['', 'SESSION_STORE_BUCKETS', s.buckets, 'the maximum: users spread over 1,296 slots'],
      [
        '',
        'users per index shard (aim)',
        s.usersPerIndexShard,
        'options.ts: buckets × indexShards ≥ users ÷ 100',
      ],
      [
        '',
        'CPU µs per cache hit in a calling service',
        s.cacheHitUs,
        'assumption: issue 15 target, ≥ 10⁶ hits/s per process',
      ],
      [
        '',
        'Redis CPU per cache command',
        'R_touch',
        'assumption: a batched touch or a miss costs a touching validateSession',
      ],
    ],
  );
}

export function inputsTable(rows: readonly InputRow[]): string {
  return markdownTable(
    ['symbol', 'measured', 'value', 'where'],
    rows.map((r) => [r.symbol, r.meaning, r.value, r.source]),
  );
}

export function resultsTable(result: ModelResult): string {
  return markdownTable(
    ['quantity', 'formula', 'no cache', 'cache, hot tokens', 'cache, uniform traffic'],
    result.rows.map((r) => [r.quantity, r.formula, r.values.none, r.values.hot, r.values.uniform]),
  );
}

/** How much more than an even share the busiest master carries, for 64 and for `buckets` buckets. */
export function spreadTable(buckets: number, masters: readonly number[]): string {
  const columns = [64, buckets];
  return markdownTable(
    ['masters M', 'even share 1/M', ...columns.map((b) => `busiest master, ${b} buckets: share (÷ even)`)],
    masters.map((m) => [
      m,
      pct(1 / m, 1),
      ...columns.map((b) =>
        m > b ? 'masters > buckets' : `${pct(largestShare(b, m), 1)} (${fix(largestShare(b, m) * m, 2)})`,
      ),
    ]),
  );
}
