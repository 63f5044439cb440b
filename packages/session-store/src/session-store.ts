import { createHash } from 'node:crypto';
import type { Cluster, Redis, RedisValue } from 'ioredis';
import { decodeDescriptor } from './descriptor';
import { digestBytes, secretDigest } from './digest';
import {
  InvalidSessionInputError,
  InvalidStoreOptionsError,
  LoginThrottledError,
  SessionLimitError,
  ReplicationTimeoutError,
  StoreReplyError,
  StoreUnavailableError,
  UserTagCollisionError,
} from './errors';
import { guarded, toStoreError } from './guard';
import { formatToken, parseSessionId, parseToken } from '@sessiond/protocol';
import {
  hashSecret,
  newLocalId,
  newSecret,
  sessionRef,
  userRef,
  type SessionRef,
  type UserRef,
} from './identifiers';
import { checkNewSession } from './input';
import { commandTimeoutOf, RedisClock } from './redis-clock';
import {
  bucketIndexKeys,
  counterKey,
  failuresKey,
  recordKeys,
  recordsKey,
  scopedFailuresKey,
  userKeys,
  type FailureKind,
  type FailureScope,
} from './keys';
import {
  resolveOptions,
  resolvePolicy,
  type ResolvedOptions,
  type SessionPolicy,
  type SessionStoreOptions,
} from './options';
import { execPipeline } from './pipeline';
import { Reply } from './reply';
import { defineScripts } from './scripts';
import { ScriptStatus, invalidReason } from './status';
import { ValidationHints } from './validation-hints';
import { sweepBucket } from './sweep';
import { topUsers } from './top-users';
import type {
  CreateOptions,
  CreatedSession,
  LoginFailure,
  InvalidReason,
  NewSession,
  RevokeReason,
  RevokedSession,
  SessionDescriptor,
  SweepOptions,
  SweepResult,
  TopUsers,
  TopUsersOptions,
  ValidateOptions,
  ValidationResult,
} from './types';

/**
 * Sessions, tokens and per-user limits in Redis. Every operation is one Lua script (one round trip),
 * takes its time from Redis, and names all its keys, which share one hash tag (Redis Cluster safe);
 * a validation the script would only read is one HMGET instead (validation-hints.ts). The design and
 * its reasons are in this package's README.
 */
export class SessionStore {
  readonly options: ResolvedOptions;

  private readonly clock: RedisClock;

  /** When a validation may be one plain read instead of the script (validation-hints.ts). */
  private readonly hints: ValidationHints;

  /** A single Redis whose client's own command timeout is within operationTimeoutMs (runCommand). */
  private readonly commandBounded: boolean;

  /** Where changes that WAIT run (`replication.connection`), so that no other command waits with them. */
  private readonly confirmedRedis: Redis | Cluster | undefined;

  constructor(
    private readonly redis: Redis | Cluster,
    options: SessionStoreOptions = {},
  ) {
    this.options = resolveOptions(options);
    defineScripts(redis);
    if (this.options.replication !== undefined) {
      const connection = options.replication?.connection;
      if (connection === undefined || connection === redis) {
        throw new InvalidStoreOptionsError(
          'replication.connection',
          'a client of its own is needed: WAIT blocks the connection it is sent on',
        );
      }
      defineScripts(connection);
      this.confirmedRedis = connection;
    }
    this.hints = new ValidationHints(redis, this.options.buckets, this.options.touchGranularityMs);
    const commandTimeout = commandTimeoutOf(redis);
    this.commandBounded =
      !redis.isCluster &&
      commandTimeout !== undefined &&
      commandTimeout > 0 &&
      commandTimeout <= this.options.operationTimeoutMs;
    this.clock = new RedisClock(
      redis,
      Math.min(this.options.operationTimeoutMs, commandTimeout ?? Number.POSITIVE_INFINITY),
    );
  }

