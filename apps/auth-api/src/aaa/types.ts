import type { CommandAuthorization } from './commands';

/** An AAA method's name as clients see it (`aaa` in session items, introspection and problems). */
export type AaaMethodName = string;

export interface AaaRequest {
  readonly username: string;
  readonly password: string;
  /** The HTTP client's address, sent to TACACS+ as rem_addr. */
  readonly remAddr: string;
  /** The whole login's AAA budget (AAA_DEADLINE_MS). */
  readonly signal: AbortSignal;
}

/**
 * Why a method could not answer: `timeout` / `unreachable` / `error` as the HTTP contract names them,
 * `misconfigured` when every reply failed to decrypt (shared-secret mismatch), and `not_configured`
 * for a method listed in AAA_METHODS without its settings (no LOCAL_USERS_FILE).
 */
export type UnavailableStatus = 'timeout' | 'unreachable' | 'error' | 'misconfigured' | 'not_configured';

/**
 * What happened at one server (or source) while deciding a login, for the audit record: the one that
 * answered, and each that failed with why. Never a credential.
 */
export interface AaaStep {
  readonly method: AaaMethodName;
  /** host:port of a server, or the method's source (`local`). */
  readonly server: string;
  readonly result:
    | 'pass'
    | 'reject'
    | 'timeout'
    | 'refused'
    | 'unreachable'
    | 'reset'
    | 'server-error'
    | 'protocol-error'
    | 'key-mismatch'
    | 'tls-error'
    | 'deadline'
    | 'held-down'
    | 'not-configured';
  readonly attempt?: number;
  readonly ms?: number;
}

export interface AaaPass {
  readonly kind: 'pass';
  readonly method: AaaMethodName;
  readonly privLvl: number;
  readonly server?: string;
  readonly steps: readonly AaaStep[];
}

export interface AaaReject {
  readonly kind: 'reject';
  readonly method: AaaMethodName;
  readonly server?: string;
  readonly steps: readonly AaaStep[];
}

export interface AaaUnavailable {
  readonly kind: 'unavailable';
  readonly method: AaaMethodName;
  readonly status: UnavailableStatus;
  /**
   * With status `misconfigured`: what is wrong. `tls`: no server's TLS handshake succeeded (the
   * certificate did not verify, TLS 1.3 refused…); absent: the shared secret does not match.
   */
  readonly misconfiguration?: 'tls';
  readonly serversTried: number;
  readonly attempts: number;
  /**
   * When every server of the method is held down: the epoch ms at which the soonest may be probed
   * again (the answer's Retry-After). Undefined when nothing is held down.
   */
  readonly retryAt: number | undefined;
  /** True when no server was contacted because all were held down. */
  readonly heldDown: boolean;
  readonly steps: readonly AaaStep[];
}

export type AaaOutcome = AaaPass | AaaReject | AaaUnavailable;

/** Every state an AAA server or source can be in (the OpenAPI document lists them from here). */
export const AAA_SOURCE_STATES = [
  'up',
  'down',
  'held-down',
  'key-mismatch',
  'unknown',
  'loaded',
  'not-configured',
] as const;

/** The state of one AAA server or source, for /readyz and the metrics. */
export interface AaaSourceState {
  readonly source: string;
  readonly state: (typeof AAA_SOURCE_STATES)[number];
  readonly since?: string;
  readonly detail?: string;
  /** For a held-down server: when the hold-down ends (the next probe). */
  readonly until?: string;
}

/** What one server of a method did recently (the operator console's AAA health). */
export interface AaaSourceActivity {
  /** The latency of the last attempt the server answered, in ms. */
  readonly lastLatencyMs?: number;
  /** Attempts over the last 5 minutes, and those that got no usable answer. */
  readonly requests: number;
  readonly errors: number;
}

/** One AAA method: TACACS+ or the local users file (the registry in registry.ts lists them). */
export interface AaaMethod {
  readonly name: AaaMethodName;
  /** Command authorization, for a method that offers it (TACACS+): POST /authorize asks the first listed. */
  readonly commands?: CommandAuthorization;
  authenticate(request: AaaRequest): Promise<AaaOutcome>;
  states(): readonly AaaSourceState[];
  /** Recent activity by source, for a method with servers (TACACS+). */
  activity?(): ReadonlyMap<string, AaaSourceActivity>;
  close(): Promise<void>;
}
