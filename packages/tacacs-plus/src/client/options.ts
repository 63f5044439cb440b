import { isIP } from 'node:net';
import { DEFAULT_MAX_BODY_LENGTH, DEFAULT_PORT } from '../constants';
import { TacacsConfigError } from '../errors';
import type { TacacsTransport } from './transport';
import type { TacacsClientEvent } from './events';

/** One TACACS+ server (RFC 9950 defaults: 5 s timeout, single-connection off). */
export interface TacacsServerConfig {
  readonly host: string;
  /** Default 49 (300 with the TLS transport, RFC 9887 §3.1). */
  readonly port?: number;
  /**
   * Shared secret. Empty only with `unencrypted: true` on the client. Not needed, and never used,
   * with a transport that protects bodies itself (TLS, RFC 9887 §4).
   */
  readonly key?: string;
  /** TCP connect timeout in ms (default 5000). */
  readonly connectTimeoutMs?: number;
  /** Wait for each reply, in ms (default 5000). */
  readonly readTimeoutMs?: number;
  /** Ask for single-connect mode (default false). */
  readonly singleConnect?: boolean;
  /**
   * The local IP address connections come from (servers and firewalls often allow only the NAS's
   * management address). Default: chosen by the operating system.
   */
  readonly localAddress?: string;
}

export interface TacacsClientOptions {
  /** Tried in order. */
  readonly servers: readonly TacacsServerConfig[];
  /** Extra attempts on a server that refused or timed out (default 1). Never after FAIL. */
  readonly retries?: number;
  /** A dead server is skipped for this long, in ms (default 30000; 0 disables hold-down). */
  readonly holdDownMs?: number;
  /** A single-connect connection with no session is closed after this many ms (default 30000). */
  readonly idleTimeoutMs?: number;
  /**
   * Single-connect connections per server (default 4). Each carries one session at a time; more
   * concurrent sessions wait for one in a FIFO queue (README "Single-connect").
   */
  readonly maxConnections?: number;
  /** Sessions that may wait for a single-connect connection, per server (default 1024); more fail at once. */
  readonly maxQueuedSessions?: number;
  /** The only way to allow an empty key: packets are then sent with the UNENCRYPTED flag (default false). */
  readonly unencrypted?: boolean;
  /** Largest reply body accepted, in bytes (default 65535). */
  readonly maxBodyLength?: number;
  /** Structured events for metrics and logs; never contain a password or key. */
  readonly onEvent?: (event: TacacsClientEvent) => void;
  /** How bytes reach the servers (default plain TCP; `tlsTransport(...)` for RFC 9887 TLS 1.3). */
  readonly transport?: TacacsTransport;
  /** Clock for hold-down, in ms (default Date.now); injectable for tests. */
  readonly now?: () => number;
}

export interface ResolvedServer {
  readonly host: string;
  readonly port: number;
  readonly label: string;
  readonly key: Buffer;
  readonly obfuscate: boolean;
  readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly singleConnect: boolean;
  readonly localAddress: string | undefined;
}

export const DEFAULTS = {
  port: DEFAULT_PORT,
  connectTimeoutMs: 5_000,
  readTimeoutMs: 5_000,
  singleConnect: false,
  retries: 1,
  holdDownMs: 30_000,
  idleTimeoutMs: 30_000,
  maxConnections: 4,
  maxQueuedSessions: 1024,
  maxBodyLength: DEFAULT_MAX_BODY_LENGTH,
} as const;

/** Below this many characters a key draws a `weak-key` event (tacacs.md secret policy). */
export const WEAK_KEY_LENGTH = 16;

function positive(name: string, value: number, allowZero = false): number {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new TacacsConfigError(
      `${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${value}`,
    );
  }
  return value;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new TacacsConfigError(`${name} must be an integer ≥ 1`);
  return value;
}

export function resolveServer(
  config: TacacsServerConfig,
  index: number,
  unencrypted: boolean,
  transport: TacacsTransport,
): ResolvedServer {
  const where = `servers[${index}]`;
  if (typeof config.host !== 'string' || config.host.trim() === '') {
    throw new TacacsConfigError(`${where}.host must be a non-empty string`);
  }
  const port = config.port ?? transport.defaultPort ?? DEFAULTS.port;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new TacacsConfigError(`${where}.port must be an integer from 1 to 65535`);
  }
  const key = config.key ?? (transport.obfuscates ? undefined : '');
  if (typeof key !== 'string') throw new TacacsConfigError(`${where}.key must be a string`);
  if (config.localAddress !== undefined && isIP(config.localAddress) === 0) {
    throw new TacacsConfigError(`${where}.localAddress must be an IPv4 or IPv6 address`);
  }
  if (key === '' && !unencrypted && transport.obfuscates) {
    // RFC 8907 §10.5.2: never run without obfuscation by accident.
    throw new TacacsConfigError(`${where}.key is empty; set unencrypted: true to allow that explicitly`);
  }
  return {
    host: config.host,
    port,
    label: `${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    // RFC 9887 §4: over TLS the key is not used at all, whatever was configured.
    key: transport.obfuscates ? Buffer.from(key, 'utf8') : Buffer.alloc(0),
    obfuscate: transport.obfuscates && key !== '',
    connectTimeoutMs: positive(
      `${where}.connectTimeoutMs`,
      config.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    ),
    readTimeoutMs: positive(`${where}.readTimeoutMs`, config.readTimeoutMs ?? DEFAULTS.readTimeoutMs),
    singleConnect: config.singleConnect ?? DEFAULTS.singleConnect,
    localAddress: config.localAddress,
  };
}

export function resolveClientNumbers(options: TacacsClientOptions): {
  retries: number;
  holdDownMs: number;
  idleTimeoutMs: number;
  maxConnections: number;
  maxQueuedSessions: number;
  maxBodyLength: number;
} {
  const retries = options.retries ?? DEFAULTS.retries;
  if (!Number.isInteger(retries) || retries < 0)
    throw new TacacsConfigError('retries must be an integer ≥ 0');
  return {
    retries,
    holdDownMs: positive('holdDownMs', options.holdDownMs ?? DEFAULTS.holdDownMs, true),
    idleTimeoutMs: positive('idleTimeoutMs', options.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs),
    maxConnections: positiveInteger('maxConnections', options.maxConnections ?? DEFAULTS.maxConnections),
    maxQueuedSessions: positiveInteger(
      'maxQueuedSessions',
      options.maxQueuedSessions ?? DEFAULTS.maxQueuedSessions,
    ),
    maxBodyLength: positive('maxBodyLength', options.maxBodyLength ?? DEFAULTS.maxBodyLength),
  };
}
