/**
 * The package's errors: one base class, subclasses with a literal `code` (stable across releases, safe
 * to map to HTTP statuses), `cause` kept when wrapping. No message ever contains a key or a password.
 */
export abstract class TacacsError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Invalid options or request fields (empty key, field over 255 bytes, …): thrown before any I/O. */
export class TacacsConfigError extends TacacsError {
  readonly code = 'TACACS_CONFIG';
}

/** A request field does not fit its one-byte length (RFC 8907 §5.1, §6.1, §7.1): refused before sending. */
export class TacacsFieldTooLongError extends TacacsError {
  readonly code = 'TACACS_FIELD_TOO_LONG';

  constructor(
    readonly field: string,
    readonly length: number,
    readonly max: number,
  ) {
    super(`field ${field} is ${length} bytes, the protocol allows at most ${max}`);
  }
}

/** What was wrong with a packet, for logs and metrics. */
export type ProtocolErrorReason =
  | 'bad-version'
  | 'bad-type'
  | 'too-long'
  | 'truncated'
  | 'bad-body'
  | 'bad-sequence'
  | 'bad-session'
  | 'unexpected-status'
  | 'unencrypted-refused';

/** The peer sent something that is not a valid TACACS+ packet for this session. */
export class TacacsProtocolError extends TacacsError {
  readonly code = 'TACACS_PROTOCOL';

  constructor(
    readonly reason: ProtocolErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The body did not decode with our key: field lengths do not add up to the body length (RFC 8907 §4.5).
 * The server is unusable for us; the client moves on to the next server.
 */
export class TacacsKeyMismatchError extends TacacsError {
  readonly code = 'TACACS_KEY_MISMATCH';

  constructor(message = 'the reply did not decode with the configured key (key mismatch)') {
    super(message);
  }
}

/**
 * Which wait ran out: the TCP connect, a reply, the caller's overall deadline (AbortSignal), or the wait
 * for a single-connect connection of the pool (`queue`: the client is busier than its pool, not the
 * server dead).
 */
export type TimeoutPhase = 'connect' | 'read' | 'deadline' | 'queue';

export class TacacsTimeoutError extends TacacsError {
  readonly code = 'TACACS_TIMEOUT';

  constructor(
    readonly phase: TimeoutPhase,
    readonly timeoutMs: number | undefined,
  ) {
    super(
      phase === 'deadline'
        ? 'the overall deadline expired'
        : `${phase} timed out after ${timeoutMs ?? '?'} ms`,
    );
  }
}

/** `busy`: the client's queue of sessions waiting for a single-connect connection is full. */
export type ConnectionFailure = 'refused' | 'reset' | 'closed' | 'unreachable' | 'busy';

/** The TCP connection could not be made or broke before the reply arrived. */
export class TacacsConnectionError extends TacacsError {
  readonly code = 'TACACS_CONNECTION';

  constructor(
    readonly reason: ConnectionFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Why a TLS connection (RFC 9887) could not be used: `verify` — the server certificate did not verify
 * (unknown CA, wrong name, expired…); `handshake` — the handshake failed otherwise (an alert, the server
 * refused our client certificate…); `protocol-version` — the peer does not speak TLS 1.3.
 */
export type TlsFailure = 'verify' | 'handshake' | 'protocol-version';

/**
 * The TLS handshake failed. Like a key mismatch this is a misconfiguration, not a dead server: the
 * client moves on to the next server and does not hold this one down. The message carries the
 * OpenSSL / Node code (`UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `ERR_TLS_CERT_ALTNAME_INVALID`…).
 */
export class TacacsTlsError extends TacacsError {
  readonly code = 'TACACS_TLS';

  constructor(
    readonly reason: TlsFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The server answered with an ERROR status (RFC 8907 §5.2, §6.2, §7.2): it is unusable, move on. */
export class TacacsServerError extends TacacsError {
  readonly code = 'TACACS_SERVER_ERROR';

  constructor(readonly serverMsg: string) {
    super(serverMsg === '' ? 'the server answered ERROR' : `the server answered ERROR: ${serverMsg}`);
  }
}

/** The client was closed while the operation waited. */
export class TacacsClientClosedError extends TacacsError {
  readonly code = 'TACACS_CLIENT_CLOSED';

  constructor() {
    super('the TACACS+ client is closed');
  }
}

/** Every reason a single server could not give an answer. */
export type TacacsServerFailure =
  | TacacsTimeoutError
  | TacacsConnectionError
  | TacacsKeyMismatchError
  | TacacsTlsError
  | TacacsProtocolError
  | TacacsServerError
  | TacacsClientClosedError;

/** One failed attempt: the server (host:port) and why it failed. */
export interface TacacsFailureCause {
  readonly server: string;
  readonly attempt: number;
  readonly error: TacacsServerFailure;
}

/**
 * Summary for callers such as an HTTP layer:
 * - `timeout`: the deadline fired, or every attempt timed out;
 * - `unreachable`: only connection failures (refused, reset, closed), possibly mixed with timeouts;
 * - `key-mismatch`: every server tried failed on key mismatch;
 * - `tls`: every server tried failed its TLS handshake (certificate not verified, TLS 1.3 refused…);
 * - `error`: anything else (ERROR status, protocol errors, mixes).
 */
export type UnavailableReason = 'timeout' | 'unreachable' | 'error' | 'key-mismatch' | 'tls';

/** No server gave a PASS or FAIL. */
export class TacacsUnavailableError extends TacacsError {
  readonly code = 'TACACS_UNAVAILABLE';

  constructor(
    readonly reason: UnavailableReason,
    readonly causes: readonly TacacsFailureCause[],
    readonly serversTried: number,
    readonly attempts: number,
    /** Servers skipped because they were held down. */
    readonly skipped: readonly string[] = [],
  ) {
    super(
      `no TACACS+ server answered (${reason}; ${serversTried} server(s), ${attempts} attempt(s))` +
        (causes.length > 0 ? `: ${causes.map((c) => `${c.server}: ${c.error.message}`).join('; ')}` : '') +
        (skipped.length > 0 ? `; held down: ${skipped.join(', ')}` : ''),
      causes.length > 0 ? { cause: causes[causes.length - 1]?.error } : undefined,
    );
  }
}
