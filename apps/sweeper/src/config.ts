import { z } from 'zod';
import { ConfigError } from './errors';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** The sweeper's configuration: read from the environment here and nowhere else (style.md rule 9). */
export interface SweeperConfig {
  readonly redis: {
    readonly url: string;
    readonly clusterNodes: readonly HostPort[] | undefined;
    /** Must match the auth-api's: the store's keys and the BullMQ hash tag derive from it. */
    readonly keyPrefix: string;
    readonly buckets: number;
    readonly indexShards: number;
  };
  readonly sweep: {
    readonly intervalMs: number;
    /** Bucket jobs one process runs at once. */
    readonly concurrency: number;
    /** Users examined per sweep step. */
    readonly batch: number;
  };
  readonly http: { readonly host: string; readonly port: number };
  readonly accounting: {
    readonly enabled: boolean;
    readonly servers: readonly HostPort[];
    readonly secret: string;
    readonly timeoutMs: number;
    readonly retries: number;
    readonly singleConnect: boolean;
    /** BullMQ attempts per STOP (exponential back-off between them). */
    readonly attempts: number;
    /** STOP jobs one process sends at once. */
    readonly concurrency: number;
  };
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly shutdownTimeoutMs: number;
}

const SECRET_VARIABLES = new Set(['TACACS_SECRET', 'REDIS_URL']);

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, `must be an integer from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' }))
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const hostPorts = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const nodes = value
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '')
      .map(parseHostPort);
    if (nodes.length === 0 || nodes.some((n) => n === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'must be host:port[,host:port…] with ports 1-65535' });
      return z.NEVER;
    }
    return nodes as HostPort[];
  });

const schema = z.object({
  REDIS_URL: z
    .string()
    .trim()
    .default('redis://127.0.0.1:6379')
    .pipe(z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })),
  REDIS_CLUSTER_NODES: hostPorts.optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'use 1-64 of A-Z a-z 0-9 : _ . -')
    .default('sessiond'),
  SESSION_STORE_BUCKETS: int(1, 1296).default(64),
  SESSION_STORE_INDEX_SHARDS: int(1, 1024).default(32),
  SWEEP_INTERVAL_MS: int(100, 86_400_000).default(30_000),
  SWEEP_CONCURRENCY: int(1, 256).default(4),
  SWEEP_BATCH: int(1, 10_000).default(500),
  SWEEPER_PORT: int(0, 65_535).default(9465),
  SWEEPER_HOST: z.string().trim().min(1).default('127.0.0.1'),
  TACACS_ACCOUNTING: bool.default(false),
  TACACS_SERVERS: hostPorts.optional(),
  TACACS_SECRET: z.string().optional(),
  AAA_TIMEOUT_MS: int(1, 600_000).default(5000),
  AAA_RETRIES: int(0, 10).default(1),
  TACACS_SINGLE_CONNECT: bool.default(false),
  ACCOUNTING_ATTEMPTS: int(1, 100).default(10),
  ACCOUNTING_CONCURRENCY: int(1, 1000).default(8),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: int(100, 600_000).default(20_000),
});

/** Reads and checks the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): SweeperConfig {
  // Only our variables, and an empty value counts as unset (as a shell's `VAR=` usually means).
  const present = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key in schema.shape && value !== ''),
  );
  const parsed = schema.safeParse(present);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '?');
        const value = present[name];
        const got = SECRET_VARIABLES.has(name) || value === undefined ? '' : ` (got '${value}')`;
        return `${name}: ${issue.message}${got}`;
      });
  // Checked on the raw values too, so one start-up reports every problem at once.
  const accounting = bool.safeParse(present['TACACS_ACCOUNTING'] ?? 'false');
  if (accounting.success && accounting.data) {
    if (present['TACACS_SERVERS'] === undefined) {
      problems.push('TACACS_SERVERS: required when TACACS_ACCOUNTING is true');
    }
    if (present['TACACS_SECRET'] === undefined) {
      problems.push('TACACS_SECRET: required when TACACS_ACCOUNTING is true');
    }
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;

  return deepFreeze({
    redis: {
      url: e.REDIS_URL,
      clusterNodes: e.REDIS_CLUSTER_NODES,
      keyPrefix: e.REDIS_KEY_PREFIX,
      buckets: e.SESSION_STORE_BUCKETS,
      indexShards: e.SESSION_STORE_INDEX_SHARDS,
    },
    sweep: { intervalMs: e.SWEEP_INTERVAL_MS, concurrency: e.SWEEP_CONCURRENCY, batch: e.SWEEP_BATCH },
    http: { host: e.SWEEPER_HOST, port: e.SWEEPER_PORT },
    accounting: {
      enabled: e.TACACS_ACCOUNTING,
      servers: e.TACACS_SERVERS ?? [],
      secret: e.TACACS_SECRET ?? '',
      timeoutMs: e.AAA_TIMEOUT_MS,
      retries: e.AAA_RETRIES,
      singleConnect: e.TACACS_SINGLE_CONNECT,
      attempts: e.ACCOUNTING_ATTEMPTS,
      concurrency: e.ACCOUNTING_CONCURRENCY,
    },
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  });
}

function parseHostPort(entry: string): HostPort | undefined {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(entry);
  const port = Number(match?.[2]);
  if (match?.[1] === undefined || !Number.isInteger(port) || port < 1 || port > 65_535) return undefined;
  return { host: match[1], port };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
