import { SessiondError } from '../errors';
import type { SessionClient } from '../session-client';
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

/**
 * One way of validating a token: asking the auth-api (here), or reading the shared Redis
 * (`direct/direct-validator.ts`, kept apart so that this entry point never loads ioredis).
 */
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

/** Retry-After of a 503 when nothing better is known, in seconds. */
export const DEFAULT_RETRY_AFTER_S = 2;

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
