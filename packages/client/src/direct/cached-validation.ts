import { parseToken } from '@sessiond/protocol';
import {
  touchDueAt,
  trackedUserId,
  trackedUserOfKey,
  trackingPrefixes,
  type SessionDescriptor,
  type SessionStore,
  type ValidationResult,
} from '@sessiond/session-store';
import type { SessiondSession } from '../middleware/session';
import type { Verdict } from '../middleware/validators';
import { fromDescriptor, verdictOf } from './direct-validator';
import { FillGuard } from './fill-guard';
import { InvalidationFeed, type FeedTiming } from './invalidation-feed';
import type { RedisClient } from './redis-types';
import { SessionCache, entryBytes, type CacheLimits, type CachedSession } from './session-cache';
import { sameDigest, secretDigest, secretOf, sessionIdOf } from './token-digest';

/** What the cache needs of a SessionStore: validate, and the settings that name keys and touches. */
export type CacheableStore = Pick<SessionStore, 'validate' | 'options'>;

/** What the session cache has done since it started (`stats()`). */
export interface SessionCacheStats {
  /** Whether tracking is up everywhere, so that answers are cached and served. */
  readonly live: boolean;
  readonly entries: number;
  /** Estimated memory of the entries. */
  readonly bytes: number;
  /** Validations answered from the cache, without Redis. */
  readonly hits: number;
  /** Validations that went to Redis. */
  readonly misses: number;
  /** Touches sent for cached sessions whose idle deadline had to move in Redis. */
  readonly touches: number;
  /** Entries dropped because Redis reported a write to their user's keys. */
  readonly invalidated: number;
  /** Times the whole cache was dropped (tracking lost or re-established, a flush). */
  readonly resets: number;
}

export interface CachedValidationSettings extends CacheLimits, FeedTiming {
  /** Count validations as activity (the middleware's `touch`). */
  readonly touch: boolean;
}

/** After a failed touch, a cached session waits this long before asking again. */
const TOUCH_RETRY_MS = 1000;

interface Fill {
  readonly secretHash: string;
  readonly verdict: Promise<Verdict>;
}

/**
 * Validations through a bounded in-process cache that Redis keeps honest: a valid answer is kept
 * until its session's own deadlines and served with no round trip, and dropped the moment Redis
 * reports a write to its user's records or tombstones (InvalidationFeed: server-assisted client-side
 * caching). While tracking is down anywhere, nothing is cached or served: every validation goes to
 * Redis, as without the cache. Sliding expiry stays right: a hit whose session the script would touch
 * now sends that touch (one at a time per session; the hits meanwhile are served).
 */
export class CachedValidation {
  private readonly cache: SessionCache;
  private readonly guard = new FillGuard();
  private readonly feed: InvalidationFeed;
  /** Reads of sessions in flight, by session id: concurrent misses of one token share one. */
  private readonly fills = new Map<string, Fill>();
  /** Sessions with a touch in flight, and when their last touch failed. */
  private readonly touching = new Set<string>();
  private readonly touchFailedAt = new Map<string, number>();
  private readonly counts = { hits: 0, misses: 0, touches: 0, invalidated: 0, resets: 0 };

  constructor(
    private readonly store: CacheableStore,
    redis: RedisClient,
    private readonly settings: CachedValidationSettings,
    onError: (error: Error) => void,
  ) {
    this.cache = new SessionCache(settings);
    const { keyPrefix, buckets } = store.options;
    this.feed = new InvalidationFeed(redis, trackingPrefixes(keyPrefix, buckets), settings, {
      invalidate: (keys) => this.invalidate(keys),
      reset: () => this.reset(),
      error: onError,
    });
  }

  /** The verdict on a token: from the cache when it holds the session, else from Redis. */
  validate(token: string): Promise<Verdict> {
    const hit = this.lookup(token);
    return hit !== undefined ? Promise.resolve(hit) : this.miss(token);
  }

  /** The cache's verdict alone (undefined: not cached, Redis must be asked). Never a round trip. */
  lookup(token: string): Verdict | undefined {
    const sessionId = sessionIdOf(token);
    if (sessionId === undefined) return undefined;
    const entry = this.cache.get(sessionId);
    if (entry === undefined || !sameDigest(secretDigest(secretOf(token)), entry.secretHash)) return undefined;
    const localNow = Date.now();
    if (this.feed.clock.latest(localNow) >= entry.expiresAtMs) {
      // Its idle or absolute deadline may have passed in Redis: Redis decides (and says why).
      this.cache.delete(sessionId);
      return undefined;
    }
    this.cache.used(entry, localNow);
    // The lower bound of Redis time: when it says due, the script will write (never a touch for nothing).
    if (this.settings.touch && Math.floor(this.feed.clock.earliest(localNow)) >= entry.touchDueAtMs) {
      this.startTouch(token, entry, localNow);
    }
    this.counts.hits += 1;
    return { valid: true, session: answerOf(entry) };
  }

  stats(): SessionCacheStats {
    return { live: this.feed.live, entries: this.cache.size, bytes: this.cache.bytes, ...this.counts };
  }

  close(): void {
    this.feed.close();
    this.cache.clear();
  }

