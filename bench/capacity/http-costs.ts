import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { LoadResult, LoadSpec } from '../http/load';
import { runProcess } from '../common/processes';
import { median } from '../common/table';
import { fix } from './format';
import { otherLoad, processCpuUs } from './proc-cpu';
import { SCRIPT_COMMANDS, callsOf, delta, resetStats, snapshot, usecOf } from './redis-stats';
import type { Measured } from './services';

// The autocannon runner of bench/http, in a process of its own (`node load.js <spec.json>`).
const LOAD = join(__dirname, '..', 'http', 'load.js');

/** One HTTP load to measure: what autocannon sends, and which auth-api process serves it. */
export interface HttpTarget {
  readonly name: string;
  readonly api: Measured;
  readonly spec: LoadSpec;
}

/** Per-request costs of one target, medians over rounds. */
export interface HttpCost {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly requests: number;
  readonly errors: number;
  /** auth-api CPU µs per request: /proc/<pid>/stat utime + stime delta ÷ requests. */
  readonly apiUs: number;
  /** The TACACS+ server's CPU µs per request (the same way). */
  readonly tacacsUs: number;
  /** Redis used_cpu_sys + used_cpu_user delta ÷ requests. */
  readonly redisCpuUs: number;
  /** Redis commandstats: script usec delta ÷ script calls (execution only). */
  readonly scriptUsec: number;
  /** INFO commandstats usec_per_call of EVALSHA after the load (stats reset before it). */
  readonly usecPerCall: number;
  readonly scriptsPerRequest: number;
  /** HSET calls per script: how many validations wrote a touch (logins write too). */
  readonly writesPerScript: number;
  /** Cores that processes other than this benchmark's kept busy during the load (the largest round). */
  readonly otherCores: number;
  readonly rounds: string;
}

interface Sample {
  readonly load: LoadResult;
  readonly apiUs: number;
  readonly tacacsUs: number;
  readonly redisCpuUs: number;
  readonly scriptUsec: number;
  readonly usecPerCall: number;
  readonly scriptsPerRequest: number;
  readonly writesPerScript: number;
  readonly otherCores: number;
}

/**
 * Runs every target once unmeasured for `warmUpS`, then `rounds` times, interleaved (A B C, A B C …),
 * so drift hits all alike.
 */
export async function measureHttp(
  dir: string,
  redis: Redis,
  tacacs: Measured,
  targets: readonly HttpTarget[],
  rounds: number,
  warmUpS: number,
): Promise<HttpCost[]> {
  const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
  // Unmeasured first: V8 compiles the hot paths and connections open (TACACS+ single-connect too).
  for (const target of targets) {
    await measureOnce(dir, redis, tacacs, { ...target, spec: { ...target.spec, durationS: warmUpS } });
  }
  for (let round = 0; round < rounds; round += 1) {
    for (const target of targets) {
      const sample = await measureOnce(dir, redis, tacacs, target);
      samples.get(target.name)?.push(sample);
      process.stderr.write(
        `capacity: ${target.name}: ${Math.round(sample.load.requestsPerSecond)} req/s, ${sample.apiUs.toFixed(1)} µs auth-api CPU per request\n`,
      );
    }
  }
  return targets.map((target) => {
    const runs = samples.get(target.name) ?? [];
    const m = (f: (s: Sample) => number): number => median(runs.map(f));
    return {
      name: target.name,
      requestsPerSecond: m((s) => s.load.requestsPerSecond),
      requests: runs.reduce((sum, s) => sum + s.load.ok + s.load.non2xx, 0),
      errors: runs.reduce((sum, s) => sum + s.load.non2xx + s.load.errors + s.load.timeouts, 0),
      apiUs: m((s) => s.apiUs),
      tacacsUs: m((s) => s.tacacsUs),
      redisCpuUs: m((s) => s.redisCpuUs),
      scriptUsec: m((s) => s.scriptUsec),
      usecPerCall: m((s) => s.usecPerCall),
      scriptsPerRequest: m((s) => s.scriptsPerRequest),
      writesPerScript: m((s) => s.writesPerScript),
      otherCores: Math.max(...runs.map((s) => s.otherCores)),
      rounds: runs.map((s) => fix(s.apiUs, 1)).join(' / '),
    };
  });
}

async function measureOnce(dir: string, redis: Redis, tacacs: Measured, target: HttpTarget): Promise<Sample> {
  const file = join(dir, 'spec.json');
  writeFileSync(file, JSON.stringify(target.spec));
  await resetStats(redis);
  const before = await snapshot(redis);
  const api = processCpuUs(target.api.pid);
  const aaa = processCpuUs(tacacs.pid);
  const others = otherLoad();
  const load = JSON.parse(await runProcess([LOAD, file])) as LoadResult;
  const apiUs = processCpuUs(target.api.pid) - api;
  const tacacsUs = processCpuUs(tacacs.pid) - aaa;
  const otherCores = others();
  const after = await snapshot(redis);
  const d = delta(before, after);
  const requests = Math.max(1, load.ok + load.non2xx);
  const scripts = Math.max(1, callsOf(d, SCRIPT_COMMANDS));
  return {
    load,
    apiUs: apiUs / requests,
    tacacsUs: tacacsUs / requests,
    redisCpuUs: d.cpuUs / requests,
    scriptUsec: usecOf(d, SCRIPT_COMMANDS) / scripts,
    usecPerCall: after.usecPerCall.get('evalsha') ?? 0,
    scriptsPerRequest: callsOf(d, SCRIPT_COMMANDS) / requests,
    writesPerScript: callsOf(d, ['hset']) / scripts,
    otherCores,
  };
}
