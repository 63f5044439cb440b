/** Most users remembered as invalidated while fills are in flight; past it, every fill in flight is refused. */
const MAX_REMEMBERED_USERS = 10_000;

/**
 * Decides whether an answer Redis gave may enter the cache. The invalidation of a write and the reply
 * to a read travel on different connections, so a read sent before a revocation can be answered after
 * the revocation's invalidation has already arrived (and dropped nothing): caching that answer would
 * keep a revoked session for ever. So each read takes a ticket before it is sent, and its answer is
 * cached only if no invalidation of its user, and no reset (tracking lost or re-established), came
 * after the ticket. An invalidation that comes after the answer was cached simply drops it.
 */
export class FillGuard {
  /** Counts invalidations and resets; a ticket is its value when the read was sent. */
  private sequence = 0;
  /** Tickets below it are refused (the last reset). */
  private floor = 0;
  private readonly invalidatedAt = new Map<string, number>();
  private pending = 0;

  /** Before a read is sent. Every ticket must be given back to settle(). */
  ticket(): number {
    this.pending += 1;
    return this.sequence;
  }

  /** After its answer came (or failed): whether an answer for `userId` may be cached. */
  settle(ticket: number, userId: string): boolean {
    this.pending -= 1;
    const fresh = ticket >= this.floor && (this.invalidatedAt.get(userId) ?? -1) <= ticket;
    // With nothing in flight no ticket can be refused by what is remembered: forget it.
    if (this.pending === 0) this.invalidatedAt.clear();
    return fresh;
  }

  /** An invalidation of one user's keys arrived. */
  invalidated(userId: string): void {
    if (this.pending === 0) return;
    if (this.invalidatedAt.size >= MAX_REMEMBERED_USERS) {
      this.reset();
      return;
    }
    this.sequence += 1;
    this.invalidatedAt.set(userId, this.sequence);
  }

  /** Everything may be stale (tracking was lost or re-established, the database was flushed). */
  reset(): void {
    this.sequence += 1;
    this.floor = this.sequence;
    this.invalidatedAt.clear();
  }
}
