import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import {
  deepFreeze,
  envBool,
  envHostPorts,
  envInt,
  parseEnv,
  sessionStoreEnv,
  sessionStoreSettings,
  type SessionStoreSettings,
} from '@sessiond/env-config';
import { z } from 'zod';

/** The auth-api's configuration: read from the environment here and nowhere else (style.md rule 9). */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  readonly trustProxy: boolean | number | string;
  readonly publicBaseUrl: string | undefined;
  readonly redis: SessionStoreSettings;
  readonly session: {
    readonly idleTimeoutS: number;
    readonly maxLifetimeS: number;
    readonly limitPerUser: number;
    readonly limitPolicy: 'reject' | 'evict-oldest';
  };
  readonly aaa: {
    readonly methods: readonly ('tacacs' | 'local')[];
    readonly timeoutMs: number;
    readonly retries: number;
    readonly deadlineMs: number;
  };
  readonly tacacs: {
    readonly servers: readonly { readonly host: string; readonly port: number }[];
    readonly secret: string;
    readonly authType: 'pap' | 'ascii' | 'chap';
    readonly authorization: boolean;
    readonly accounting: boolean;
    readonly singleConnect: boolean;
    readonly holdDownMs: number;
  };
  readonly requiredPrivLvl: number;
  readonly localUsersFile: string | undefined;
  readonly localHashConcurrency: number;
  readonly loginThrottle: { readonly maxFailures: number; readonly windowS: number };
  readonly introspectionClientsFile: string | undefined;
  readonly adminUsers: readonly string[];
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly shutdownTimeoutMs: number;
}

