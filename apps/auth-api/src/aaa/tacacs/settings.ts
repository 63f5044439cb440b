import type { TacacsServer, TacacsTlsSettings } from '@sessiond/env-config';

/** The TACACS+ method's settings (tacacs/definition.ts builds them from the environment). */
export interface TacacsSettings {
  /** TACACS_SERVERS, tried in order, each with its key (TACACS_SECRET or TACACS_SECRET_<X>). */
  readonly servers: readonly TacacsServer[];
  /** TACACS_TLS=true: every server over TLS 1.3 (RFC 9887) with these files; undefined: plain TCP. */
  readonly tls: TacacsTlsSettings | undefined;
  readonly authType: 'pap' | 'ascii' | 'chap';
  /** TACACS_AUTHORIZATION: ask for the user's priv-lvl after authentication. */
  readonly authorization: boolean;
  /** TACACS_ACCOUNTING: START and STOP records for sessions. */
  readonly accounting: boolean;
  /** TACACS_SINGLE_CONNECT: keep connections for many sessions (one at a time each). */
  readonly singleConnect: boolean;
  /** TACACS_SINGLE_CONNECT_POOL: single-connect connections kept per server. */
  readonly singleConnectPool: number;
  /** TACACS_HOLD_DOWN_MS: how long a dead server is skipped before one probe (0: never skipped). */
  readonly holdDownMs: number;
  /** TACACS_SOURCE_ADDRESS: the local address connections come from. */
  readonly sourceAddress: string | undefined;
  /** TACACS_PORT_NAME: the NAS `port` of every record (the sweeper's STOPs use the same). */
  readonly portName: string;
  readonly timeoutMs: number;
  readonly retries: number;
}
