/**
 * TACACS+ login throughput against the project's server on loopback: single-connect (a small pool of
 * kept connections) vs one connection per login, each over plain TCP (RFC 8907, MD5 obfuscation) and
 * over TLS 1.3 (RFC 9887, certificates made with openssl at start). The servers run in their own
 * processes (the real CLI), the client here; the four modes are interleaved (A B C D A B C D …) and
 * medians reported. Target (shared/spec/targets.md): ≥ 500 logins/s with single-connect.
 *
 * Usage: npm run bench:tacacs   (env-free; tune with --rounds N --seconds S --callers C)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { TacacsClient, tlsTransportFromFiles, type TacacsTransport } from '@sessiond/tacacs-plus';
import { createTestCertificates, type TestCertificates } from '@sessiond/test-utils';
import { machineLine, markdownTable, median } from '../common/table';

const KEY = 'bench-key-0123456789abcdef';
const USERS = { users: [{ username: 'bench', password: 'bench-pw', 'priv-lvl': 15 }] };

interface RoundResult {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** `callers` concurrent login loops for `durationMs`; logins/s and latency percentiles. */
async function round(client: TacacsClient, callers: number, durationMs: number): Promise<RoundResult> {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const r = await client.authenticate({
          username: 'bench',
          password: 'bench-pw',
          remAddr: '127.0.0.1',
          port: 'bench',
        });
        if (r.status === 'pass') latencies.push(performance.now() - t0);
        else failures += 1;
      }
    }),
  );
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: (latencies.length * 1000) / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failures,
  };
}

/** The CLI server, plain (shared key) or with `certs` over TLS 1.3. */
async function startServerProcess(
  dir: string,
  certs?: TestCertificates,
): Promise<{ child: ChildProcess; port: number }> {
  const users = join(dir, 'users.json');
  const key = join(dir, 'key');
  await writeFile(users, JSON.stringify(USERS));
  await writeFile(key, KEY, { mode: 0o600 });
  const auth =
    certs === undefined
      ? ['--key-file', key]
      : ['--tls-cert', certs.serverCertFile, '--tls-key', certs.serverKeyFile];
  const cli = join(
    dirname(require.resolve('@sessiond/tacacs-server/package.json')),
    'dist',
    'cli',
    'server-cli.js',
  );
  const child = spawn(process.execPath, [cli, '--users', users, ...auth, '--port', '0', '--quiet'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the TACACS+ server did not start within 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`the TACACS+ server exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (match !== null) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  return { child, port };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      seconds: { type: 'string', default: '2' },
      callers: { type: 'string', default: '32' },
    },
  });
  const rounds = Number(values.rounds);
  const durationMs = Number(values.seconds) * 1000;
  const callers = Number(values.callers);
  const dir = await mkdtemp(join(tmpdir(), 'bench-tacacs-'));
  const certs = await createTestCertificates();
  const plain = await startServerProcess(dir);
  const tls = await startServerProcess(dir, certs);
  const tlsTransport = tlsTransportFromFiles({ caFile: certs.caFile });
  const make = (port: number, singleConnect: boolean, transport?: TacacsTransport): TacacsClient =>
    new TacacsClient({
      servers: [{ host: '127.0.0.1', port, key: KEY, singleConnect }],
      retries: 0,
      ...(transport !== undefined ? { transport } : {}),
    });
  const modes = [
    { name: 'single-connect', client: make(plain.port, true), results: [] as RoundResult[] },
    { name: 'connection per login', client: make(plain.port, false), results: [] as RoundResult[] },
    {
      name: 'TLS 1.3 single-connect',
      client: make(tls.port, true, tlsTransport),
      results: [] as RoundResult[],
    },
    {
      name: 'TLS 1.3 connection per login',
      client: make(tls.port, false, tlsTransport),
      results: [] as RoundResult[],
    },
  ];
  try {
    for (const mode of modes) await round(mode.client, callers, 500); // warm-up
    for (let i = 0; i < rounds; i += 1) {
      for (const mode of modes) {
        const result = await round(mode.client, callers, durationMs);
        mode.results.push(result);
        process.stderr.write(
          `round ${i + 1}/${rounds} ${mode.name}: ${result.perSecond.toFixed(0)} logins/s\n`,
        );
      }
    }
  } finally {
    await Promise.all(modes.map((mode) => mode.client.close()));
    plain.child.kill('SIGTERM');
    tls.child.kill('SIGTERM');
    certs.destroy();
    await rm(dir, { recursive: true, force: true });
  }
  const results = modes.map((mode) => ({
    name: mode.name,
    rate: median(mode.results.map((r) => r.perSecond)),
    p50: median(mode.results.map((r) => r.p50)),
    p99: median(mode.results.map((r) => r.p99)),
    rounds: mode.results.map((r) => r.perSecond.toFixed(0)).join(' / '),
    failures: mode.results.reduce((sum, r) => sum + r.failures, 0),
  }));
  const [single, perLogin, tlsSingle, tlsPerLogin] = results;
  if (single === undefined || perLogin === undefined || tlsSingle === undefined || tlsPerLogin === undefined)
    throw new Error('no results');
  const rows = results.map((m) => [
    m.name,
    m.rate.toFixed(0),
    m.rounds,
    m.p50.toFixed(2),
    m.p99.toFixed(2),
    m.failures,
  ]);
  console.log(
    `TACACS+ PAP logins against sessiond-tacacs-server on loopback, plain TCP and TLS 1.3 (RFC 9887) (${callers} concurrent callers, ${rounds} interleaved rounds of ${values.seconds} s)`,
  );
  console.log(machineLine());
  console.log('');
  console.log(markdownTable(['mode', 'logins/s (median)', 'rounds', 'p50 ms', 'p99 ms', 'failures'], rows));
  console.log('');
  const ratio = single.rate / perLogin.rate;
  console.log(`single-connect / connection per login: ${ratio.toFixed(2)}×`);
  console.log(
    `TLS 1.3 / plain: single-connect ${(tlsSingle.rate / single.rate).toFixed(2)}×, connection per login ${(tlsPerLogin.rate / perLogin.rate).toFixed(2)}×`,
  );
  console.log(
    `target ≥ 500 logins/s with single-connect: ${single.rate >= 500 ? 'met' : 'NOT met'} (${single.rate.toFixed(0)}/s)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
