import type { CacheFigure } from './cache-figure';
import type { HttpCost } from './http-costs';
import { TARGETS } from './http-targets';
import type { MemoryCost } from './memory';
import { fix } from './format';
import type { Costs } from './model';
import { OPERATIONS, type RedisOpCost } from './redis-costs';

/** One model input as the doc lists it: symbol, value, and where it was measured. */
export interface InputRow {
  readonly symbol: string;
  readonly meaning: string;
  readonly value: string;
  readonly source: string;
}

/** Picks the model's inputs out of the measurements, saying for each where it came from. */
export function buildInputs(
  http: readonly HttpCost[],
  ops: readonly RedisOpCost[],
  memory: MemoryCost,
  cache: CacheFigure,
): { costs: Costs; rows: InputRow[] } {
  const load = (name: string): HttpCost => {
    const found = http.find((c) => c.name === name);
    if (found === undefined) throw new Error(`no measurement of ${name}`);
    return found;
  };
  const op = (name: string): RedisOpCost => {
    const found = ops.find((c) => c.operation === name && c.shape === 'unbatched');
    if (found === undefined) throw new Error(`no measurement of ${name}`);
    return found;
  };
  const get = load(TARGETS.get);
  const introspect = load(TARGETS.introspect);
  const login = load(TARGETS.login);
  const validation = get.apiUs >= introspect.apiUs ? get : introspect;
  const costs: Costs = {
    apiValidationUs: validation.apiUs,
    apiLoginUs: login.apiUs,
    redisReadUs: op(OPERATIONS.read).cpuUs,
    redisTouchUs: op(OPERATIONS.touch).cpuUs,
    redisLoginUs: op(OPERATIONS.create).cpuUs,
    bytesPerSession: memory.bytesPerSession,
    bytesPerRevoked: memory.bytesPerRevoked ?? 0,
    cacheCommands: cache.commands,
  };
  const httpSource = (c: HttpCost): string =>
    `auth-api /proc/<pid>/stat utime+stime Δ ÷ requests, “${c.name}” load (table 1)`;
  const opSource = (name: string): string =>
    `Redis used_cpu_sys+used_cpu_user Δ ÷ operations, “${name}”, unbatched (table 2)`;
  const rows: InputRow[] = [
    {
      symbol: 'A_val',
      meaning: 'auth-api CPU µs per validation (the costlier endpoint)',
      value: fix(costs.apiValidationUs, 1),
      source: httpSource(validation),
    },
    {
      symbol: 'A_login',
      meaning: 'auth-api CPU µs per TACACS+ login',
      value: fix(costs.apiLoginUs, 1),
      source: httpSource(login),
    },
    {
      symbol: 'R_read',
      meaning: 'Redis CPU µs per validation that only reads',
      value: fix(costs.redisReadUs, 2),
      source: opSource(OPERATIONS.read),
    },
    {
      symbol: 'R_touch',
      meaning: 'Redis CPU µs per validation that writes a touch',
      value: fix(costs.redisTouchUs, 2),
      source: opSource(OPERATIONS.touch),
    },
    {
      symbol: 'R_login',
      meaning: 'Redis CPU µs per login (createSession)',
      value: fix(costs.redisLoginUs, 2),
      source: opSource(OPERATIONS.create),
    },
    {
      symbol: 'B_session',
      meaning: 'Redis bytes per live session',
      value: fix(costs.bytesPerSession, 0),
      source: `used_memory Δ ÷ ${memory.sessions.toLocaleString('en-US')} sessions created through the store, ${memory.sessionsPerUser} per user (table 3)`,
    },
    {
      symbol: 'B_revoked',
      meaning: 'Redis bytes a revoked session keeps (tombstone)',
      value: fix(costs.bytesPerRevoked, 0),
      source: 'used_memory Δ after revoking all of them, ÷ sessions (table 3)',
    },
    {
      symbol: 'C',
      meaning: 'Redis commands per hot-token validation with the direct-mode cache',
      value: String(costs.cacheCommands),
      source: cache.source,
    },
  ];
  return { costs, rows };
}
