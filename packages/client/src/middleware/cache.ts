import { createHash } from 'node:crypto';
import type { SessiondSession } from './session';

export interface CacheOptions {
  /** How long a valid answer is reused, in ms (1 ms–1 h). A revoked token stays accepted this long. */
  readonly ttlMs: number;
  /** Most tokens remembered (default 10000); the least recently used is dropped first. */
  readonly maxEntries?: number;
  /** The clock, in ms since the epoch (default Date.now); for tests. */
  readonly now?: () => number;
}

interface Entry {
  readonly session: SessiondSession;
  readonly until: number;
}

/**
 * A bounded positive cache: only valid answers, each until min(now + ttl, the session's own idle and
 * absolute deadlines), keyed by the SHA-256 of the token so that the token itself is never kept.
 * A Map iterates in insertion order; re-inserting on a hit makes it an LRU.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: { ttlMs: number; maxEntries: number; now: () => number }) {
    this.ttlMs = options.ttlMs;
    this.maxEntries = options.maxEntries;
    this.now = options.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get(token: string): SessiondSession | undefined {
    const key = keyOf(token);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.until <= this.now()) return undefined;
    this.entries.set(key, entry);
    // Fresh Date objects: a handler that mutates its req.sessiond cannot change the cached entry.
    const { session } = entry;
    return {
      ...session,
      issuedAt: new Date(session.issuedAt.getTime()),
      expiresAt: new Date(session.expiresAt.getTime()),
      absoluteExpiresAt: new Date(session.absoluteExpiresAt.getTime()),
      source: 'cache',
    };
  }

  set(token: string, session: SessiondSession): void {
    const until = Math.min(
      this.now() + this.ttlMs,
      session.expiresAt.getTime(),
      session.absoluteExpiresAt.getTime(),
    );
    const key = keyOf(token);
    this.entries.delete(key);
    if (until <= this.now()) return;
    this.entries.set(key, { session, until });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

function keyOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64');
}
