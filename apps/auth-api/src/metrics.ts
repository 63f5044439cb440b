import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The auth-api's Prometheus metrics, on their own registry (tests create as many apps as they like). */
export interface Metrics {
  readonly registry: Registry;
  /** Logins by outcome: `ok` or the error code the client received. */
  readonly logins: Counter<'code'>;
  /** AAA request latency by method and server (`local` for the users file), with the outcome. */
  readonly aaaLatency: Histogram<'method' | 'server' | 'outcome'>;
  /** Logins a method answered `unavailable` without contacting a server (every server held down). */
  readonly aaaSkipped: Counter<'method'>;
  readonly tacacsRetries: Counter<'server'>;
  readonly tacacsFailovers: Counter<'from' | 'to'>;
  /** Token validations (token routes and introspection) by result. */
  readonly validations: Counter<'result'>;
  readonly accounting: Counter<'flag' | 'outcome'>;
  /**
   * POST /authorize decisions by result (`permit`, `command_denied`, a token refusal code,
   * `aaa_unavailable`, `aaa_misconfigured`) and whether the decision cache gave it.
   */
  readonly commandAuthorizations: Counter<'result' | 'cached'>;
  /** forward-auth answers: `allow`, or the problem code of a refusal. */
  readonly forwardAuth: Counter<'result'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Local password checks waiting for a hashing thread (at most LOCAL_HASH_QUEUE_MAX). */
  readonly localHashQueue: Gauge;
  /** Local password checks, each counted once: hashed (when a thread starts it), or why it never ran. */
  readonly localHashChecks: Counter<'result'>;
  /** Logins whose client went away before the answer: never counted toward any limit. */
  readonly loginsAbandoned: Counter;
  /** Failures counted toward each abuse limit (see FailureLimit). */
  readonly failuresCounted: Counter<'limit'>;
  /** Requests refused by each abuse limit (429). */
  readonly throttled: Counter<'limit'>;
}

/**
 * The abuse limits, as the `limit` label names them: failed logins per user and address (`user`,
 * and `user-fallback` during an AAA outage), per address across users (`address`,
 * `address-fallback`), and failed client authentications per client id and address (`client`).
 */
export type FailureLimit = 'user' | 'user-fallback' | 'address' | 'address-fallback' | 'client';

/** One AAA server's or source's state, for the sessiond_aaa_source_up gauge. */
export interface AaaSourceSample {
  readonly method: string;
  readonly source: string;
  readonly state: string;
}

/** States that count as able to answer. */
const UP_STATES = new Set(['up', 'loaded', 'unknown']);

export function createMetrics(
  countSessions: () => Promise<number>,
  aaaSources: () => readonly AaaSourceSample[] = () => [],
): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sessiond_auth_api_' });
  new Gauge({
    name: 'sessiond_sessions_active',
    help: 'Sessions not yet ended (created minus revoked, evicted and swept; ahead of the truth by at most one sweep)',
    registers: [registry],
    async collect() {
      try {
        this.set(await countSessions());
      } catch {
        // Redis unavailable: the gauge keeps its last value; sessiond_up-style readiness reports it.
      }
    },
  });
  new Gauge({
    name: 'sessiond_aaa_source_up',
    help: 'Each AAA server or source: 1 while it can answer (up, or not yet tried), 0 while down, held down or mismatching keys',
    labelNames: ['method', 'source', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { method, source, state } of aaaSources()) {
        this.set({ method, source, state }, UP_STATES.has(state) ? 1 : 0);
      }
    },
  });
  return {
    registry,
    logins: new Counter({
      name: 'sessiond_logins_total',
      help: 'Logins by outcome code',
      labelNames: ['code'],
      registers: [registry],
    }),
    aaaLatency: new Histogram({
      name: 'sessiond_aaa_request_duration_seconds',
      help: 'AAA request latency per method and server',
      labelNames: ['method', 'server', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    aaaSkipped: new Counter({
      name: 'sessiond_aaa_skipped_total',
      help: 'Logins a method answered unavailable at once because every server was held down',
      labelNames: ['method'],
      registers: [registry],
    }),
    tacacsRetries: new Counter({
      name: 'sessiond_tacacs_retries_total',
      help: 'TACACS+ retries on a server that refused or timed out',
      labelNames: ['server'],
      registers: [registry],
    }),
    tacacsFailovers: new Counter({
      name: 'sessiond_tacacs_failovers_total',
      help: 'TACACS+ failovers from one server to the next',
      labelNames: ['from', 'to'],
      registers: [registry],
    }),
    validations: new Counter({
      name: 'sessiond_token_validations_total',
      help: 'Token validations by result',
      labelNames: ['result'],
      registers: [registry],
    }),
    accounting: new Counter({
      name: 'sessiond_tacacs_accounting_total',
      help: 'TACACS+ accounting records sent, by flag (start, stop, command) and outcome',
      labelNames: ['flag', 'outcome'],
      registers: [registry],
    }),
    commandAuthorizations: new Counter({
      name: 'sessiond_command_authorizations_total',
      help: 'POST /authorize answers by result (permit, command_denied, a token refusal code, aaa_unavailable, aaa_misconfigured) and whether the decision cache gave them',
      labelNames: ['result', 'cached'],
      registers: [registry],
    }),
    forwardAuth: new Counter({
      name: 'sessiond_forward_auth_total',
      help: 'forward-auth answers to proxies: allow, or the code of the refusal (token_missing, token_invalid, insufficient_privilege, command_denied, session_store_unavailable, ...)',
      labelNames: ['result'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'sessiond_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers: [registry],
    }),
    localHashQueue: new Gauge({
      name: 'sessiond_local_hash_queue_depth',
      help: 'Local password checks waiting for a hashing thread (at most LOCAL_HASH_QUEUE_MAX)',
      registers: [registry],
    }),
    localHashChecks: new Counter({
      name: 'sessiond_local_hash_checks_total',
      help: 'Local password checks, each counted once: hashed (a thread started it), or never hashed because its client went away (abandoned), the login deadline passed while it waited (expired) or the queue was full (overloaded)',
      labelNames: ['result'],
      registers: [registry],
    }),
    loginsAbandoned: new Counter({
      name: 'sessiond_logins_abandoned_total',
      help: 'Logins whose client went away before the answer (never counted as failures)',
      registers: [registry],
    }),
    failuresCounted: new Counter({
      name: 'sessiond_abuse_failures_total',
      help: 'Failures counted toward each abuse limit (user, user-fallback, address, address-fallback, client)',
      labelNames: ['limit'],
      registers: [registry],
    }),
    throttled: new Counter({
      name: 'sessiond_abuse_refusals_total',
      help: 'Requests refused (429) by each abuse limit (user, user-fallback, address, address-fallback, client)',
      labelNames: ['limit'],
      registers: [registry],
    }),
  };
}
