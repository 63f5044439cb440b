import {
  deepFreeze,
  envBool,
  envInt,
  envTacacsServers,
  parseEnv,
  resolveTacacsServers,
  resolveTacacsTls,
  SESSION_STORE_SECRETS,
  sessionStoreEnv,
  sessionStoreProblems,
  sessionStoreSettings,
  tacacsEnv,
  TACACS_KEY_SECRETS,
  type HostPort,
  type SessionStoreSettings,
  type TacacsServer,
  type TacacsTlsSettings,
} from '@sessiond/env-config';
import { z } from 'zod';
import { ConfigError } from './errors';

export type { HostPort };

/** One TACACS+ server that records the STOPs, with its own key. */
export interface AccountingServer extends HostPort {
  readonly key: string;
  /** TACACS_SECRET or TACACS_SECRET_<X>: names the key in logs, which never show it. */
  readonly secretVariable: string;
}

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
    /** Tried in order (TACACS_SERVERS); empty when accounting is off. */
    readonly servers: readonly AccountingServer[];
    /** TACACS_TLS=true: TACACS+ over TLS 1.3 (RFC 9887) with these files; undefined: plain TCP. */
    readonly tls: TacacsTlsSettings | undefined;
    /** The local address of connections to the servers (default: the system's choice). */
    readonly sourceAddress: string | undefined;
    /** The `port` field of the STOP records: the auth-api's STARTs carry the same. */
    readonly portName: string;
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

// REDIS_URL and REDIS_SENTINEL_PASSWORD carry passwords. Each may come from <NAME>_FILE, as may
// TACACS_SECRET_<X>.
const SECRET_VARIABLES = new Set(['TACACS_SECRET', ...SESSION_STORE_SECRETS]);

const schema = z.object({
  ...sessionStoreEnv,
  SWEEP_INTERVAL_MS: envInt(100, 86_400_000).default(30_000),
  SWEEP_CONCURRENCY: envInt(1, 256).default(4),
  SWEEP_BATCH: envInt(1, 10_000).default(500),
  SWEEPER_PORT: envInt(0, 65_535).default(9465),
  SWEEPER_HOST: z.string().trim().min(1).default('127.0.0.1'),
  TACACS_ACCOUNTING: envBool.default(false),
  ...tacacsEnv,
  AAA_TIMEOUT_MS: envInt(1, 600_000).default(5000),
  AAA_RETRIES: envInt(0, 10).default(1),
  TACACS_SINGLE_CONNECT: envBool.default(false),
  ACCOUNTING_ATTEMPTS: envInt(1, 100).default(10),
  ACCOUNTING_CONCURRENCY: envInt(1, 1000).default(8),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: envInt(100, 600_000).default(20_000),
});

/** Every variable the sweeper reads by name (TACACS_SECRET_<X> and the `_FILE`s aside). */
export const KNOWN_VARIABLES: readonly string[] = Object.keys(schema.shape);

/** Reads and checks the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): SweeperConfig {
  const parsed = parseEnv(schema, env, SECRET_VARIABLES, { secretPatterns: [TACACS_KEY_SECRETS] });
  const { data, present, problems } = parsed;
  // Checked on the raw values too, so one start-up reports every problem at once.
  problems.push(...sessionStoreProblems(present, parsed.unresolved));
  let servers: TacacsServer[] = [];
  const tls = resolveTacacsTls(present, problems);
  const accounting = envBool.safeParse(present['TACACS_ACCOUNTING'] ?? 'false');
  if (accounting.success && accounting.data) {
    const list = present['TACACS_SERVERS'];
    const entries = list === undefined ? undefined : envTacacsServers.safeParse(list);
    if (entries === undefined) problems.push('TACACS_SERVERS: required when TACACS_ACCOUNTING is true');
    // (A bad list is reported by parseEnv already.)
    else if (entries.success) servers = resolveTacacsServers(entries.data, parsed, problems, tls);
  }
  if (data === undefined || problems.length > 0) throw new ConfigError(problems);
  const e = data;

  return deepFreeze({
    redis: sessionStoreSettings(e),
    sweep: { intervalMs: e.SWEEP_INTERVAL_MS, concurrency: e.SWEEP_CONCURRENCY, batch: e.SWEEP_BATCH },
    http: { host: e.SWEEPER_HOST, port: e.SWEEPER_PORT },
    accounting: {
      enabled: e.TACACS_ACCOUNTING,
      servers: servers.map(({ host, port, key, secretVariable }) => ({ host, port, key, secretVariable })),
      tls: e.TACACS_ACCOUNTING ? tls : undefined,
      sourceAddress: e.TACACS_SOURCE_ADDRESS,
      portName: e.TACACS_PORT_NAME,
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
