/**
 * Fault modes of the test server, switchable at run time (`TacacsServer.setFault`). Each one reproduces
 * a failure a client meets in the field: a slow or silent server (Cisco ISE drops what it cannot
 * process), a connection cut mid-reply, bytes that are not TACACS+, an ERROR status, a key mismatch,
 * and the statuses a client must end as FAIL (RESTART, FOLLOW, GETDATA).
 */
export type TacacsFault =
  /** Wait `ms` before sending each reply. */
  | { readonly type: 'delay'; readonly ms: number }
  /** Read requests, never reply. */
  | { readonly type: 'drop' }
  /** Send the first half of the reply, then close the connection. */
  | { readonly type: 'close-mid-reply' }
  /** Send bytes that are not a TACACS+ packet. */
  | { readonly type: 'garbage' }
  /** Reply with the ERROR status of the packet type. */
  | { readonly type: 'error' }
  /** Obfuscate replies with another key. */
  | { readonly type: 'wrong-key' }
  /**
   * Obfuscate replies (with the server's key, or another one when it has none, as over TLS) and send
   * them without the UNENCRYPTED flag: what RFC 9887 §4 says a TLS client must end the session on.
   */
  | { readonly type: 'obfuscated-reply' }
  /** Authentication: RESTART; authorization and accounting: ERROR. */
  | { readonly type: 'restart' }
  /** FOLLOW status, for every packet type. */
  | { readonly type: 'follow' }
  /** Authentication: GETDATA; authorization and accounting: ERROR. */
  | { readonly type: 'getdata' }
  /**
   * Each connection is ended by the server right after it finished `sessions` sessions, whatever
   * single-connect said (1: a server that closes after every session).
   */
  | { readonly type: 'close-after-sessions'; readonly sessions: number };

export type TacacsFaultType = TacacsFault['type'];

/** What garbage looks like: an HTTP error page (a classic "wrong port" answer). */
export const GARBAGE_REPLY = Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n', 'latin1');

/** The key used by the wrong-key fault. */
export const WRONG_KEY = Buffer.from('definitely-not-the-configured-key', 'utf8');
