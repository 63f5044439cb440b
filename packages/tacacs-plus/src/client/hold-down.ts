/** Why a server was held down: it timed out, or refused / could not be reached. */
export type DownReason = 'timeout' | 'unreachable';

/** How one operation may use a server right now. */
export type Claim =
  /** Not held down: use it with the usual retries. */
  | 'use'
  /** Its hold-down has ended and this operation is the one probe: a single attempt, no retry. */
  | 'probe'
  /** Held down, or another operation is probing it: do not contact it. */
  | 'skip';

/**
 * The hold-down of one server. A server that timed out or refused on every attempt is skipped for
 * `holdDownMs`; when that ends, exactly one operation probes it with a single attempt while every
 * other operation keeps skipping it. The probe's answer decides: a reply (even ERROR or an
 * undecryptable one) ends the hold-down, another timeout or refusal starts a new one. Without this,
 * every login waiting behind a dead server would wait the full timeout, and a server coming back
 * would be hit by every waiting login at once.
 */
export class HoldDown {
  private until: number | undefined;
  private probing = false;
  private since: number | undefined;
  private why: DownReason | undefined;

  /** Epoch ms until which the server is skipped (undefined: not held down). */
  get heldDownUntil(): number | undefined {
    return this.until;
  }

  /** Why the current hold-down started. */
  get reason(): DownReason | undefined {
    return this.why;
  }

  /** When the server was first held down in the current outage (epoch ms). */
  get downSince(): number | undefined {
    return this.since;
  }

  get isProbing(): boolean {
    return this.probing;
  }

  /** Decides how an operation starting at `now` may use the server (and claims the probe). */
  claim(now: number): Claim {
    if (this.until === undefined) return 'use';
    if (this.probing || now < this.until) return 'skip';
    this.probing = true;
    return 'probe';
  }

  /** The server answered (PASS, FAIL, ERROR, a reply with the wrong key): it is reachable. */
  answered(now: number): { readonly recovered: boolean; readonly downForMs: number } {
    const recovered = this.until !== undefined;
    const downForMs = recovered && this.since !== undefined ? now - this.since : 0;
    this.until = undefined;
    this.since = undefined;
    this.why = undefined;
    this.probing = false;
    return { recovered, downForMs };
  }

  /** The server looked dead (every attempt timed out or was refused): skip it until `now + ms`. */
  down(now: number, ms: number, why: DownReason): number {
    this.until = now + ms;
    this.since ??= now;
    this.why = why;
    this.probing = false;
    return this.until;
  }

  /** A probe that ended without a verdict (the caller's deadline): the next operation probes. */
  release(): void {
    this.probing = false;
  }
}
