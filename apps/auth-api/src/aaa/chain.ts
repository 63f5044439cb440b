import { createHash } from 'node:crypto';
import type { Logger } from '../logger';
import type { AaaMethod, AaaPass, AaaReject, AaaRequest, AaaStep, AaaUnavailable } from './types';

/** How a fallback method ended when an earlier method was unavailable. */
export interface FallbackResult {
  readonly method: string;
  /** `rejected`: it did not accept the credentials; `throttled`: not asked (too many such failures). */
  readonly result: 'rejected' | 'throttled' | 'unavailable';
  /** For `throttled`: how long until the fallback may be asked again. */
  readonly retryAfterMs?: number;
}

/** No method could decide: the earliest outage is the answer, with what the fallback did. */
export interface ChainUnavailable {
  readonly kind: 'unavailable';
  /** The earliest method that was down (never a fallback's reject: an outage is not a wrong password). */
  readonly cause: AaaUnavailable;
  readonly fallback: FallbackResult | undefined;
  readonly steps: readonly AaaStep[];
}

/** A pass, and the outage it went around when a fallback method let the user in. */
export type ChainPass = AaaPass & { readonly fallbackFrom: AaaUnavailable | undefined };

export type ChainOutcome = ChainPass | AaaReject | ChainUnavailable;

/** Asked before a fallback method runs (the fallback throttle of login-throttle.ts). */
export type FallbackGate = () =>
  { readonly allowed: true } | { readonly allowed: false; retryAfterMs: number };

export interface ChainRequest extends AaaRequest {
  readonly fallbackGate?: FallbackGate;
}

/**
 * The AAA methods in AAA_METHODS order (Cisco `aaa authentication login default group tacacs+ local`):
 * the next method is asked only when the previous one is unavailable, never after a reject. When an
 * earlier method was down, a later method's reject is not the answer: the outage is (the user may
 * well be a TACACS+ user with the right password), so the result is `unavailable` with the cause,
 * whatever the fallback said, and the fallback's verdict is the same for unknown and known users.
 * Identical logins arriving together (same user, password and address) share one AAA request.
 */
export class AaaChain {
  private readonly inFlight = new Map<string, Promise<ChainOutcome>>();
  /** Methods whose outage currently sends logins to a fallback (logged once per change). */
  private readonly degraded = new Set<string>();

  constructor(
    readonly methods: readonly AaaMethod[],
    private readonly logger: Logger,
  ) {}

  authenticate(request: ChainRequest): Promise<ChainOutcome> {
    // The key is a digest, so the map never holds a password in clear.
    const key = createHash('sha256')
      .update(request.username)
      .update('\0')
      .update(request.password)
      .update('\0')
      .update(request.remAddr)
      .digest('base64');
    const pending = this.inFlight.get(key);
    if (pending !== undefined) return pending;
    const outcome = this.run(request).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, outcome);
    return outcome;
  }

  /** How many distinct AAA requests are running now (coalesced logins share one). */
  get pending(): number {
    return this.inFlight.size;
  }

  private async run(request: ChainRequest): Promise<ChainOutcome> {
    const steps: AaaStep[] = [];
    let cause: AaaUnavailable | undefined;
    let unconfigured: AaaUnavailable | undefined;
    let fallback: FallbackResult | undefined;
    for (const method of this.methods) {
      if (cause !== undefined) {
        const gate = request.fallbackGate?.() ?? { allowed: true };
        if (!gate.allowed) {
          fallback = { method: method.name, result: 'throttled', retryAfterMs: gate.retryAfterMs };
          return { kind: 'unavailable', cause, fallback, steps };
        }
        this.noteFallback(cause, method.name);
      }
      const outcome = await method.authenticate(request);
      steps.push(...outcome.steps);
      if (outcome.kind === 'pass') {
        if (cause === undefined) this.noteAnswered(method.name);
        return { ...outcome, steps, fallbackFrom: cause };
      }
      if (outcome.kind === 'reject') {
        if (cause === undefined) {
          this.noteAnswered(method.name);
          return { ...outcome, steps };
        }
        fallback = { method: method.name, result: 'rejected' };
        return { kind: 'unavailable', cause, fallback, steps };
      }
      if (cause !== undefined) fallback ??= { method: method.name, result: 'unavailable' };
      else if (outcome.status === 'not_configured') unconfigured ??= outcome;
      else cause = outcome;
      if (request.signal.aborted) break;
    }
    return { kind: 'unavailable', cause: cause ?? unconfigured ?? notConfigured(), fallback, steps };
  }

  private noteFallback(cause: AaaUnavailable, to: string): void {
    if (this.degraded.has(cause.method)) return;
    this.degraded.add(cause.method);
    this.logger.warn(
      { event: 'aaa.fallback', method: cause.method, status: cause.status, fallback: to },
      `AAA: ${cause.method} unavailable (${cause.status}); logins fall back to ${to} until it answers again`,
    );
  }

  private noteAnswered(method: string): void {
    if (!this.degraded.delete(method)) return;
    this.logger.info(
      { event: 'aaa.fallback-ended', method },
      `AAA: ${method} answers again; logins no longer fall back`,
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.methods.map((m) => m.close()));
  }
}

function notConfigured(): AaaUnavailable {
  return {
    kind: 'unavailable',
    method: 'local',
    status: 'not_configured',
    serversTried: 0,
    attempts: 0,
    retryAt: undefined,
    heldDown: false,
    steps: [],
  };
}
