import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

/** One load run, described by the orchestrator in a JSON file. */
export interface LoadSpec {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly connections: number;
  readonly durationS: number;
  /** Per-request variations, used round-robin (10,000 distinct tokens). */
  readonly variants: readonly { path?: string; headers?: Record<string, string>; body?: string }[];
}

export interface LoadResult {
  readonly requestsPerSecond: number;
  /** Latency percentiles in ms, to the microsecond (autocannon's own histogram keeps whole ms). */
  readonly p50: number;
  readonly p99: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

// A separate process: `node load.js <spec.json>` prints one JSON LoadResult line.
const spec = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as LoadSpec;
let next = 0;
// Every response's time: autocannon's histogram rounds to whole ms, too coarse for "p99 ≤ 1.1 × the
// floor's" when the floor's p99 is a few ms.
let latencies = new Float64Array(1 << 18);
let count = 0;
const instance = autocannon(
  {
    url: spec.url,
    method: spec.method,
    connections: spec.connections,
    duration: spec.durationS,
    requests: [
      {
        setupRequest: (request: autocannon.Request) => {
          const variant = spec.variants[next % spec.variants.length] ?? {};
          next += 1;
          return {
            ...request,
            ...(variant.path !== undefined ? { path: variant.path } : {}),
            ...(variant.body !== undefined ? { body: variant.body } : {}),
            headers: { ...request.headers, ...variant.headers },
          };
        },
      },
    ],
  },
  (error, result) => {
    if (error) {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    }
    const ok = result['2xx'];
    const sorted = latencies.subarray(0, count).sort();
    const percentile = (p: number): number =>
      Math.round((sorted[Math.min(count - 1, Math.floor((count * p) / 100))] ?? 0) * 1000) / 1000;
    const out: LoadResult = {
      requestsPerSecond: ok / result.duration,
      p50: percentile(50),
      p99: percentile(99),
      ok,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  },
);
instance.on('error', () => undefined);
instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
  if (count === latencies.length) {
    const grown = new Float64Array(latencies.length * 2);
    grown.set(latencies);
    latencies = grown;
  }
  latencies[count] = ms;
  count += 1;
});
