import {
  TacacsClientClosedError,
  TacacsConnectionError,
  TacacsKeyMismatchError,
  TacacsProtocolError,
  TacacsServerError,
  TacacsTimeoutError,
  TacacsTlsError,
  TacacsUnavailableError,
  type TacacsFailureCause,
  type TacacsServerFailure,
  type UnavailableReason,
} from '../errors';
import type { TacacsClientEvent, TacacsOperation } from './events';
import type { HoldDown } from './hold-down';
import type { ResolvedServer } from './options';
import type { TacacsUnavailable } from './results';
import type { ServerCounters } from './stats';

export interface ServerSlot {
  readonly config: ResolvedServer;
  readonly counters: ServerCounters;
  readonly holdDown: HoldDown;
}

export interface FailoverSettings {
  readonly retries: number;
  readonly holdDownMs: number;
  readonly now: () => number;
  readonly emit: (event: TacacsClientEvent) => void;
}

/** An answer from a server: PASS or FAIL, both final. */
export interface Answered<T> {
  readonly status: 'answered';
  readonly slot: ServerSlot;
  readonly value: T;
}

export function isServerFailure(error: unknown): error is TacacsServerFailure {
  return (
    error instanceof TacacsTimeoutError ||
    error instanceof TacacsConnectionError ||
    error instanceof TacacsKeyMismatchError ||
    error instanceof TacacsTlsError ||
    error instanceof TacacsProtocolError ||
    error instanceof TacacsServerError ||
    error instanceof TacacsClientClosedError
  );
}

/** Refused, unreachable or timed out: the server looks dead, so retry it, then hold it down. */
function looksDead(error: TacacsServerFailure): boolean {
  if (error instanceof TacacsTimeoutError) return error.phase === 'connect' || error.phase === 'read';
  return (
    error instanceof TacacsConnectionError && (error.reason === 'refused' || error.reason === 'unreachable')
  );
}

export function unavailableReason(
  causes: readonly TacacsFailureCause[],
  deadline: boolean,
): UnavailableReason {
  const errors = causes.map((c) => c.error);
  if (deadline || errors.length === 0) return 'timeout';
  if (errors.every((e) => e instanceof TacacsKeyMismatchError)) return 'key-mismatch';
  // RFC 9887: a certificate that does not verify is a configuration problem, like a key mismatch.
  if (errors.every((e) => e instanceof TacacsTlsError)) return 'tls';
  if (errors.every((e) => e instanceof TacacsTimeoutError)) return 'timeout';
  if (errors.every((e) => e instanceof TacacsTimeoutError || e instanceof TacacsConnectionError))
    return 'unreachable';
  return 'error';
}

/**
 * The client's failover policy (tacacs.md): ordered servers; PASS and FAIL are final (FAIL is never
 * retried nor failed over); ERROR, key mismatch and protocol errors move to the next server; refused
 * and timed-out servers are retried `retries` times, then held down (hold-down.ts): skipped without
 * a connection attempt until one probe finds them back. When every server is held down the operation
 * ends at once as unavailable, with the time the soonest may be probed. The caller's signal bounds it all.
 */