  /**
   * Starts a session after AAA succeeded, in one step with the login throttle and the session limit:
   * throws LoginThrottledError when the user has `maxFailures` failed logins from the session's
   * source address (a success clears them), SessionLimitError when the limit refuses it.
   */
  async create(
    input: NewSession,
    override: Partial<SessionPolicy> = {},
    { maxFailures = 0 }: CreateOptions = {},
  ): Promise<CreatedSession> {
    const session = checkNewSession(input);
    const policy = resolvePolicy(this.options.defaults, override);
    if (!Number.isInteger(maxFailures) || maxFailures < 0) {
      throw new InvalidSessionInputError('maxFailures', 'must be an integer ≥ 0');
    }
    const user = this.user(session.username);
    const keys = userKeys(this.options.keyPrefix, user, this.options.indexShards);
    const failures = failuresKey(this.options.keyPrefix, user, addressDigest(session.sourceIp));
    const secret = newSecret();
    const hash = hashSecret(secret);
    // A 48-bit local id collides with one of the user's sessions about never; draw again if it does.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const ref = sessionRef(user, newLocalId());
      const { raw, confirmed } = await this.runCreate(ref.sessionId, (deadline) => [
        keys.records,
        keys.tombstones,
        keys.index,
        keys.counter,
        failures,
        ref.lid,
        user.tag,
        session.username,
        hash,
        session.privLvl,
        session.aaa,
        session.sourceIp,
        session.userAgent,
        policy.idleTimeoutMs,
        policy.absoluteLifetimeMs,
        policy.limit,
        policy.policy,
        this.options.tombstoneTtlMs,
        this.options.retentionMs,
        maxFailures,
        deadline,
      ]);
      const reply = Reply.of(raw, 'createSession');
      const status = reply.number();
      if (status === ScriptStatus.IdTaken) continue;
      if (status === ScriptStatus.UserTagCollision) {
        throw new UserTagCollisionError('another username shares this user tag; set a different userTagKey');
      }
      reply.number(); // Redis time
      if (status === ScriptStatus.DeadlinePassed) throw deadlinePassed('create');
      if (status === ScriptStatus.LoginThrottled) throw new LoginThrottledError(reply.number());
      if (status === ScriptStatus.LimitReached) {
        const retryAfterMs = reply.number();
        throw new SessionLimitError(
          policy.limit,
          policy.policy,
          retryAfterMs,
          newestFirst(this.readSessions(reply, user, session.username)),
        );
      }
      if (status !== ScriptStatus.Ok) throw new StoreReplyError(`createSession: status ${status}`);
      if (
        confirmed !== undefined &&
        this.options.replication !== undefined &&
        confirmed < this.options.replication.replicas
      ) {
        // Not durable, so not acknowledged: undo it, so that no usable session is left behind.
        await this.revokeOne(ref.sessionId, 'logout', false).catch(() => undefined);
        throw new ReplicationTimeoutError('create', this.options.replication.replicas, confirmed);
      }
      const evictedCount = reply.number();
      const [created] = this.readSessions(reply, user, session.username, 1);
      if (
        created === undefined ||
        created.sessionId !== ref.sessionId ||
        evictedCount !== reply.remaining / 3
      ) {
        throw new StoreReplyError('createSession: reply does not describe the new session');
      }
      return {
        token: formatToken(ref.sessionId, secret),
        session: created,
        evicted: this.readSessions(reply, user, session.username),
        policy,
      };
    }
    throw new StoreReplyError('createSession: could not draw a free session id');
  }

  /**
   * Runs the create script as an acknowledged change. With `replication`, a create that fails
   * without a reply (a timeout while it queued or waited for replicas, a dropped connection) may
   * still have run: it is undone, so that a login answered 503 leaves no usable session. The undo
   * goes over the store's own client (no WAIT), after the script's deadline: a create still queued
   * behind it then finds its deadline passed and does nothing.
   */
  private async runCreate(
    sessionId: string,
    args: (deadline: number) => RedisValue[],
  ): Promise<{ raw: unknown; confirmed: number | undefined }> {
    try {
      return await this.runWithDeadline('create', 'sessiondCreateSession', true, args);
    } catch (error) {
      if (this.options.replication !== undefined && !(error instanceof StoreReplyError)) {
        await this.revokeOne(sessionId, 'logout', false).catch(() => undefined);
      }
      throw error;
    }
  }

  /**
   * The session a token belongs to, or why it is refused. With `touch` (default) the use counts as
   * activity. Malformed tokens are refused without asking Redis.
   */
  async validate(token: string, { touch = true }: ValidateOptions = {}): Promise<ValidationResult> {
    const parsed = parseToken(token);
    if (parsed === undefined || parsed.ref.bucket >= this.options.buckets) return invalid('invalid');
    const { ref, secret } = parsed;
    const digest = secretDigest(secret);
    const moments = this.hints.plainReadable(ref.bucket, ref.sessionId, touch, Date.now());
    if (moments !== undefined) {
      // One HMGET instead of the script when it decides the same (validation-hints.ts).
      const records = recordsKey(this.options.keyPrefix, ref);
      const fields = await this.runCommand('validate', () =>
        this.redis.hmgetBuffer(records, ref.lid, `${ref.lid}d`, 'u', `${ref.lid}a`),
      );
      const result = this.hints.decide(fields, digest, ref.sessionId, ref.bucket, touch, Date.now());
      if (result !== undefined) {
        if (result.valid) this.hints.update(moments, result.session);
        return result;
      }
    }
    const keys = recordKeys(this.options.keyPrefix, ref);
    const scriptSentAt = Date.now();
    const raw = await this.run('validate', () =>
      this.redis.sessiondValidateSession(
        keys.records,
        keys.tombstones,
        ref.lid,
        digestBytes(digest),
        touch ? '1' : '0',
        this.options.touchGranularityMs,
        this.options.retentionMs,
      ),
    );
    const reply = Reply.of(raw, 'validateSession');
    const status = reply.number();
    if (status !== ScriptStatus.Ok) {
      const refused = invalid(invalidReason(status));
      this.hints.learn(refused, ref.sessionId);
      return refused;
    }
    this.hints.observe(ref.bucket, reply.number(), scriptSentAt, Date.now());
    const username = reply.string();
    const session = decodeDescriptor(ref.sessionId, username, reply.string(), reply.string());
    const result: ValidationResult = { valid: true, session, touched: reply.number() === 1 };
    this.hints.learn(result, ref.sessionId);
    return result;
  }

  /** One live session by id (callers check that the requester may see it). */
  async get(sessionId: string): Promise<SessionDescriptor | undefined> {
    const ref = this.ref(sessionId);
    if (ref === undefined) return undefined;
    const keys = recordKeys(this.options.keyPrefix, ref);
    const raw = await this.run('get', () => this.redis.sessiondGetSession(keys.records, ref.lid));
    const reply = Reply.of(raw, 'getSession');
    if (reply.number() !== ScriptStatus.Ok) return undefined;
    reply.number();
    const username = reply.string();
    return decodeDescriptor(sessionId, username, reply.string(), reply.string());
  }

  /** The user's live sessions, newest first. */
  async listByUser(username: string): Promise<SessionDescriptor[]> {
    const user = this.user(username);
    const keys = userKeys(this.options.keyPrefix, user, this.options.indexShards);
    const raw = await this.run('list', () => this.redis.sessiondListSessions(keys.records));
    const reply = Reply.of(raw, 'listSessions');
    reply.number();
    reply.number();
    const owner = reply.string();
    if (owner !== '' && owner !== username) return [];
    return newestFirst(this.readSessions(reply, user, username));
  }

  /**
   * Counts a failed login (an AAA reject; never a timeout or a limit refusal) of the user from the
   * address, in a window that starts with the first failure. create() refuses the pair once the
   * count reaches its `maxFailures`, and a successful create() clears it. `kind: 'fallback'` counts
   * failures of a fallback method during an AAA outage in a key of their own, which create() ignores.
   */
  async recordLoginFailure(
    username: string,
    address: string,
    windowMs: number,
    kind: FailureKind = 'login',
  ): Promise<LoginFailure> {
    const user = this.user(username);
    const key = failuresKey(this.options.keyPrefix, user, addressDigest(address), kind);
    const { raw } = await this.runWithDeadline(
      'recordLoginFailure',
      'sessiondRecordLoginFailure',
      false,
      (deadline) => [key, windowMs, deadline],
    );
    return failureCount(raw, 'recordLoginFailure');
  }

  /**
   * Counts one failure of a subject that is not a user: a source address (failed logins across
   * usernames), or a client id and address (failed client authentications), in a window that starts
   * with the first failure. The same script as recordLoginFailure, with the caller's deadline; the
   * caller decides what the count means (nothing in Redis refuses on it).
   */
  async recordFailure(scope: FailureScope, subject: string, windowMs: number): Promise<LoginFailure> {
    const key = scopedFailuresKey(this.options.keyPrefix, scope, addressDigest(subject));
    const { raw } = await this.runWithDeadline(
      'recordFailure',
      'sessiondRecordLoginFailure',
      false,
      (deadline) => [key, windowMs, deadline],
    );
    return failureCount(raw, 'recordFailure');
  }

  /**
   * Forgets the failed logins of the user from the address, both counts (`login` and `fallback`):
   * an admin unlocks a throttled user. One DEL (the keys share the user's hash tag); returns how many
   * counts existed.
   */
  async clearLoginFailures(username: string, address: string): Promise<number> {
    const user = this.user(username);
    const digest = addressDigest(address);
    const keys = (['login', 'fallback'] as const).map((kind) =>
      failuresKey(this.options.keyPrefix, user, digest, kind),
    );
    return this.run('clearLoginFailures', () => this.redis.del(...keys));
  }

  /**
   * Forgets the failures of a subject in the given scopes (the subject as recordFailure got it), one
   * DEL per subject: its scopes' keys share the subject's hash tag. Returns how many counts existed.
   */
  async clearFailures(scopes: readonly FailureScope[], subject: string): Promise<number> {
    if (scopes.length === 0) return 0;
    const digest = addressDigest(subject);
    const keys = scopes.map((scope) => scopedFailuresKey(this.options.keyPrefix, scope, digest));
    return this.run('clearFailures', () => this.redis.del(...keys));
  }

  /**
   * The users with the most live sessions, most first (ties by username), for the operator console:
   * bounded work over the expiry indexes (see top-users.ts).
   */
  topUsers(options: TopUsersOptions): Promise<TopUsers> {
    return topUsers(this.redis, this.options, options, (operation, run) => this.run(operation, run));
  }

  /** Ends one live session, leaving a tombstone; undefined when it is unknown or already dead. */
  async revoke(sessionId: string, reason: RevokeReason = 'logout'): Promise<RevokedSession | undefined> {
    return this.revokeOne(sessionId, reason, true);
  }

  /** revoke(); `acknowledged: false` skips WAIT (undoing a login that was not acknowledged). */
  private async revokeOne(
    sessionId: string,
    reason: RevokeReason,
    acknowledged: boolean,
  ): Promise<RevokedSession | undefined> {
    const ref = this.ref(sessionId);
    if (ref === undefined) return undefined;
    const keys = userKeys(this.options.keyPrefix, ref, this.options.indexShards);
    const { raw, confirmed } = await this.runWithDeadline(
      'revoke',
      'sessiondRevokeSession',
      acknowledged,
      (deadline) => [
        keys.records,
        keys.tombstones,
        keys.index,
        keys.counter,
        ref.lid,
        ref.tag,
        this.options.tombstoneTtlMs,
        this.options.retentionMs,
        deadline,
      ],
    );
    const reply = Reply.of(raw, 'revokeSession');
    const status = reply.number();
    if (status === ScriptStatus.DeadlinePassed) throw deadlinePassed('revoke');
    if (status !== ScriptStatus.Ok) return undefined;
    this.requireConfirmed('revoke', confirmed);
    reply.number();
    const username = reply.string();
    return { ...decodeDescriptor(sessionId, username, reply.string(), reply.string()), reason };
  }

  /** Ends every live session of the user ("log out everywhere"). */
  async revokeAll(username: string, reason: RevokeReason = 'logout'): Promise<RevokedSession[]> {
    const user = this.user(username);
    const keys = userKeys(this.options.keyPrefix, user, this.options.indexShards);
    const { raw, confirmed } = await this.runWithDeadline(
      'revokeAll',
      'sessiondRevokeAllSessions',
      true,
      (deadline) => [
        keys.records,
        keys.tombstones,
        keys.index,
        keys.counter,
        user.tag,
        this.options.tombstoneTtlMs,
        this.options.retentionMs,
        deadline,
      ],
    );
    const reply = Reply.of(raw, 'revokeAllSessions');
    if (reply.number() === ScriptStatus.DeadlinePassed) throw deadlinePassed('revokeAll');
    this.requireConfirmed('revokeAll', confirmed);
    reply.number();
    const owner = reply.string();
    return this.readSessions(reply, user, owner).map((session) => ({ ...session, reason }));
  }

  /** One sweep step over a bucket: reports each expired session exactly once (see sweep.ts). */
  sweep(options: SweepOptions): Promise<SweepResult> {
    if (!Number.isInteger(options.bucket) || options.bucket < 0 || options.bucket >= this.options.buckets) {
      throw new InvalidSessionInputError(
        'bucket',
        `must be an integer from 0 to ${this.options.buckets - 1}`,
      );
    }
    return sweepBucket(this.redis, this.options, options, (operation, run) => this.run(operation, run));
  }

  /** Users of a bucket with something due now (the sweeper's backlog; an upper bound, see countDue-1.lua). */
  async dueCount(bucket: number): Promise<number> {
    const keys = bucketIndexKeys(this.options.keyPrefix, bucket, this.options.indexShards);
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.sessiondCountDue(key);
    const counts = await this.run('dueCount', () => execPipeline(pipeline, keys.length));
    return counts.reduce<number>((sum, count) => {
      if (typeof count !== 'number') throw new StoreReplyError('countDue: expected a number');
      return sum + count;
    }, 0);
  }

  /**
   * Sessions not yet ended, over all buckets: created minus revoked, evicted and swept. Sessions that
   * expired since the last sweep still count, so it runs ahead of the truth by at most one sweep.
   */
  async countSessions(): Promise<number> {
    const keys = Array.from({ length: this.options.buckets }, (_, b) =>
      counterKey(this.options.keyPrefix, b),
    );
    // One GET per bucket: the counters live in different slots, so no MGET in a cluster.
    const values = await this.run('countSessions', () => Promise.all(keys.map((key) => this.redis.get(key))));
    return values.reduce((sum, value) => sum + Math.max(0, Number(value ?? 0)), 0);
  }

  /** Round-trip time of a PING in ms; rejects with StoreUnavailableError past `timeoutMs`. */
  async ping(timeoutMs = this.options.operationTimeoutMs): Promise<number> {
    const started = performance.now();
    await guarded('ping', timeoutMs, () => this.redis.ping());
    return performance.now() - started;
  }

  private run<T>(operation: string, command: () => Promise<T>): Promise<T> {
    return guarded(operation, this.options.operationTimeoutMs, command);
  }

  /**
   * One plain command (no script, so no EVALSHA-then-EVAL retry): on a single Redis whose client
   * times commands out within the operation timeout, that timer already bounds it, and a second one
   * per validation is measurable (a timer set and cleared, a promise: bench/results/profile.md).
   */
  private runCommand<T>(operation: string, command: () => Promise<T>): Promise<T> {
    if (!this.commandBounded) return this.run(operation, command);
    return command().catch((error: unknown) => {
      throw toStoreError(operation, error);
    });
  }

  /**
   * Runs a script that changes state with the caller's deadline (RedisClock), and learns the clock
   * offset from the Redis time its reply carries as second element. An `acknowledged` change (one a
   * caller reports done to a client) is followed in the same round trip by WAIT when `replication`
   * is set: `confirmed` is how many replicas have it.
   */
  private async runWithDeadline(
    operation: string,
    script:
      | 'sessiondCreateSession'
      | 'sessiondRecordLoginFailure'
      | 'sessiondRevokeSession'
      | 'sessiondRevokeAllSessions',
    acknowledged: boolean,
    args: (deadline: number) => RedisValue[],
  ): Promise<{ raw: unknown; confirmed: number | undefined }> {
    await this.clock.sync();
    const sentAt = Date.now();
    const replication = acknowledged ? this.options.replication : undefined;
    const timeoutMs = this.options.operationTimeoutMs + (replication?.timeoutMs ?? 0);
    const result = await guarded(operation, timeoutMs, async () => {
      const values = args(this.clock.deadline(sentAt));
      if (replication === undefined)
        return { raw: await this.redis[script](...values), confirmed: undefined };
      const pipeline = (this.confirmedRedis ?? this.redis).pipeline();
      pipeline[script](...values);
      pipeline.wait(replication.replicas, replication.timeoutMs);
      const [raw, confirmed] = await execPipeline(pipeline, 2);
      return { raw, confirmed: typeof confirmed === 'number' ? confirmed : 0 };
    });
    const redisNow = Array.isArray(result.raw) ? (result.raw as unknown[])[1] : undefined;
    if (typeof redisNow === 'number' && redisNow > 1e12) this.clock.observe(redisNow, sentAt, Date.now());
    return result;
  }

  /** Throws ReplicationTimeoutError when WAIT says too few replicas have a change. */
  private requireConfirmed(operation: string, confirmed: number | undefined): void {
    const replication = this.options.replication;
    if (confirmed === undefined || replication === undefined || confirmed >= replication.replicas) return;
    throw new ReplicationTimeoutError(operation, replication.replicas, confirmed);
  }

  private user(username: string): UserRef {
    return userRef(username, this.options.userTagKey, this.options.buckets);
  }

  private ref(sessionId: string): SessionRef | undefined {
    const ref = parseSessionId(sessionId);
    return ref !== undefined && ref.bucket < this.options.buckets ? ref : undefined;
  }

  /** Reads (lid, descriptor, user agent) triples; `limit` stops early. */
  private readSessions(reply: Reply, user: UserRef, username: string, limit = Infinity): SessionDescriptor[] {
    const sessions: SessionDescriptor[] = [];
    while (reply.remaining >= 3 && sessions.length < limit) {
      const ref = sessionRef(user, reply.string());
      sessions.push(decodeDescriptor(ref.sessionId, username, reply.string(), reply.string()));
    }
    return sessions;
  }
}

