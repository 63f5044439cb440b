/** What a successful login returns (the Cisco `object#auth-token` body, typed). */
export interface LoginResult {
  /** The bearer token: send it as `X-auth-token`. A secret: never log it. */
  readonly token: string;
  /** The public, non-secret handle of the session (URLs, listings, logs). */
  readonly sessionId: string;
  /**
   * Cisco's `link`: `<PUBLIC_BASE_URL>/api/v1/auth/token-services/<session-id>`, or the relative
   * reference `/api/v1/auth/token-services/<session-id>` when the server has no PUBLIC_BASE_URL.
   */
  readonly link: string;
  /** The idle timeout as Cisco's `hh:mm:ss` (`expiry-time`). */
  readonly expiryTime: string;
  /** The same idle timeout in milliseconds. */
  readonly idleTimeoutMs: number;
  /** When the session idles out unless used. */
  readonly expiresAt: Date;
  /** When the session ends whatever happens. */
  readonly absoluteExpiresAt: Date;
  /** TACACS+ privilege level, 0–15. */
  readonly privLvl: number;
  /** Sessions this login ended (session limit policy `evict-oldest` only; empty otherwise). */
  readonly evicted: readonly string[];
}

/** One session of a listing or a GET (the Cisco `object#session-token` body, typed). */
export interface SessionInfo {
  readonly sessionId: string;
  readonly link: string;
  readonly username: string | undefined;
  readonly createdAt: Date;
  readonly lastAccessAt: Date;
  readonly expiresAt: Date;
  readonly absoluteExpiresAt: Date;
  readonly expiryTime: string;
  readonly idleTimeoutMs: number;
  readonly sourceIp: string;
  readonly userAgent: string | undefined;
  /** Which AAA method authenticated the login: `tacacs+` or `local`. */
  readonly aaa: string;
  readonly privLvl: number | undefined;
  /** True for the session whose token made the request. */
  readonly current: boolean;
  /** Only on the caller's current session. */
  readonly token: string | undefined;
}

/** RFC 7662 introspection, typed. `active: false` carries no reason (RFC 7662 §2.2). */
export type Introspection =
  | { readonly active: false }
  | {
      readonly active: true;
      readonly username: string;
      readonly sessionId: string;
      readonly privLvl: number;
      readonly aaa: string;
      /** Creation time (`iat`, whole seconds). */
      readonly issuedAt: Date;
      /** Idle deadline (`exp`, whole seconds). */
      readonly expiresAt: Date;
      /** Absolute deadline (`absolute_exp`, whole seconds). */
      readonly absoluteExpiresAt: Date;
    };

/**
 * `POST /api/v1/auth/authorize`'s decision: may the user of the token's session run the command?
 * `permit: false` always carries a `code`: `command_denied` (TACACS+ refused the command), or the
 * token routes' code for a dead token (`token_invalid`, `token_revoked`, …). Treat `code` as opaque:
 * switch on the codes you know, and refuse on any other.
 */
export interface CommandAuthorization {
  readonly permit: boolean;
  /** The command line as decided: its words joined by single spaces. */
  readonly command: string;
  /** Why not (permit false only). */
  readonly code: string | undefined;
  readonly detail: string | undefined;
  /** The session's user and TACACS+ privilege level (live sessions only). */
  readonly username: string | undefined;
  readonly privLvl: number | undefined;
  readonly sessionId: string | undefined;
  /** Whether the auth-api answered from its short decision cache (AUTHORIZE_CACHE_TTL_MS). */
  readonly cached: boolean | undefined;
}

/** The `aaa` member of an `aaa_unavailable` or `aaa_misconfigured` problem. */
export interface AaaFailure {
  /** The method that was down (`tacacs+`). */
  readonly method: string;
  /** How: `timeout`, `unreachable`, `error` (503), or `misconfigured` (502, a key mismatch). */
  readonly status: string;
  /** Servers asked; 0 when every server was held down. */
  readonly serversTried: number;
  /** AAA_TIMEOUT_MS and AAA_RETRIES (aaa_unavailable only). */
  readonly timeoutMs: number | undefined;
  readonly retries: number | undefined;
  /** Every server of the method is held down until then (the next probe). */
  readonly heldDownUntil: Date | undefined;
  /**
   * The method tried after the outage and why it did not let the user in: `rejected`, `throttled`
   * (too many such failures during the outage) or `unavailable`. An outage is never a wrong password.
   */
  readonly fallback: { readonly method: string; readonly result: string } | undefined;
}
