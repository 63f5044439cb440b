import type { SessiondSession } from '../middleware/session';

/** One validated session, as Redis last answered for it. Holds the secret's SHA-256, never the token. */
export interface CachedSession {
  readonly sessionId: string;
  /** trackedUserId: an invalidation of this user's records or tombstones drops the entry. */
  readonly userId: string;
  /** SHA-256 of the token's secret (latin1), the value Redis keeps, compared in constant time. */
  readonly secretHash: string;
  /** The answer to give (`source: 'cache'`); each caller gets a copy. */
  readonly session: SessiondSession;
  readonly createdAtMs: number;
  /** min(idle deadline, absolute deadline) as of the validation, in Redis ms. */
  readonly expiresAtMs: number;
  readonly absoluteExpiresAtMs: number;
  /** From this Redis time on, the store's script would touch the session (touchDueAt). */
  readonly touchDueAtMs: number;
  /** Estimated memory of the entry (entryBytes). */
  readonly bytes: number;
  /** When the entry last moved to the young end of the LRU order (local ms). */
  usedAtMs: number;
}

export interface CacheLimits {
  readonly maxEntries: number;
  readonly maxBytes: number;
}

/**
 * Per-entry overhead beyond its strings: the entry and session objects, three Dates, the digest, and
 * its slots in the two Maps and the user's Set. Measured: about 805 bytes of heap per entry in all at
 * 100,000 entries with 20-character usernames (heapUsed after gc, Node 20), for which this estimate
 * gives 888: the estimate errs high.
 */
const ENTRY_OVERHEAD_BYTES = 768;

/** An entry's estimated memory: the fixed overhead and two bytes per character of its strings. */
export function entryBytes(session: SessiondSession, userId: string): number {
  return (
    ENTRY_OVERHEAD_BYTES +
    2 * (session.sessionId.length + session.username.length + session.aaa.length + userId.length)
  );
}

/** Entries are moved to the young end of the LRU order at most this often (a Map re-insert per hit costs more than the rest of a hit). */
const LRU_REFRESH_MS = 1000;

/**
 * A bounded map of validated sessions: by session id, with an index by user (invalidations name users'
 * keys), at most `maxEntries` entries and `maxBytes` estimated bytes, least recently used dropped
 * first. A Map iterates in insertion order, so re-inserting an entry makes it the youngest; hits do so
 * at most once a second each, which keeps the order close to LRU at a fraction of the cost.
 */
export class SessionCache {
  private readonly entries = new Map<string, CachedSession>();
  private readonly byUser = new Map<string, Set<string>>();
  private totalBytes = 0;

  constructor(private readonly limits: CacheLimits) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get(sessionId: string): CachedSession | undefined {
    return this.entries.get(sessionId);
  }

  /** Marks a hit: the entry moves to the young end, at most once per LRU_REFRESH_MS. */
  used(entry: CachedSession, nowMs: number): void {
    if (nowMs - entry.usedAtMs < LRU_REFRESH_MS) return;
    entry.usedAtMs = nowMs;
    this.entries.delete(entry.sessionId);
    this.entries.set(entry.sessionId, entry);
  }

  /** Adds or replaces the entry of its session, then drops the oldest entries beyond the limits. */
  set(entry: CachedSession): void {
    this.delete(entry.sessionId);
    if (entry.bytes > this.limits.maxBytes) return;
    this.entries.set(entry.sessionId, entry);
    this.totalBytes += entry.bytes;
    let sessions = this.byUser.get(entry.userId);
    if (sessions === undefined) {
      sessions = new Set();
      this.byUser.set(entry.userId, sessions);
    }
    sessions.add(entry.sessionId);
    while (this.entries.size > this.limits.maxEntries || this.totalBytes > this.limits.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.delete(oldest.value);
    }
  }

  delete(sessionId: string): void {
    const entry = this.entries.get(sessionId);
    if (entry === undefined) return;
    this.entries.delete(sessionId);
    this.totalBytes -= entry.bytes;
    const sessions = this.byUser.get(entry.userId);
    sessions?.delete(sessionId);
    if (sessions?.size === 0) this.byUser.delete(entry.userId);
  }

  /** Drops every session of the user; returns how many there were. */
  dropUser(userId: string): number {
    const sessions = this.byUser.get(userId);
    if (sessions === undefined) return 0;
    const count = sessions.size;
    for (const sessionId of [...sessions]) this.delete(sessionId);
    return count;
  }

  clear(): void {
    this.entries.clear();
    this.byUser.clear();
    this.totalBytes = 0;
  }
}
