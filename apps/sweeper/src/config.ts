import {
  deepFreeze,
  envBool,
  envHostPorts,
  envInt,
  parseEnv,
  sessionStoreEnv,
  type HostPort,
  sessionStoreSettings,
  type SessionStoreSettings,
} from '@sessiond/env-config';
import { z } from 'zod';
import { ConfigError } from './errors';

export type { HostPort };

/** The sweeper's configuration: read from the environment here and nowhere else (style.md rule 9). */
export interface SweeperConfig {
  readonly redis: SessionStoreSettings;
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

const schema = z.object({
  ...sessionStoreEnv,
  SWEEP_INTERVAL_MS: envInt(100, 86_400_000).default(30_000),
  SWEEP_CONCURRENCY: envInt(1, 256).default(4),
  SWEEP_BATCH: envInt(1, 10_000).default(500),
  SWEEPER_PORT: envInt(0, 65_535).default(9465),
  SWEEPER_HOST: z.string().trim().min(1).default('127.0.0.1'),
  TACACS_ACCOUNTING: envBool.default(false),
  TACACS_SERVERS: envHostPorts.optional(),
  TACACS_SECRET: z.string().optional(),
  AAA_TIMEOUT_MS: envInt(1, 600_000).default(5000),
  AAA_RETRIES: envInt(0, 10).default(1),
  TACACS_SINGLE_CONNECT: envBool.default(false),
  ACCOUNTING_ATTEMPTS: envInt(1, 100).default(10),
  ACCOUNTING_CONCURRENCY: envInt(1, 1000).default(8),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: envInt(100, 600_000).default(20_000),
});

/** Reads and checks the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): SweeperConfig {
  const { data, present, problems } = parseEnv(schema, env, SECRET_VARIABLES);
  // Checked on the raw values too, so one start-up reports every problem at once.
  const accounting = envBool.safeParse(present['TACACS_ACCOUNTING'] ?? 'false');
  if (accounting.success && accounting.data) {
    if (present['TACACS_SERVERS'] === undefined) {
      problems.push('TACACS_SERVERS: required when TACACS_ACCOUNTING is true');
    }
    if (present['TACACS_SECRET'] === undefined) {
      problems.push('TACACS_SECRET: required when TACACS_ACCOUNTING is true');
    }
  }
  if (data === undefined || problems.length > 0) throw new ConfigError(problems);
  const e = data;

  return deepFreeze({
    redis: sessionStoreSettings(e),
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
