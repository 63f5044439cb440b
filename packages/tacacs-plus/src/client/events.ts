import type { TacacsServerFailure } from '../errors';

export type TacacsOperation = 'authenticate' | 'authorize' | 'accounting';

/** A failure as it appears in events: the error's code and message only (never secrets). */
export interface EventError {
  readonly code: TacacsServerFailure['code'];
  readonly message: string;
}

/**
 * Structured events for metrics and logs. They carry server labels (host:port), outcomes and timings,
 * never a username, password or key.
 */
export type TacacsClientEvent =
  | {
      readonly type: 'attempt';
      readonly operation: TacacsOperation;
      readonly server: string;
      readonly attempt: number;
      readonly outcome: 'pass' | 'fail' | 'error';
      readonly latencyMs: number;
      readonly error?: EventError;
    }
  | {
      readonly type: 'retry';
      readonly operation: TacacsOperation;
      readonly server: string;
      readonly attempt: number;
    }
  | {
      readonly type: 'failover';
      readonly operation: TacacsOperation;
      readonly from: string;
      readonly to: string;
    }
  | {
      readonly type: 'hold-down';
      readonly server: string;
      readonly holdDownMs: number;
      readonly until: number;
    }
  | { readonly type: 'all-held-down'; readonly operation: TacacsOperation }
  | { readonly type: 'weak-key'; readonly server: string; readonly keyLength: number }
  | { readonly type: 'connection-opened'; readonly server: string };
