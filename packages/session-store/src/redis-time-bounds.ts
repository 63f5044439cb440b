/** A sample older than this gives way to any newer one (clocks drift, local time can be stepped). */
const SAMPLE_LIFETIME_MS = 10_000;

/**
 * Bounds on the Redis clock, learned from TIME (or a script's reply that carries it). Session deadlines
 * are in Redis time (the scripts never trust application clocks), so whoever decides outside a script
 * needs Redis's "now": a time T read at a local instant between sending (s) and receiving (r) says
 * that Redis now (local t) is at least T + (t - r) and at most T + (t - s). The client's cache stops
 * serving an entry when the upper bound reaches its deadline (never late), and asks for a touch when
 * the lower bound says the script would write one (never for nothing); the store's plain reads
 * (validation-hints.ts) use the upper bound the same way.
 */
export class RedisTimeBounds {
  private lowOffset = 0;
  private highOffset = 0;
  private known = false;
  private sampledAt = 0;

  get ready(): boolean {
    return this.known;
  }

  /** Redis TIME `redisMs` (with its microseconds as a fraction) read between these local instants. */
  sample(redisMs: number, sentAtMs: number, receivedAtMs: number): void {
    const width = receivedAtMs - sentAtMs;
    const tighter = width <= this.highOffset - this.lowOffset + 1;
    if (this.known && !tighter && receivedAtMs - this.sampledAt < SAMPLE_LIFETIME_MS) return;
    this.lowOffset = redisMs - receivedAtMs;
    this.highOffset = redisMs - sentAtMs;
    this.sampledAt = receivedAtMs;
    this.known = true;
  }

  /** Known from a sample taken less than the sample lifetime (10 s) ago. */
  fresh(localNowMs = Date.now()): boolean {
    return this.known && localNowMs - this.sampledAt < SAMPLE_LIFETIME_MS;
  }

  /** Forgets what was learned (the connection changed: it may be another server, another clock). */
  forget(): void {
    this.known = false;
  }

  /** Redis time is at least this now. */
  earliest(localNowMs = Date.now()): number {
    return localNowMs + this.lowOffset;
  }

  /** Redis time is at most this now. */
  latest(localNowMs = Date.now()): number {
    return localNowMs + this.highOffset;
  }

  /** The widest bounds of several clocks (one per Redis Cluster master): true for every one of them. */
  static widest(clocks: readonly RedisTimeBounds[], into: RedisTimeBounds): void {
    let low = Number.POSITIVE_INFINITY;
    let high = Number.NEGATIVE_INFINITY;
    for (const clock of clocks) {
      if (!clock.known) {
        into.known = false;
        return;
      }
      low = Math.min(low, clock.lowOffset);
      high = Math.max(high, clock.highOffset);
    }
    into.known = clocks.length > 0;
    into.lowOffset = low;
    into.highOffset = high;
  }
}

/** A TIME reply ([seconds, microseconds]) in ms, keeping the microseconds as a fraction. */
export function timeReplyMs(reply: unknown): number {
  if (!Array.isArray(reply) || reply.length !== 2) throw new Error('TIME: unexpected reply');
  return Number(reply[0]) * 1000 + Number(reply[1]) / 1000;
}
