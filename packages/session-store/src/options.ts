import { TOKEN_FORMAT } from '@sessiond/protocol';
import type { Cluster, Redis } from 'ioredis';
import { InvalidStoreOptionsError } from './errors';

export type LimitPolicy = 'reject' | 'evict-oldest';

/** How sessions of a login behave; store-wide defaults, overridable per create(). */
export interface SessionPolicy {
  /** Live sessions per user; 0 means no limit. */
  readonly limit: number;
  /** What a login over the limit does: refuse it, or end the least recently used sessions. */
  readonly policy: LimitPolicy;
  /** A session dies when unused for this long (Cisco's `expiry-time`). */
  readonly idleTimeoutMs: number;
  /** A session dies this long after it was created, used or not. */
  readonly absoluteLifetimeMs: number;
}

export interface SessionStoreOptions {
  /** First part of every key (default `sessiond`). */
  readonly keyPrefix?: string;
  /**
   * Number of expiry-index buckets, 1–1296 (default 64). Each user's keys share the hash tag of one
   * bucket, so buckets spread users over cluster slots. Fixed for the life of the data: tokens name
   * their bucket, but a user's new sessions would land in another bucket if it changed.
   */
  readonly buckets?: number;
  /**
   * Each bucket's expiry index is split into this many small sorted sets (default 32, 1–1024), all
   * under the bucket's hash tag. Redis keeps a sorted set of up to 128 members in a compact encoding
   * (about 28 bytes a user instead of 112), so aim for buckets × indexShards ≥ users / 100.
   * Fixed for the life of the data, like `buckets`.
   */
  readonly indexShards?: number;
  /** HMAC key for user tags (default: a fixed key). Set a secret one so tags cannot be matched to names. */
  readonly userTagKey?: string | Buffer;
  /** Defaults for create(): limit 5, `reject`, 15 min idle, 8 h absolute. */
  readonly defaults?: Partial<SessionPolicy>;
  /**
   * A validation with touch writes only when the idle deadline would move by at least this much
   * (default `auto`: 1% of the idle timeout, at least 1 s, at most a tenth of it).
   */
  readonly touchGranularityMs?: number | 'auto';
  /** How long a revoked, evicted or lifetime-expired token is still told why (default 1 h). */
  readonly tombstoneTtlMs?: number;
  /** How long an expired session waits for the sweeper to report it (default 24 h). */
  readonly retentionMs?: number;
  /** Every operation settles within this time, with StoreUnavailableError if Redis is slow (default 1000 ms). */
  readonly operationTimeoutMs?: number;
  /**
   * Acknowledged means durable: every state change a caller acknowledges to a client (create with
   * its evictions, revoke, revokeAll) waits, in the same round trip (a pipelined WAIT), until this
   * many replicas have it, or fails with ReplicationTimeoutError after `timeoutMs` (default: off).
   */
  readonly replication?: ReplicationOptions;
}

export interface ReplicationOptions {
  readonly replicas: number;
  readonly timeoutMs: number;
  /**
   * A client of its own for the changes that WAIT, to the same Redis, with a command timeout above
   * `timeoutMs`. WAIT blocks the connection it is sent on: on the store's client, every validation
   * would queue behind it whenever a replica is slow.
   */
  readonly connection: Redis | Cluster;
}

export interface ResolvedOptions {
  readonly keyPrefix: string;
  readonly buckets: number;
  readonly indexShards: number;
  readonly userTagKey: Buffer;
  readonly defaults: SessionPolicy;
  readonly touchGranularityMs: number;
  readonly tombstoneTtlMs: number;
  readonly retentionMs: number;
  readonly operationTimeoutMs: number;
  readonly replication: { readonly replicas: number; readonly timeoutMs: number } | undefined;
}

/** A session id names its bucket in two base-36 digits (@sessiond/protocol's TOKEN_FORMAT). */
export const MAX_BUCKETS = 36 ** TOKEN_FORMAT.bucketLength;
const DEFAULT_TAG_KEY = 'sessiond user tag v1';

export const DEFAULT_POLICY: SessionPolicy = Object.freeze({
  limit: 5,
  policy: 'reject',
  idleTimeoutMs: 15 * 60_000,
  absoluteLifetimeMs: 8 * 3_600_000,
});

export function resolveOptions(options: SessionStoreOptions): ResolvedOptions {
  const keyPrefix = options.keyPrefix ?? 'sessiond';
  if (!/^[A-Za-z0-9:_.-]{1,64}$/.test(keyPrefix)) {
    throw new InvalidStoreOptionsError('keyPrefix', 'use 1-64 characters of A-Z a-z 0-9 : _ . - (no braces)');
  }
  const granularity = options.touchGranularityMs ?? 'auto';
  return Object.freeze({
    keyPrefix,
    buckets: integer('buckets', options.buckets ?? 64, 1, MAX_BUCKETS),
    indexShards: integer('indexShards', options.indexShards ?? 32, 1, 1024),
    userTagKey: Buffer.from(options.userTagKey ?? DEFAULT_TAG_KEY),
    defaults: resolvePolicy(DEFAULT_POLICY, options.defaults ?? {}, 'defaults.'),
    touchGranularityMs:
      granularity === 'auto' ? -1 : integer('touchGranularityMs', granularity, 0, 86_400_000),
    tombstoneTtlMs: integer('tombstoneTtlMs', options.tombstoneTtlMs ?? 3_600_000, 1000, 30 * 86_400_000),
    retentionMs: integer('retentionMs', options.retentionMs ?? 86_400_000, 1000, 30 * 86_400_000),
    operationTimeoutMs: integer('operationTimeoutMs', options.operationTimeoutMs ?? 1000, 10, 60_000),
    replication:
      options.replication === undefined || options.replication.replicas === 0
        ? undefined
        : Object.freeze({
            replicas: integer('replication.replicas', options.replication.replicas, 0, 100),
            timeoutMs: integer('replication.timeoutMs', options.replication.timeoutMs, 1, 60_000),
          }),
  });
}

/** Fills a partial policy from `base`, checking every value; errors name the option. */
export function resolvePolicy(
  base: SessionPolicy,
  override: Partial<SessionPolicy>,
  label = '',
): SessionPolicy {
  const policy = override.policy ?? base.policy;
  if (policy !== 'reject' && policy !== 'evict-oldest') {
    throw new InvalidStoreOptionsError(`${label}policy`, "must be 'reject' or 'evict-oldest'");
  }
  return Object.freeze({
    limit: integer(`${label}limit`, override.limit ?? base.limit, 0, 100_000),
    policy,
    idleTimeoutMs: integer(
      `${label}idleTimeoutMs`,
      override.idleTimeoutMs ?? base.idleTimeoutMs,
      100,
      365 * 86_400_000,
    ),
    absoluteLifetimeMs: integer(
      `${label}absoluteLifetimeMs`,
      override.absoluteLifetimeMs ?? base.absoluteLifetimeMs,
      100,
      365 * 86_400_000,
    ),
  });
}

function integer(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidStoreOptionsError(
      name,
      `must be an integer from ${min} to ${max}, got ${String(value)}`,
    );
  }
  return value;
}
