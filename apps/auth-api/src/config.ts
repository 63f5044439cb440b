import { isIP } from 'node:net';
import {
  deepFreeze,
  envInt,
  envReadableFile,
  parseEnv,
  SESSION_STORE_SECRETS,
  sessionStoreEnv,
  sessionStoreProblems,
  sessionStoreSettings,
  type ParsedEnv,
  type SessionStoreSettings,
} from '@sessiond/env-config';
import { COOKIE_NAME } from '@sessiond/protocol';
import { z } from 'zod';
import {
  AAA_ENV,
  AAA_METHOD_KEYS,
  AAA_METHODS,
  AAA_SECRET_PATTERNS,
  AAA_SECRET_VARIABLES,
  type AaaMethodKey,
  type AaaSettings,
  type CommonAaaSettings,
} from './aaa/registry';
import { ConfigError } from './config-error';

/** The auth-api's configuration: read from the environment here and nowhere else (style.md rule 9). */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** The management listener: /metrics and the detailed /readyz (loopback by default). */
  readonly management: { readonly port: number; readonly host: string };
  /**
   * CONSOLE: the listener that serves the operator console at /console/ (issue 16): `management`
   * (it then also answers /api/v1/… with the public handler, for the page's own calls), `public`,
   * or `off`.
   */
  readonly console: ConsoleListener;
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  readonly trustProxy: boolean | number | string;
  readonly publicBaseUrl: string | undefined;
  readonly redis: SessionStoreSettings;
  /**
   * USER_TAG_SECRET: the key of the HMAC that turns a username into the user tag inside every
   * session id. Secret, so that a session id (in URLs, Location, logs, accounting task_id) does not
   * let anyone test username guesses against it.
   */
  readonly userTagSecret: string;
  /**
   * REDIS_WAIT_REPLICAS / REDIS_WAIT_TIMEOUT_MS: acknowledged state changes wait until this many
   * replicas have them (undefined: off).
   */
  readonly redisWait: { readonly replicas: number; readonly timeoutMs: number } | undefined;
  readonly session: {
    readonly idleTimeoutS: number;
    readonly maxLifetimeS: number;
    readonly limitPerUser: number;
    readonly limitPolicy: 'reject' | 'evict-oldest';
  };
  readonly aaa: {
    /** AAA_METHODS, in order. */
    readonly methods: readonly AaaMethodKey[];
    readonly timeoutMs: number;
    readonly retries: number;
    readonly deadlineMs: number;
    /** The settings of each method in use (listed, or needed by another feature). */
    readonly settings: AaaSettings;
  };
  readonly requiredPrivLvl: number;
  readonly loginThrottle: {
    readonly maxFailures: number;
    readonly windowS: number;
    /** LOGIN_MAX_FAILURES_PER_ADDRESS: failed logins per source address across usernames (0: off). */
    readonly maxFailuresPerAddress: number;
  };
  /** INTROSPECTION_MAX_FAILURES within INTROSPECTION_FAILURE_WINDOW_S, per client id and address (0: off). */
  readonly introspectionThrottle: { readonly maxFailures: number; readonly windowS: number };
  readonly introspectionClientsFile: string | undefined;
  /**
   * POST /authorize's decision cache (AUTHORIZE_CACHE_TTL_MS, 0: off; AUTHORIZE_CACHE_MAX_ENTRIES):
   * permits and denials by username, priv-lvl and command, never an outage.
   */
  readonly authorizeCache: { readonly ttlMs: number; readonly maxEntries: number };
  /** FORWARD_AUTH_COOKIE: the cookie /forward-auth also reads a token from (after the headers); none when unset. */
  readonly forwardAuthCookie: string | undefined;
  readonly adminUsers: readonly string[];
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly shutdownTimeoutMs: number;
}

export { ConfigError };

/** Where the operator console is served (CONSOLE). */
export const CONSOLE_LISTENERS = ['management', 'public', 'off'] as const;
export type ConsoleListener = (typeof CONSOLE_LISTENERS)[number];

// REDIS_URL and REDIS_SENTINEL_PASSWORD carry passwords; each AAA method names its own secrets.
const SECRET_VARIABLES = new Set([...SESSION_STORE_SECRETS, 'USER_TAG_SECRET', ...AAA_SECRET_VARIABLES]);
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

const schema = z.object({
  PORT: envInt(0, 65_535).default(8080),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  MANAGEMENT_PORT: envInt(0, 65_535).default(9464),
  MANAGEMENT_HOST: z.string().trim().min(1).default('127.0.0.1'),
  CONSOLE: z
    .enum(CONSOLE_LISTENERS, { error: "must be 'management', 'public' or 'off'" })
    .default('management'),
  TLS_CERT_FILE: envReadableFile.optional(),
  TLS_KEY_FILE: envReadableFile.optional(),
  TRUST_PROXY: z.string().trim().default('false'),
  PUBLIC_BASE_URL: optionalText.pipe(
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  ),
  ...sessionStoreEnv,
  USER_TAG_SECRET: z
    .string({
      error:
        'required: a random secret that keeps session ids from naming their user (e.g. openssl rand -base64 32)',
    })
    .min(16, 'use at least 16 characters (e.g. openssl rand -base64 32)')
    .max(1024, 'use at most 1024 characters'),
  REDIS_WAIT_REPLICAS: envInt(0, 100).default(0),
  REDIS_WAIT_TIMEOUT_MS: envInt(1, 60_000).default(500),
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
  ...AAA_ENV,
  REQUIRED_PRIV_LVL: envInt(0, 15).default(15),
  LOGIN_MAX_FAILURES: envInt(0, 1_000_000).default(10),
  LOGIN_FAILURE_WINDOW_S: envInt(1, 31_536_000).default(900),
  LOGIN_MAX_FAILURES_PER_ADDRESS: envInt(0, 1_000_000).default(50),
  INTROSPECTION_MAX_FAILURES: envInt(0, 1_000_000).default(20),
  INTROSPECTION_FAILURE_WINDOW_S: envInt(1, 31_536_000).default(300),
  INTROSPECTION_CLIENTS_FILE: envReadableFile.optional(),
  AUTHORIZE_CACHE_TTL_MS: envInt(0, 3_600_000).default(0),
  AUTHORIZE_CACHE_MAX_ENTRIES: envInt(1, 1_000_000).default(10_000),
  FORWARD_AUTH_COOKIE: optionalText.pipe(
    z
      .string()
      .regex(COOKIE_NAME, "must be a cookie name (letters, digits, !#$%&'*+.^_`|~-; at most 64)")
      .optional(),
  ),
  ADMIN_USERS: z.string().default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: envInt(100, 600_000).default(8_000),
});