function invalid(reason: InvalidReason): ValidationResult {
  return { valid: false, reason };
}

function newestFirst(sessions: SessionDescriptor[]): SessionDescriptor[] {
  return sessions.sort((a, b) => b.createdAtMs - a.createdAtMs || (a.sessionId < b.sessionId ? -1 : 1));
}

/** The reply of recordLoginFailure-1.lua: the count and the window left, or the deadline refusal. */
function failureCount(raw: unknown, operation: string): LoginFailure {
  if (!Array.isArray(raw) || typeof raw[0] !== 'number' || typeof raw[1] !== 'number') {
    throw new StoreReplyError(`${operation}: unexpected reply`);
  }
  if (raw[0] === ScriptStatus.DeadlinePassed) throw deadlinePassed(operation);
  return { failures: raw[0], windowEndsInMs: Math.max(0, raw[1]) };
}

/** The address (or subject) part of a failures key: a digest, so keys show no address or client id. */
function addressDigest(address: string): string {
  return createHash('sha256').update(address).digest('base64url').slice(0, 16);
}

/** A state change refused by its script because the caller had already given up (RedisClock). */
function deadlinePassed(operation: string): StoreUnavailableError {
  return new StoreUnavailableError(
    `${operation}: Redis ran the command after the caller's deadline; nothing was done`,
  );
}
