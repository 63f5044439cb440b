import type { Cluster, Redis } from 'ioredis';
import { decodeDescriptor } from './descriptor';
import { sameDigestBytes } from './digest';
import { RedisTimeBounds } from './redis-time-bounds';
import { touchDueAt } from './touch-granularity';
import type { SessionDescriptor, ValidationResult } from './types';

/** Sessions whose next script moment is remembered; past this, the oldest entry gives way. */
export const VALIDATION_HINTS_MAX = 65_536;

const SECRET_HASH_BYTES = 32;

/** Redis times from which the script is needed for a session: its deadline, its next touch. */
export interface ScriptMoments {
  expiresAtMs: number;
  touchDueAtMs: number;
}

/** What a validation read with HMGET returned: hash, descriptor, username, user agent. */
export type PlainFields = readonly (Buffer | null)[];

/** Counts a client's (re)connections: one listener per client, however many stores share it. */
const connections = new WeakMap<Redis | Cluster, { count: number }>();

function connectionCounter(redis: Redis | Cluster): { count: number } {
  let counter = connections.get(redis);
  if (counter === undefined) {
    const created = { count: 0 };
    redis.on('ready', () => {
      created.count += 1;
    });
    connections.set(redis, created);
    counter = created;
  }
  return counter;
}

/**
 * When a validation can skip the script (issue 15). validateSession-2.lua costs Redis ~9 µs per call
 * against ~1 µs for a plain read, and the script is needed only to read Redis's clock and to write
 * a touch. So the store remembers, per session it validated, the Redis times from which the script
 * would do more than read (its deadline and its next touch, as the script computes them), and per
 * bucket bounds on that Redis's clock (from the script replies' `now`). While
 * the clock's upper bound is before the session's moment, one HMGET of the same four fields decides
 * exactly as the script would: same hash comparison, same deadline, no touch due. Anything else — an
 * unknown session, a stale clock, a missing record (the script tells revoked from evicted), a deadline
 * or touch moment reached during the read — goes to the script. Never late: a plain read never accepts
 * a session the script would refuse at any instant of the round trip, and never skips a due touch.
 */
export class ValidationHints {
  private readonly clocks: RedisTimeBounds[];
  private readonly sessions = new Map<string, ScriptMoments>();
  private readonly connection: { count: number };
  private seenConnection: number;

  constructor(
    redis: Redis | Cluster,
    buckets: number,
    /** The store's resolved touch granularity (-1: automatic). */
    private readonly granularityMs: number,
    private readonly maxSessions = VALIDATION_HINTS_MAX,
  ) {
    this.clocks = Array.from({ length: buckets }, () => new RedisTimeBounds());
    this.connection = connectionCounter(redis);
    this.seenConnection = this.connection.count;
  }

  /**
   * Whether a validation of this session in this bucket may be a plain read (decided before sending):
   * the session's moments if so, for `update` to refresh once the read has answered.
   */
  plainReadable(
    bucket: number,
    sessionId: string,
    touch: boolean,
    localNowMs: number,
  ): ScriptMoments | undefined {
    if (this.seenConnection !== this.connection.count) {
      // A new connection may be to another server (a failover): its clock is learned again.
      this.seenConnection = this.connection.count;
      for (const known of this.clocks) known.forget();
    }
    const clock = this.clocks[bucket];
    if (clock === undefined || !clock.fresh(localNowMs)) return undefined;
    const moments = this.sessions.get(sessionId);
    if (moments === undefined) return undefined;
    const latest = clock.latest(localNowMs);
    if (latest >= moments.expiresAtMs || (touch && latest >= moments.touchDueAtMs)) return undefined;
    return moments;
  }

  /** A plain read found the session valid: its moments as the record now says (another may have touched it). */
  update(moments: ScriptMoments, session: SessionDescriptor): void {
    moments.expiresAtMs = session.expiresAtMs;
    moments.touchDueAtMs = touchDueAt(session, this.granularityMs);
  }

  /** A validation script on `bucket` answered with Redis time `redisNowMs` (whole ms). */
  observe(bucket: number, redisNowMs: number, sentAtMs: number, receivedAtMs: number): void {
    // TIME's milliseconds are floored: Redis time was in [now, now + 1) when the script ran.
    this.clocks[bucket]?.sample(redisNowMs, sentAtMs - 1, receivedAtMs);
  }

  /** Remembers a valid session's next script moment, or forgets a session that died. */
  learn(result: ValidationResult, sessionId: string): void {
    if (!result.valid) {
      // 'invalid' may be a wrong secret: it says nothing about the session of the right one.
      if (result.reason !== 'invalid') this.sessions.delete(sessionId);
      return;
    }
    const { session } = result;
    const touchDueAtMs = touchDueAt(session, this.granularityMs);
    const known = this.sessions.get(sessionId);
    if (known !== undefined) {
      known.expiresAtMs = session.expiresAtMs;
      known.touchDueAtMs = touchDueAtMs;
      return;
    }
    if (this.sessions.size >= this.maxSessions) {
      const oldest = this.sessions.keys().next();
      if (oldest.done !== true) this.sessions.delete(oldest.value);
    }
    this.sessions.set(sessionId, { expiresAtMs: session.expiresAtMs, touchDueAtMs });
  }

  /**
   * The plain read's answer, or undefined when only the script can give it. `receivedAtMs`: when the
   * reply arrived (local clock); the bounds then say how late in Redis time the read may have run.
   */
  decide(
    fields: PlainFields,
    /** secretDigest of the presented secret. */
    digest: string,
    sessionId: string,
    bucket: number,
    touch: boolean,
    receivedAtMs: number,
  ): ValidationResult | undefined {
    const [stored, descriptor, username, userAgent] = fields;
    if (stored === null || stored === undefined || descriptor == null || username == null) return undefined;
    if (stored.length !== SECRET_HASH_BYTES || !sameDigestBytes(stored, digest))
      return { valid: false, reason: 'invalid' };
    const clock = this.clocks[bucket];
    if (clock === undefined || !clock.fresh(receivedAtMs)) return undefined;
    const session = decodeDescriptor(
      sessionId,
      username.toString(),
      descriptor.toString(),
      userAgent == null ? '' : userAgent.toString(),
    );
    const latest = clock.latest(receivedAtMs);
    if (latest >= session.expiresAtMs) return undefined;
    if (touch && latest >= touchDueAt(session, this.granularityMs)) return undefined;
    return { valid: true, session, touched: false };
  }
}