  private miss(token: string): Promise<Verdict> {
    this.counts.misses += 1;
    const parsed = parseToken(token);
    if (parsed === undefined) return this.ask(token);
    const { sessionId } = parsed.ref;
    const secretHash = secretDigest(parsed.secret);
    const joined = this.fills.get(sessionId);
    if (joined !== undefined && sameDigest(joined.secretHash, secretHash)) {
      return joined.verdict.then(copyVerdict);
    }
    const verdict = this.fill(token, trackedUserId(parsed.ref), secretHash);
    if (joined === undefined) {
      this.fills.set(sessionId, { secretHash, verdict });
      const forget = (): void => {
        if (this.fills.get(sessionId)?.verdict === verdict) this.fills.delete(sessionId);
      };
      verdict.then(forget, forget);
    }
    // Each caller its own copy: one handler mutating its session cannot change another's.
    return verdict.then(copyVerdict);
  }

  /** Asks Redis, and caches a valid answer if nothing made it stale on the way. */
  private async fill(token: string, userId: string, secretHash: string): Promise<Verdict> {
    if (!this.feed.live) return this.ask(token);
    const ticket = this.guard.ticket();
    let result: ValidationResult;
    try {
      result = await this.store.validate(token, { touch: this.settings.touch });
    } catch (error) {
      this.guard.settle(ticket, userId);
      throw error;
    }
    const fresh = this.guard.settle(ticket, userId) && this.feed.live;
    if (result.valid && fresh) this.remember(result.session, userId, secretHash);
    return verdictOf(result);
  }

  private ask(token: string): Promise<Verdict> {
    return this.store.validate(token, { touch: this.settings.touch }).then(verdictOf);
  }

  /**
   * The touch the script would write now for a cached session: sent with the token at hand (never
   * kept), at most one per session in flight. Its answer replaces the entry (or drops it when the
   * session turned out dead); the write's own invalidation usually drops it first, and the next
   * validation then reads the moved deadline.
   */
  private startTouch(token: string, entry: CachedSession, localNow: number): void {
    const { sessionId, userId, secretHash } = entry;
    if (this.touching.has(sessionId)) return;
    const failedAt = this.touchFailedAt.get(sessionId);
    if (failedAt !== undefined && localNow - failedAt < TOUCH_RETRY_MS) return;
    this.touching.add(sessionId);
    this.counts.touches += 1;
    const ticket = this.guard.ticket();
    this.store.validate(token, { touch: true }).then(
      (result) => {
        this.touching.delete(sessionId);
        this.touchFailedAt.delete(sessionId);
        const fresh = this.guard.settle(ticket, userId) && this.feed.live;
        if (!result.valid) this.cache.delete(sessionId);
        else if (fresh) this.remember(result.session, userId, secretHash);
      },
      () => {
        // Not reported: the request was answered from the cache, and a Redis outage is reported by
        // the feed (its pairs go down with it) and by the validations that then reach Redis.
        this.touching.delete(sessionId);
        this.touchFailedAt.set(sessionId, Date.now());
        this.guard.settle(ticket, userId);
      },
    );
  }

  private remember(descriptor: SessionDescriptor, userId: string, secretHash: string): void {
    const session = fromDescriptor(descriptor, 'cache');
    this.cache.set({
      sessionId: descriptor.sessionId,
      userId,
      secretHash,
      session,
      createdAtMs: descriptor.createdAtMs,
      expiresAtMs: descriptor.expiresAtMs,
      absoluteExpiresAtMs: descriptor.absoluteExpiresAtMs,
      touchDueAtMs: touchDueAt(descriptor, this.store.options.touchGranularityMs),
      bytes: entryBytes(session, userId),
      usedAtMs: Date.now(),
    });
  }

  private invalidate(keys: readonly Buffer[] | null): void {
    if (keys === null) {
      this.reset();
      return;
    }
    const { keyPrefix } = this.store.options;
    for (const key of keys) {
      // Keys are ASCII (prefix, bucket, base64url tag): latin1 decodes them without a UTF-8 pass.
      const userId = trackedUserOfKey(keyPrefix, key.toString('latin1'));
      if (userId === undefined) continue;
      this.guard.invalidated(userId);
      this.counts.invalidated += this.cache.dropUser(userId);
    }
  }

  private reset(): void {
    this.guard.reset();
    this.cache.clear();
    this.touchFailedAt.clear();
    this.counts.resets += 1;
  }
}

/**
 * A hit's answer: a fresh object with fresh Dates for each caller (a handler that mutates its
 * session cannot change the cache), built field by field from numbers (a spread and three getTime()
 * calls cost more than the rest of the hit but the digest).
 */
function answerOf(entry: CachedSession): SessiondSession {
  const { session } = entry;
  return {
    sessionId: session.sessionId,
    username: session.username,
    privLvl: session.privLvl,
    aaa: session.aaa,
    issuedAt: new Date(entry.createdAtMs),
    expiresAt: new Date(entry.expiresAtMs),
    absoluteExpiresAt: new Date(entry.absoluteExpiresAtMs),
    source: 'cache',
  };
}

/** A copy of an answer for each caller that shared one read. */
function copyOf(session: SessiondSession): SessiondSession {
  return {
    ...session,
    issuedAt: new Date(session.issuedAt.getTime()),
    expiresAt: new Date(session.expiresAt.getTime()),
    absoluteExpiresAt: new Date(session.absoluteExpiresAt.getTime()),
  };
}

function copyVerdict(verdict: Verdict): Verdict {
  return verdict.valid ? { valid: true, session: copyOf(verdict.session) } : verdict;
}