/** A bad environment: the message names every bad variable (never a secret's value). */
export class ConfigError extends Error {
  readonly code = 'invalid_config';

  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

// REDIS_URL may carry a password.
const SECRET_VARIABLES = new Set(['TACACS_SECRET', 'REDIS_URL']);
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

const schema = z.object({
  PORT: envInt(0, 65_535).default(8080),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  TLS_CERT_FILE: optionalText,
  TLS_KEY_FILE: optionalText,
  TRUST_PROXY: z.string().trim().default('false'),
  PUBLIC_BASE_URL: optionalText.pipe(
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  ),
  ...sessionStoreEnv,
  SESSION_IDLE_TIMEOUT_S: envInt(1, 31_536_000).default(900),
  SESSION_MAX_LIFETIME_S: envInt(1, 31_536_000).default(28_800),
  SESSION_LIMIT_PER_USER: envInt(0, 100_000).default(5),
  SESSION_LIMIT_POLICY: z
    .enum(['reject', 'evict-oldest'], { error: "must be 'reject' or 'evict-oldest'" })
    .default('reject'),
  AAA_METHODS: z.string().trim().default('tacacs,local'),
  AAA_TIMEOUT_MS: envInt(1, 600_000).default(5000),
  AAA_RETRIES: envInt(0, 10).default(1),
  AAA_DEADLINE_MS: envInt(1, 3_600_000).default(15_000),
  TACACS_SERVERS: envHostPorts.optional(),
  TACACS_SECRET: z.string().optional(),
  TACACS_AUTH_TYPE: z
    .enum(['pap', 'ascii', 'chap'], { error: "must be 'pap', 'ascii' or 'chap'" })
    .default('pap'),
  TACACS_AUTHORIZATION: envBool.default(true),
  TACACS_ACCOUNTING: envBool.default(false),
  TACACS_SINGLE_CONNECT: envBool.default(false),
  TACACS_HOLD_DOWN_MS: envInt(0, 3_600_000).default(30_000),
  REQUIRED_PRIV_LVL: envInt(0, 15).default(15),
  LOCAL_USERS_FILE: optionalText,
  LOCAL_HASH_CONCURRENCY: envInt(1, 256).default(Math.max(1, Math.floor(availableParallelism() / 2))),
  LOGIN_MAX_FAILURES: envInt(0, 1_000_000).default(10),
  LOGIN_FAILURE_WINDOW_S: envInt(1, 31_536_000).default(900),
  INTROSPECTION_CLIENTS_FILE: optionalText,
  ADMIN_USERS: z.string().default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: envInt(100, 600_000).default(8_000),
});

/** Reads and checks the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const { data, present, problems } = parseEnv(schema, env, SECRET_VARIABLES);
  // Rules across variables are checked on the raw values too, so one message lists every problem.
  const methods = (present['AAA_METHODS'] ?? 'tacacs,local')
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  if (
    methods.length === 0 ||
    methods.some((m) => m !== 'tacacs' && m !== 'local') ||
    new Set(methods).size !== methods.length
  ) {
    problems.push(
      `AAA_METHODS: must list tacacs and/or local once each, in order (got '${present['AAA_METHODS'] ?? ''}')`,
    );
  }
  const tacacsNeeded =
    methods.includes('tacacs') || /^(true|1|yes)$/i.test(present['TACACS_ACCOUNTING']?.trim() ?? '');
  if (tacacsNeeded && present['TACACS_SERVERS'] === undefined) {
    problems.push('TACACS_SERVERS: required when AAA_METHODS includes tacacs or TACACS_ACCOUNTING is true');
  }
  if (tacacsNeeded && (present['TACACS_SECRET'] ?? '') === '') {
    problems.push('TACACS_SECRET: required when AAA_METHODS includes tacacs or TACACS_ACCOUNTING is true');
  }
  if (
    methods.length > 0 &&
    methods.every((m) => m === 'local') &&
    present['LOCAL_USERS_FILE'] === undefined
  ) {
    problems.push('LOCAL_USERS_FILE: required when local is the only AAA method');
  }
  if ((present['TLS_CERT_FILE'] === undefined) !== (present['TLS_KEY_FILE'] === undefined)) {
    problems.push('TLS_CERT_FILE, TLS_KEY_FILE: set both (HTTPS) or neither (HTTP)');
  }
  const trustProxy = parseTrustProxy(present['TRUST_PROXY'] ?? 'false');
  if (trustProxy === undefined) {
    problems.push(
      `TRUST_PROXY: must be true, false, a hop count or a list of addresses/subnets (got '${present['TRUST_PROXY'] ?? ''}')`,
    );
  }
  if (data === undefined || problems.length > 0) throw new ConfigError(problems);
  const e = data;

  return deepFreeze({
    port: e.PORT,
    host: e.HOST,
    tls:
      e.TLS_CERT_FILE !== undefined && e.TLS_KEY_FILE !== undefined
        ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE }
        : undefined,
    trustProxy: trustProxy ?? false,
    publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    redis: sessionStoreSettings(e),
    session: {
      idleTimeoutS: e.SESSION_IDLE_TIMEOUT_S,
      maxLifetimeS: e.SESSION_MAX_LIFETIME_S,
      limitPerUser: e.SESSION_LIMIT_PER_USER,
      limitPolicy: e.SESSION_LIMIT_POLICY,
    },
    aaa: {
      methods: methods as ('tacacs' | 'local')[],
      timeoutMs: e.AAA_TIMEOUT_MS,
      retries: e.AAA_RETRIES,
      deadlineMs: e.AAA_DEADLINE_MS,
    },
    tacacs: {
      servers: e.TACACS_SERVERS ?? [],
      secret: e.TACACS_SECRET ?? '',
      authType: e.TACACS_AUTH_TYPE,
      authorization: e.TACACS_AUTHORIZATION,
      accounting: e.TACACS_ACCOUNTING,
      singleConnect: e.TACACS_SINGLE_CONNECT,
      holdDownMs: e.TACACS_HOLD_DOWN_MS,
    },
    requiredPrivLvl: e.REQUIRED_PRIV_LVL,
    localUsersFile: e.LOCAL_USERS_FILE,
    localHashConcurrency: e.LOCAL_HASH_CONCURRENCY,
    loginThrottle: { maxFailures: e.LOGIN_MAX_FAILURES, windowS: e.LOGIN_FAILURE_WINDOW_S },
    introspectionClientsFile: e.INTROSPECTION_CLIENTS_FILE,
    adminUsers: e.ADMIN_USERS.split(',')
      .map((u) => u.trim())
      .filter((u) => u !== ''),
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  });
}

/** Express's trust-proxy setting: a boolean, a hop count, or addresses, subnets and proxy-addr names. */
function parseTrustProxy(value: string): boolean | number | string | undefined {
  const v = value.toLowerCase();
  if (v === 'true' || v === 'false') return v === 'true';
  if (/^\d+$/.test(v)) return Number(v);
  const entries = v.split(',').map((entry) => entry.trim());
  const valid = entries.every((entry) => {
    if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address);
    return (
      family !== 0 &&
      (prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128)))
    );
  });
  return valid ? value : undefined;
}