/** Every variable the auth-api reads (the look-alike check and the shared-environment test use it). */
export const KNOWN_VARIABLES: readonly string[] = Object.keys(schema.shape);

/** Reads and checks the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const parsed = parseEnv(schema, env, SECRET_VARIABLES, { secretPatterns: AAA_SECRET_PATTERNS });
  const { data, present, problems } = parsed;
  // Rules across variables are checked on the raw values too, so one message lists every problem.
  problems.push(...sessionStoreProblems(present, parsed.unresolved));
  const methods = (present['AAA_METHODS'] ?? 'tacacs,local')
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  const known = new Set<string>(AAA_METHOD_KEYS);
  if (
    methods.length === 0 ||
    methods.some((m) => !known.has(m)) ||
    new Set(methods).size !== methods.length
  ) {
    problems.push(
      `AAA_METHODS: must list ${AAA_METHOD_KEYS.join(' and/or ')} once each, in order (got '${present['AAA_METHODS'] ?? ''}')`,
    );
  }
  const listed = methods.filter((m): m is AaaMethodKey => known.has(m));
  const aaaSettings = methodSettings(listed, parsed, {
    timeoutMs: data?.AAA_TIMEOUT_MS ?? 5000,
    retries: data?.AAA_RETRIES ?? 1,
  });
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
    management: { port: e.MANAGEMENT_PORT, host: e.MANAGEMENT_HOST },
    console: e.CONSOLE,
    tls:
      e.TLS_CERT_FILE !== undefined && e.TLS_KEY_FILE !== undefined
        ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE }
        : undefined,
    trustProxy: trustProxy ?? false,
    publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    redis: sessionStoreSettings(e),
    userTagSecret: e.USER_TAG_SECRET,
    redisWait:
      e.REDIS_WAIT_REPLICAS > 0
        ? { replicas: e.REDIS_WAIT_REPLICAS, timeoutMs: e.REDIS_WAIT_TIMEOUT_MS }
        : undefined,
    session: {
      idleTimeoutS: e.SESSION_IDLE_TIMEOUT_S,
      maxLifetimeS: e.SESSION_MAX_LIFETIME_S,
      limitPerUser: e.SESSION_LIMIT_PER_USER,
      limitPolicy: e.SESSION_LIMIT_POLICY,
    },
    aaa: {
      methods: listed,
      timeoutMs: e.AAA_TIMEOUT_MS,
      retries: e.AAA_RETRIES,
      deadlineMs: e.AAA_DEADLINE_MS,
      settings: aaaSettings,
    },
    requiredPrivLvl: e.REQUIRED_PRIV_LVL,
    loginThrottle: {
      maxFailures: e.LOGIN_MAX_FAILURES,
      windowS: e.LOGIN_FAILURE_WINDOW_S,
      maxFailuresPerAddress: e.LOGIN_MAX_FAILURES_PER_ADDRESS,
    },
    introspectionThrottle: {
      maxFailures: e.INTROSPECTION_MAX_FAILURES,
      windowS: e.INTROSPECTION_FAILURE_WINDOW_S,
    },
    introspectionClientsFile: e.INTROSPECTION_CLIENTS_FILE,
    authorizeCache: { ttlMs: e.AUTHORIZE_CACHE_TTL_MS, maxEntries: e.AUTHORIZE_CACHE_MAX_ENTRIES },
    forwardAuthCookie: e.FORWARD_AUTH_COOKIE,
    adminUsers: e.ADMIN_USERS.split(',')
      .map((u) => u.trim())
      .filter((u) => u !== ''),
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  });
}

/**
 * Each used AAA method's settings: its own variables parsed on their own (so a bad PORT does not hide
 * a missing TACACS_SERVERS), then its rules across them (registry.ts).
 */
function methodSettings(
  listed: readonly AaaMethodKey[],
  parsed: ParsedEnv<unknown>,
  common: CommonAaaSettings,
): AaaSettings {
  const settings: Record<string, unknown> = {};
  for (const definition of AAA_METHODS) {
    const isListed = listed.includes(definition.key);
    if (!definition.isUsed(isListed, parsed.present)) continue;
    const own = z.object(definition.env).safeParse(
      Object.fromEntries(
        Object.keys(definition.env).flatMap((name) => {
          const value = parsed.present[name];
          return value === undefined ? [] : [[name, value]];
        }),
      ),
    );
    if (!own.success) continue; // parseEnv reported each bad variable already
    settings[definition.key] = (definition.settings as (input: unknown, problems: string[]) => unknown)(
      {
        values: own.data,
        present: parsed.present,
        unresolved: parsed.unresolved,
        common,
        listed: isListed,
        only: isListed && listed.length === 1,
      },
      parsed.problems,
    );
  }
  return settings;
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
