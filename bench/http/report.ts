import { markdownTable, median } from '../common/table';
import type { LoadResult } from './load';

/** One load run of one target, with what it cost the server process and Redis. */
export interface Measured extends LoadResult {
  /** Redis round trips per request answered (one per validation: targets.ts). */
  readonly perRequest: number;
  /** sessiond: validations that needed the script (the rest were one HMGET), per request answered. */
  readonly scriptsPerRequest: number;
  /** CPU µs the target's server process used per request answered (/proc/<pid>/stat). */
  readonly serverCpu: number;
  /** CPU µs Redis used per request answered (INFO cpu): commands, network and event loop. */
  readonly redisCpu: number;
  /** commandstats calls and µs of the target's commands during the run. */
  readonly calls: number;
  readonly usec: number;
}

/** What the report needs to know of a target. */
export interface Reported {
  readonly key: string;
  readonly name: string;
  /** The sessiond routes held to the targets (the others are peers). */
  readonly sessiond: boolean;
}

interface Summary extends Reported {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly perRequest: number;
  readonly scriptsPerRequest: number;
  readonly serverCpu: number;
  readonly redisCpu: number;
  /** commandstats usec_per_call over every round. */
  readonly usecPerCall: number;
  readonly rounds: string;
}

function summarize(target: Reported, runs: readonly Measured[]): Summary {
  const calls = runs.reduce((sum, r) => sum + r.calls, 0);
  return {
    ...target,
    rps: median(runs.map((r) => r.requestsPerSecond)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    errors: runs.reduce((s, r) => s + r.non2xx + r.errors + r.timeouts, 0),
    perRequest: median(runs.map((r) => r.perRequest)),
    scriptsPerRequest: median(runs.map((r) => r.scriptsPerRequest)),
    serverCpu: median(runs.map((r) => r.serverCpu)),
    redisCpu: median(runs.map((r) => r.redisCpu)),
    usecPerCall: calls === 0 ? 0 : runs.reduce((sum, r) => sum + r.usec, 0) / calls,
    rounds: runs.map((r) => Math.round(r.requestsPerSecond)).join(' / '),
  };
}

/**
 * The results table (every target's ratio to the raw floor and to the older peers present), then
 * the verdicts of targets.md for the sessiond routes: ≥ 0.9 × the raw floor's req/s with p99 ≤ 1.1 ×
 * its p99, ≥ 0.9 × bare, ≥ 1.8 × express-session, p99 ≤ 1.2 × bare's, one Redis round trip.
 */
export function report(targets: readonly Reported[], results: ReadonlyMap<string, Measured[]>): string {
  const summary = targets.map((t) => summarize(t, results.get(t.key) ?? []));
  const peer = (key: string): Summary | undefined => summary.find((s) => s.key === key);
  const [raw, rawPost, bare, es, hello] = ['raw', 'raw-post', 'bare', 'express-session', 'hello'].map(peer);
  const ratio = (a: number, b: number | undefined): string =>
    b === undefined || b === 0 ? '–' : (a / b).toFixed(2);
  const fixed = (n: number, digits = 1): string => n.toFixed(digits);
  const table = markdownTable(
    [
      'target',
      'req/s',
      'rounds',
      'p50 ms',
      'p99 ms',
      'errors',
      'Redis round trips/req',
      'scripts/req',
      'server CPU µs/req',
      'Redis CPU µs/req',
      'Redis µs/call (sessiond: script)',
      '÷ raw',
      'p99 ÷ raw p99',
      '÷ bare',
      '÷ express-session',
      '÷ hello',
      'p99 ÷ bare p99',
    ],
    summary.map((s) => [
      s.name,
      Math.round(s.rps),
      s.rounds,
      fixed(s.p50, 2),
      fixed(s.p99, 2),
      s.errors,
      fixed(s.perRequest, 2),
      s.sessiond ? fixed(s.scriptsPerRequest, 2) : '–',
      fixed(s.serverCpu),
      fixed(s.redisCpu),
      s.usecPerCall === 0 ? '–' : fixed(s.usecPerCall, 2),
      ratio(s.rps, raw?.rps),
      ratio(s.p99, raw?.p99),
      ratio(s.rps, bare?.rps),
      ratio(s.rps, es?.rps),
      ratio(s.rps, hello?.rps),
      ratio(s.p99, bare?.p99),
    ]),
  );
  const verdict = (name: string, ok: boolean, figure: string): string =>
    `| ${name} | ${ok ? 'met' : 'missed'} | ${figure} |`;
  const verdicts = summary
    .filter((s) => s.sessiond)
    .flatMap((s) => [
      ...(raw === undefined
        ? []
        : [
            verdict(`${s.name} ≥ 0.9 × raw floor`, s.rps >= 0.9 * raw.rps, `${ratio(s.rps, raw.rps)} ×`),
            verdict(
              `${s.name} p99 ≤ 1.1 × raw floor p99`,
              s.p99 <= 1.1 * raw.p99,
              `${fixed(s.p99, 2)} ms vs ${fixed(raw.p99, 2)} ms (${ratio(s.p99, raw.p99)} ×)`,
            ),
          ]),
      ...(bare === undefined
        ? []
        : [
            verdict(`${s.name} ≥ 0.9 × bare`, s.rps >= 0.9 * bare.rps, `${ratio(s.rps, bare.rps)} ×`),
            verdict(
              `${s.name} p99 ≤ 1.2 × bare p99`,
              s.p99 <= 1.2 * bare.p99,
              `${fixed(s.p99, 2)} ms vs ${fixed(bare.p99, 2)} ms (${ratio(s.p99, bare.p99)} ×)`,
            ),
          ]),
      ...(es === undefined
        ? []
        : [verdict(`${s.name} ≥ 1.8 × express-session`, s.rps >= 1.8 * es.rps, `${ratio(s.rps, es.rps)} ×`)]),
      verdict(
        `${s.name}: 1 Redis round trip per validation`,
        Math.abs(s.perRequest - 1) < 0.01,
        `${s.perRequest.toFixed(3)} per request (of which the script ${s.scriptsPerRequest.toFixed(3)}, one HMGET the rest)`,
      ),
    ]);
  const scripts = summary.filter((s) => s.sessiond && s.usecPerCall > 0);
  const costs =
    raw === undefined || scripts.length === 0
      ? ''
      : `\nRedis commandstats usec_per_call over the run: validateSession EVALSHA ${scripts
          .map((s) => `${fixed(s.usecPerCall, 2)} µs (${s.key})`)
          .join(', ')}; the raw floor's GET ${fixed(raw.usecPerCall, 2)} µs.\n`;
  const introspections = summary.filter((s) => s.sessiond && s.key.startsWith('introspect'));
  const shape =
    rawPost === undefined || introspections.length === 0
      ? ''
      : `\nPOST /introspect against the floor of its own shape (raw, POST with the same headers and JSON body): ${introspections
          .map((s) => `${ratio(s.rps, rawPost.rps)} × (p99 ${ratio(s.p99, rawPost.p99)} ×, ${s.key})`)
          .join(', ')}; the POST shape itself is ${ratio(rawPost.rps, raw?.rps)} × the GET floor.\n`;
  return [
    table,
    shape,
    '| target (targets.md) | result | measured |',
    '| --- | --- | --- |',
    ...verdicts,
    costs,
  ].join('\n');
}
