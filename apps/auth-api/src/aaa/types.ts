/** The AAA method names as clients see them (`aaa` in session items). */
export type AaaMethodName = 'tacacs+' | 'local';

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
 * `misconfigured` when every TACACS+ reply failed to decrypt (shared-secret mismatch), and
 * `not_configured` for a method listed in AAA_METHODS without its settings (no LOCAL_USERS_FILE).
 */
export type UnavailableStatus = 'timeout' | 'unreachable' | 'error' | 'misconfigured' | 'not_configured';

export type AaaOutcome =
  | {
      readonly kind: 'pass';
      readonly method: AaaMethodName;
      readonly privLvl: number;
      readonly server?: string;
    }
  | { readonly kind: 'reject'; readonly method: AaaMethodName; readonly server?: string }
  | {
      readonly kind: 'unavailable';
      readonly method: AaaMethodName;
      readonly status: UnavailableStatus;
      readonly serversTried: number;
      readonly attempts: number;
    };

/** The state of one AAA server or source, for /readyz. */
export interface AaaSourceState {
  readonly source: string;
  readonly state: 'up' | 'down' | 'held-down' | 'unknown' | 'loaded' | 'not-configured';
  readonly since?: string;
  readonly detail?: string;
}

/** One AAA method: TACACS+ or the local users file. */
export interface AaaMethod {
  readonly name: AaaMethodName;
  authenticate(request: AaaRequest): Promise<AaaOutcome>;
  states(): readonly AaaSourceState[];
  close(): Promise<void>;
}
