import type { SessionDescriptor } from '@sessiond/session-store';
import { DETAILS, TOKEN_REFUSAL_OF_REASON } from '@sessiond/protocol';
import type { SessiondSession } from '../middleware/session';
import { DEFAULT_RETRY_AFTER_S, type TokenValidator } from '../middleware/validators';
import type { TokenStore } from './options';

/** Direct mode: one Redis round trip through the SessionStore the auth-api writes to. */
export function directValidator(
  store: TokenStore,
  touch: boolean,
  connection: { ready(timeoutMs: number): Promise<void>; close(): Promise<void> },
): TokenValidator {
  return {
    mode: 'direct',
    async validate(token) {
      const result = await store.validate(token, { touch });
      if (!result.valid) return { valid: false, code: TOKEN_REFUSAL_OF_REASON[result.reason] };
      return { valid: true, session: fromDescriptor(result.session) };
    },
    outage(error) {
      // By code rather than instanceof: the application may hold another copy of session-store.
      if ((error as { code?: unknown } | null)?.code !== 'store_unavailable') return undefined;
      return {
        code: 'session_store_unavailable',
        detail: DETAILS.storeUnavailable,
        retryAfter: DEFAULT_RETRY_AFTER_S,
      };
    },
    ready: (timeoutMs) => connection.ready(timeoutMs),
    close: () => connection.close(),
  };
}

function fromDescriptor(session: SessionDescriptor): SessiondSession {
  return {
    sessionId: session.sessionId,
    username: session.username,
    privLvl: session.privLvl,
    aaa: session.aaa,
    issuedAt: new Date(session.createdAtMs),
    expiresAt: new Date(session.expiresAtMs),
    absoluteExpiresAt: new Date(session.absoluteExpiresAtMs),
    source: 'direct',
  };
}
