export { decodeDescriptor } from './descriptor';
export { sameDigest, secretDigest } from './digest';
export {
  InvalidSessionInputError,
  InvalidStoreOptionsError,
  LoginThrottledError,
  ReplicationTimeoutError,
  SessionLimitError,
  SessionStoreError,
  StoreReplyError,
  StoreUnavailableError,
  UserTagCollisionError,
} from './errors';
export { guarded } from './guard';
export { sameUser } from './identifiers';
export type { FailureKind, FailureScope } from './keys';
export {
  DEFAULT_POLICY,
  MAX_BUCKETS,
  type LimitPolicy,
  type ReplicationOptions,
  type ResolvedOptions,
  type SessionPolicy,
  type SessionStoreOptions,
} from './options';
export { createRedisClient, waitUntilReady, type RedisConnectionOptions } from './redis-client';
export {
  connectionOptions,
  currentMaster,
  redisMode,
  urlCredentials,
  type ReconnectTiming,
  type RedisMode,
  type RedisNode,
  type RedisSentinelOptions,
  type RedisTarget,
  type RedisTlsFiles,
} from './redis-target';
export { RedisTimeBounds, timeReplyMs } from './redis-time-bounds';
export { SessionStore } from './session-store';
export { TOP_USERS_MAX_SCANNED } from './top-users';
export { touchDue, touchDueAt, touchGranularityOf } from './touch-granularity';
export { trackedUserId, trackedUserOfKey, trackingPrefixes } from './tracking-keys';
export type {
  CreateOptions,
  CreatedSession,
  LoginFailure,
  ExpiredSession,
  InvalidReason,
  NewSession,
  RevokeReason,
  RevokedSession,
  SessionDescriptor,
  SweepOptions,
  SweepResult,
  TopUsers,
  TopUsersOptions,
  UserSessionCount,
  ValidateOptions,
  ValidationResult,
} from './types';
