import type { ChainUnavailable, FallbackResult } from '../aaa/chain';
import type { AuditAaa } from './audit';
import { ProblemError, retryAfterSeconds } from './problem-error';
import type { ChainOutcome } from '../aaa/chain';

/** What the AAA answers depend on in the configuration. */
export interface AaaLimits {
  readonly timeoutMs: number;
  readonly retries: number;
}

/**
 * The answer when no method could decide: the earliest outage is the truth (503 aaa_unavailable, or
 * 502 aaa_misconfigured for a key mismatch), never the fallback's reject. What the fallback did is
 * said in `aaa.fallback` and is the same for an unknown user and a known one with a wrong password,
 * so the answer tells nobody which local accounts exist. Retry-After is the remaining hold-down when
 * every server of the method is held down.
 */
export function aaaProblem(outcome: ChainUnavailable, limits: AaaLimits, now = Date.now()): ProblemError {
  const { cause, fallback } = outcome;
  const fallbackMember =
    fallback !== undefined ? { fallback: { method: fallback.method, result: fallback.result } } : {};
  if (cause.status === 'misconfigured') {
    const what =
      cause.misconfiguration === 'tls'
        ? `TLS verification failed: no ${cause.method} server completed a TLS 1.3 handshake (its certificate does not verify against TACACS_TLS_CA_FILE for its name or TACACS_TLS_SERVERNAME, it refused our client certificate, or it does not speak TLS 1.3)`
        : `no ${cause.method} reply could be decrypted: the shared secret (TACACS_SECRET, or the server's own key) does not match the servers'`;
    return new ProblemError('aaa_misconfigured', `${what}${fallbackSentence(fallback)}`, {
      aaa: {
        method: cause.method,
        status: 'misconfigured',
        servers_tried: cause.serversTried,
        ...fallbackMember,
      },
    });
  }
  const status = cause.status === 'not_configured' ? 'unreachable' : cause.status;
  const heldDownUntil = cause.retryAt !== undefined ? new Date(cause.retryAt).toISOString() : undefined;
  const seconds =
    cause.retryAt !== undefined
      ? retryAfterSeconds(cause.retryAt - now)
      : retryAfterSeconds(limits.timeoutMs);
  const why = cause.heldDown
    ? `every ${cause.method} server is held down after failing (${status}) until ${heldDownUntil ?? ''}, so none was asked`
    : status === 'timeout'
      ? `the ${cause.method} server did not answer within AAA_TIMEOUT_MS=${limits.timeoutMs} ms (${limits.retries} retries); raise AAA_TIMEOUT_MS / AAA_RETRIES or check the server`
      : `no ${cause.method} server could be used (${status})`;
  return new ProblemError(
    'aaa_unavailable',
    `${why}${fallbackSentence(fallback)}`,
    {
      aaa: {
        method: cause.method,
        status,
        servers_tried: cause.serversTried,
        timeout_ms: limits.timeoutMs,
        retries: limits.retries,
        ...(heldDownUntil !== undefined ? { held_down_until: heldDownUntil } : {}),
        ...fallbackMember,
      },
    },
    { 'Retry-After': String(seconds) },
  );
}

function fallbackSentence(fallback: FallbackResult | undefined): string {
  if (fallback === undefined) return '';
  switch (fallback.result) {
    case 'rejected':
      return `; the ${fallback.method} fallback did not accept these credentials`;
    case 'throttled':
      return `; the ${fallback.method} fallback is not tried for this user and address after repeated failures during the outage`;
    case 'unavailable':
      return `; the ${fallback.method} fallback could not be used either`;
  }
}

/** The AAA member of a login's audit record. */
export function auditAaa(outcome: ChainOutcome): AuditAaa {
  if (outcome.kind === 'unavailable') {
    return {
      outage: { method: outcome.cause.method, status: outcome.cause.status },
      ...(outcome.fallback !== undefined
        ? { fallback: { method: outcome.fallback.method, result: outcome.fallback.result } }
        : {}),
      steps: outcome.steps,
    };
  }
  return {
    method: outcome.method,
    ...(outcome.server !== undefined ? { server: outcome.server } : {}),
    ...(outcome.kind === 'pass' && outcome.fallbackFrom !== undefined
      ? {
          outage: { method: outcome.fallbackFrom.method, status: outcome.fallbackFrom.status },
          fallback: { method: outcome.method, result: 'pass' },
        }
      : {}),
    steps: outcome.steps,
  };
}