export async function runWithFailover<T extends { readonly status: 'pass' | 'fail' }>(
  operation: TacacsOperation,
  slots: readonly ServerSlot[],
  settings: FailoverSettings,
  signal: AbortSignal | undefined,
  attempt: (slot: ServerSlot) => Promise<T>,
): Promise<Answered<T> | TacacsUnavailable> {
  const causes: TacacsFailureCause[] = [];
  const skipped: ServerSlot[] = [];
  let attempts = 0;
  let serversTried = 0;
  let deadline = signal?.aborted === true;
  let stop = deadline;
  let failedFrom: string | undefined;
  for (const slot of slots) {
    if (stop) break;
    const claim = slot.holdDown.claim(settings.now());
    if (claim === 'skip') {
      skipped.push(slot);
      continue;
    }
    if (claim === 'probe') settings.emit({ type: 'probe', operation, server: slot.config.label });
    if (failedFrom !== undefined) {
      settings.emit({ type: 'failover', operation, from: failedFrom, to: slot.config.label });
    }
    serversTried += 1;
    // A probe is one attempt: it only has to tell whether the server is back.
    const rounds = claim === 'probe' ? 0 : settings.retries;
    let lastError: TacacsServerFailure | undefined;
    let verdict = false;
    try {
      for (let round = 0; round <= rounds; round += 1) {
        if (signal?.aborted === true) {
          deadline = stop = true;
          break;
        }
        attempts += 1;
        slot.counters.attempts += 1;
        const started = performance.now();
        try {
          const value = await attempt(slot);
          const latencyMs = performance.now() - started;
          slot.counters.answered(value.status, latencyMs);
          settings.emit({
            type: 'attempt',
            operation,
            server: slot.config.label,
            attempt: round + 1,
            outcome: value.status,
            latencyMs,
          });
          verdict = true;
          markAnswered(slot, settings);
          return { status: 'answered', slot, value };
        } catch (error) {
          if (!isServerFailure(error)) throw error;
          lastError = error;
          const latencyMs = performance.now() - started;
          causes.push({ server: slot.config.label, attempt: round + 1, error });
          settings.emit({
            type: 'attempt',
            operation,
            server: slot.config.label,
            attempt: round + 1,
            outcome: 'error',
            latencyMs,
            error: { code: error.code, message: error.message },
          });
          if (error instanceof TacacsTimeoutError && error.phase === 'deadline') {
            deadline = stop = true;
            break;
          }
          if (error instanceof TacacsTimeoutError) slot.counters.timeouts += 1;
          else slot.counters.errors += 1;
          if (error instanceof TacacsClientClosedError) {
            stop = true;
            break;
          }
          if (isBackpressure(error)) break; // the client's own pool is full: next server, no verdict
          if (!looksDead(error)) {
            // It answered, if only with ERROR or bytes we cannot read: reachable, so not held down.
            verdict = true;
            markAnswered(slot, settings);
            break;
          }
          if (round === rounds) break;
          settings.emit({ type: 'retry', operation, server: slot.config.label, attempt: round + 2 });
        }
      }
      if (lastError !== undefined && !deadline && !stop && looksDead(lastError)) {
        verdict = true;
        holdDown(slot, settings, lastError);
      }
    } finally {
      // A probe cut short by the deadline (or a bug) decided nothing: the next operation probes.
      if (claim === 'probe' && !verdict) slot.holdDown.release();
    }
    failedFrom = slot.config.label;
  }
  const skippedLabels = skipped.map((slot) => slot.config.label);
  if (serversTried === 0 && !deadline && skipped.length > 0) {
    settings.emit({ type: 'all-held-down', operation, retryAt: retryAt(slots) });
  }
  const reason =
    serversTried === 0 && !deadline && skipped.length > 0
      ? heldDownReason(skipped)
      : unavailableReason(causes, deadline);
  const error = new TacacsUnavailableError(reason, causes, serversTried, attempts, skippedLabels);
  return {
    status: 'unavailable',
    error,
    reason,
    serversTried,
    attempts,
    skipped: skippedLabels,
    retryAt: retryAt(slots),
  };
}

/** The session never reached this server: its single-connect queue was full or too slow. */
function isBackpressure(error: TacacsServerFailure): boolean {
  return (
    (error instanceof TacacsTimeoutError && error.phase === 'queue') ||
    (error instanceof TacacsConnectionError && error.reason === 'busy')
  );
}

function markAnswered(slot: ServerSlot, settings: FailoverSettings): void {
  const { recovered, downForMs } = slot.holdDown.answered(settings.now());
  if (recovered) settings.emit({ type: 'recovered', server: slot.config.label, downForMs });
}

function holdDown(slot: ServerSlot, settings: FailoverSettings, error: TacacsServerFailure): void {
  if (settings.holdDownMs <= 0) return;
  const reason = error instanceof TacacsTimeoutError ? 'timeout' : 'unreachable';
  const until = slot.holdDown.down(settings.now(), settings.holdDownMs, reason);
  settings.emit({
    type: 'hold-down',
    server: slot.config.label,
    holdDownMs: settings.holdDownMs,
    until,
    reason,
  });
}

/** The soonest end of a hold-down when every server is held down; undefined otherwise. */
function retryAt(slots: readonly ServerSlot[]): number | undefined {
  let soonest: number | undefined;
  for (const slot of slots) {
    const until = slot.holdDown.heldDownUntil;
    if (until === undefined) return undefined;
    soonest = soonest === undefined ? until : Math.min(soonest, until);
  }
  return soonest;
}

/** Why nothing was tried: the held-down servers all timed out, or at least one was unreachable. */
function heldDownReason(skipped: readonly ServerSlot[]): UnavailableReason {
  return skipped.every((slot) => slot.holdDown.reason === 'timeout') ? 'timeout' : 'unreachable';
}
