/** A command decision as POST /authorize remembers it. */
export interface CachedDecision {
  readonly permit: boolean;
  /** For a denial: the server's message (server_msg), if any. */
  readonly serverMsg: string;
}

/**
 * POST /authorize's short cache of TACACS+ decisions (AUTHORIZE_CACHE_TTL_MS, 0: off): permits and
 * denials by username, priv-lvl and command line, each for the TTL from when TACACS+ gave it; never
 * an outage (those are asked again every time). At most AUTHORIZE_CACHE_MAX_ENTRIES entries: when
 * full, the oldest is forgotten first, so random commands cannot grow it. A rule changed on the
 * TACACS+ server takes effect here within the TTL. Per process: replicas each keep their own.
 */
export class DecisionCache {
  private readonly entries = new Map<string, { readonly decision: CachedDecision; readonly until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  get(username: string, privLvl: number, line: string): CachedDecision | undefined {
    if (!this.enabled) return undefined;
    const key = keyOf(username, privLvl, line);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until > this.now()) return entry.decision;
    this.entries.delete(key);
    return undefined;
  }

  set(username: string, privLvl: number, line: string, decision: CachedDecision): void {
    if (!this.enabled) return;
    const key = keyOf(username, privLvl, line);
    // Re-inserted at the end: the map's order is the order entries expire in.
    this.entries.delete(key);
    this.entries.set(key, { decision, until: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}

/** The parts in one unambiguous string, whatever characters they hold. */
function keyOf(username: string, privLvl: number, line: string): string {
  return JSON.stringify([username, privLvl, line]);
}
