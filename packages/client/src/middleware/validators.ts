import type { InvalidReason, SessionDescriptor, SessionStore } from '@sessiond/session-store';
import { SessiondError } from '../errors';
import type { SessionClient } from '../session-client';
import { DETAILS } from '@sessiond/protocol';
import type { TokenProblemCode } from './problems';
import type { SessiondSession } from './session';

export type Verdict =
  | { readonly valid: true; readonly session: SessiondSession }
  | { readonly valid: false; readonly code: TokenProblemCode };

/** Why a validation could not be done: the 503 to answer. */
export interface Outage {
  readonly code: 'sessiond_unavailable' | 'session_store_unavailable';
  readonly detail: string;
  readonly retryAfter: number;
}

/** One way of validating a token: asking the auth-api, or reading the shared Redis. */
export interface TokenValidator {
  readonly mode: 'introspection' | 'direct';
  /** Resolves to a verdict; rejects when the answer cannot be had (see outage()). */
  validate(token: string): Promise<Verdict>;
  /** The 503 a rejection of validate() means, or undefined for an unexpected error (a bug). */
  outage(error: unknown): Outage | undefined;
  /** Resolves once validations can be answered (a Redis client it built is connected). */
  ready(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** What direct mode needs of a SessionStore. */
export type TokenStore = Pick<SessionStore, 'validate'>;

const DEFAULT_RETRY_AFTER_S = 2;

/**
 * Introspection mode. RFC 7662 §2.2 gives no reason for `active: false`, so every dead token is
 * `token_invalid` here (direct mode tells revoked, evicted and lifetime-exceeded apart). Any failure
 * to get an answer (unreachable, timeout, 5xx, or a 4xx that means this service is misconfigured,
 * such as invalid_client) is sessiond_unavailable: the user's token is not at fault.
 */
export function introspectionValidator(client: SessionClient, touch: boolean): TokenValidator {
  return {
    mode: 'introspection',
    async validate(token) {
      const answer = await client.introspect(token, { touch });
      if (!answer.active) return { valid: false, code: 'token_invalid' };
      return {
        valid: true,
        session: {
          sessionId: answer.sessionId,
          username: answer.username,
          privLvl: answer.privLvl,
          aaa: answer.aaa,
          issuedAt: answer.issuedAt,
          expiresAt: answer.expiresAt,
          absoluteExpiresAt: answer.absoluteExpiresAt,
          source: 'introspection',
        },
      };
    },
    outage(error) {
      if (!(error instanceof SessiondError)) return undefined;
      return {
        code: 'sessiond_unavailable',
        detail: 'the session service (sessiond) could not validate the token; retry shortly',
        retryAfter: error.retryAfter ?? DEFAULT_RETRY_AFTER_S,
      };
    },
    ready: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

const REASON_CODE: Record<InvalidReason, TokenProblemCode> = {
  invalid: 'token_invalid',
  revoked: 'token_revoked',
  evicted: 'session_evicted',
  lifetime_exceeded: 'session_lifetime_exceeded',
};

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
      if (!result.valid) return { valid: false, code: REASON_CODE[result.reason] };
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
