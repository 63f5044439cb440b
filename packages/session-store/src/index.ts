export { decodeDescriptor } from './descriptor';
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
export type { FailureKind } from './keys';
export {
  DEFAULT_POLICY,
  MAX_BUCKETS,
  type LimitPolicy,
  type ResolvedOptions,
  type SessionPolicy,
  type SessionStoreOptions,
} from './options';
export {
  createRedisClient,
  urlCredentials,
  waitUntilReady,
  type RedisConnectionOptions,
} from './redis-client';
export { SessionStore } from './session-store';
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
  ValidateOptions,
  ValidationResult,
} from './types';
