import type { SessionDescriptor, ValidationResult } from '@sessiond/session-store';
import { DETAILS, TOKEN_REFUSAL_OF_REASON } from '@sessiond/protocol';
import type { SessiondSession } from '../middleware/session';
import {
  DEFAULT_RETRY_AFTER_S,
  type Outage,
  type TokenValidator,
  type Verdict,
} from '../middleware/validators';
import type { TokenStore } from './options';

/** What a direct validator's ready() and close() act on: the Redis client it built, if any. */
export interface OwnConnection {
  ready(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Direct mode: one Redis round trip through the SessionStore the auth-api writes to. */
export function directValidator(
  store: TokenStore,
  touch: boolean,
  connection: OwnConnection,
): TokenValidator {
  return {
    mode: 'direct',
    async validate(token) {
      return verdictOf(await store.validate(token, { touch }));
    },
    outage: directOutage,
    ready: (timeoutMs) => connection.ready(timeoutMs),
    close: () => connection.close(),
  };
}

/** The verdict a store's answer means. */
export function verdictOf(result: ValidationResult): Verdict {
  if (!result.valid) return { valid: false, code: TOKEN_REFUSAL_OF_REASON[result.reason] };
  return { valid: true, session: fromDescriptor(result.session, 'direct') };
}

/** The 503 of a store that could not answer (undefined for anything else: a bug). */
export function directOutage(error: unknown): Outage | undefined {
  // By code rather than instanceof: the application may hold another copy of session-store.
  if ((error as { code?: unknown } | null)?.code !== 'store_unavailable') return undefined;
  return {
    code: 'session_store_unavailable',
    detail: DETAILS.storeUnavailable,
    retryAfter: DEFAULT_RETRY_AFTER_S,
  };
}

export function fromDescriptor(session: SessionDescriptor, source: 'direct' | 'cache'): SessiondSession {
  return {
    sessionId: session.sessionId,
    username: session.username,
    privLvl: session.privLvl,
    aaa: session.aaa,
    issuedAt: new Date(session.createdAtMs),
    expiresAt: new Date(session.expiresAtMs),
    absoluteExpiresAt: new Date(session.absoluteExpiresAtMs),
    source,
  };
}
