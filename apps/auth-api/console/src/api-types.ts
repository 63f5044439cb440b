// The JSON answers of the admin API as the console reads them (notes/console-contract.md). Member
// names are the wire's; optional members are the ones the contract marks with `?`.

export interface TokenAnswer {
  readonly 'token-id': string;
  readonly 'session-id': string;
}

export interface SessionItem {
  readonly 'session-id': string;
  readonly username: string;
  readonly 'created-at': string;
  readonly 'last-access-at': string;
  /** The idle deadline. */
  readonly 'expires-at': string;
  readonly 'absolute-expires-at': string;
  readonly 'expiry-time': string;
  readonly 'source-ip': string;
  readonly 'user-agent': string;
  readonly aaa: string;
  readonly 'priv-lvl': number;
  readonly current: boolean;
}

export interface SessionList {
  readonly items: readonly SessionItem[];
  /** SESSION_LIMIT_PER_USER; 0 means no limit. */
  readonly 'session-limit': number;
  readonly 'limit-policy': 'reject' | 'evict-oldest';
}

export interface UserCount {
  readonly username: string;
  readonly sessions: number;
}

export interface TopUsers {
  readonly items: readonly UserCount[];
  readonly 'session-limit': number;
  readonly 'users-scanned': number;
  readonly complete: boolean;
}

export type SourceState =
  'up' | 'down' | 'held-down' | 'key-mismatch' | 'unknown' | 'loaded' | 'not-configured';

export interface AaaSource {
  readonly source: string;
  readonly state: SourceState;
  readonly since?: string;
  readonly until?: string;
  readonly detail?: string;
  readonly 'last-latency-ms'?: number;
  readonly requests?: number;
  /** Over the last 5 minutes. */
  readonly errors?: number;
  readonly 'error-rate'?: number;
}

export interface StatusAnswer {
  readonly redis: {
    readonly status: 'up' | 'down';
    readonly 'latency-ms'?: number;
    readonly mode: 'standalone' | 'cluster' | 'sentinel';
    readonly master?: string;
    readonly error?: string;
  };
  readonly aaa: readonly { readonly method: string; readonly sources: readonly AaaSource[] }[];
  readonly now: string;
}

export interface Refusal {
  readonly at: string;
  readonly username: string;
  readonly address: string;
  readonly code: string;
  readonly cause: string;
  readonly status: number;
  readonly 'user-agent': string;
}

export interface RefusalsAnswer {
  readonly 'window-minutes': number;
  readonly 'bucket-seconds': number;
  readonly now: string;
  /** Every cause name, in the server's fixed order. */
  readonly causes: readonly string[];
  /** Oldest first; the last is the current minute. `counts` holds only causes with n > 0. */
  readonly series: readonly { readonly start: string; readonly counts: Readonly<Record<string, number>> }[];
  readonly totals: Readonly<Record<string, number>>;
  /** Newest first. */
  readonly latest: readonly Refusal[];
}
