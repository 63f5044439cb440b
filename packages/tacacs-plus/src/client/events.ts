import type { TacacsServerFailure } from '../errors';
import type { DownReason } from './hold-down';
import type { SingleConnectUnsupportedReason } from './single-connect-verdict';

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
      /** Every attempt timed out or was refused: the server is skipped until `until`. */
      readonly type: 'hold-down';
      readonly server: string;
      readonly holdDownMs: number;
      readonly until: number;
      readonly reason: DownReason;
    }
  | {
      /** The hold-down ended: one operation sends a single attempt to see if the server is back. */
      readonly type: 'probe';
      readonly operation: TacacsOperation;
      readonly server: string;
    }
  | {
      /** A held-down server answered again (a probe, or the only path left). */
      readonly type: 'recovered';
      readonly server: string;
      readonly downForMs: number;
    }
  | {
      /** Every server is held down (or being probed): the operation ends at once, nothing is sent. */
      readonly type: 'all-held-down';
      readonly operation: TacacsOperation;
      readonly retryAt: number | undefined;
    }
  | { readonly type: 'weak-key'; readonly server: string; readonly keyLength: number }
  | { readonly type: 'connection-opened'; readonly server: string }
  | {
      /**
       * Single-connect was asked for but the server declined it (`declined`, RFC 8907 §4.3) or agreed
       * and then closed the connection after each session (`closes-after-session`): from now on it gets
       * one connection per session. Emitted once per server for the client's lifetime.
       */
      readonly type: 'single-connect-unsupported';
      readonly server: string;
      readonly reason: SingleConnectUnsupportedReason;
    };
