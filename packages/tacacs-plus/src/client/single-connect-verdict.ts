import type { ConnectionEnd } from './connection';

export type SingleConnectUnsupportedReason = 'declined' | 'closes-after-session';

/**
 * Connections that negotiated single-connect, served exactly one session and were then closed by the
 * server, in a row, before the server is taken for one that closes after every session.
 */
const STRIKES = 2;

/**
 * An idle close this soon after a session counts as "closes after every session"; a later one is the
 * server's idle timeout (tac_plus and most servers wait minutes).
 */
const PROMPT_CLOSE_MS = 1_000;

/**
 * Whether single-connect is worth asking a server for. RFC 8907 §4.3 lets a server decline (its first
 * reply lacks the flag); servers in the field also agree and then close the connection after each
 * session anyway (issue 13). Either way the client falls back to one connection per session for that
 * server, for the client's lifetime, and says so once.
 */
export class SingleConnectVerdict {
  private unsupportedReason: SingleConnectUnsupportedReason | undefined;
  private strikes = 0;

  constructor(private readonly onUnsupported: (reason: SingleConnectUnsupportedReason) => void) {}

  get unsupported(): boolean {
    return this.unsupportedReason !== undefined;
  }

  /** The first reply on a connection settled single-connect. */
  negotiated(state: 'yes' | 'no'): void {
    if (state === 'no') this.decide('declined');
  }

  /** A negotiated connection finished another session: after two, the server evidently keeps connections. */
  sessionCompleted(sessionsCompleted: number): void {
    if (sessionsCompleted >= 2) this.strikes = 0;
  }

  /** A negotiated connection ended. */
  ended(end: ConnectionEnd): void {
    if (!end.byServer || end.sessionsCompleted !== 1) return;
    const prompt = end.midSession || (end.idleForMs !== undefined && end.idleForMs < PROMPT_CLOSE_MS);
    if (!prompt) return;
    this.strikes += 1;
    if (this.strikes >= STRIKES) this.decide('closes-after-session');
  }

  private decide(reason: SingleConnectUnsupportedReason): void {
    if (this.unsupportedReason !== undefined) return;
    this.unsupportedReason = reason;
    this.onUnsupported(reason);
  }
}
