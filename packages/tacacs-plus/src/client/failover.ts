import {
  TacacsClientClosedError,
  TacacsConnectionError,
  TacacsKeyMismatchError,
  TacacsProtocolError,
  TacacsServerError,
  TacacsTimeoutError,
  TacacsUnavailableError,
  type TacacsFailureCause,
  type TacacsServerFailure,
  type UnavailableReason,
} from '../errors';
import type { TacacsClientEvent, TacacsOperation } from './events';
import type { ResolvedServer } from './options';
import type { TacacsUnavailable } from './results';
import type { ServerCounters } from './stats';

export interface ServerSlot {
  readonly config: ResolvedServer;
  readonly counters: ServerCounters;
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
    error instanceof TacacsProtocolError ||
    error instanceof TacacsServerError ||
    error instanceof TacacsClientClosedError
  );
}

/** Refused, unreachable or timed out: the server looks dead, so retry it, then hold it down. */
function looksDead(error: TacacsServerFailure): boolean {
  if (error instanceof TacacsTimeoutError) return error.phase !== 'deadline';
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
  if (errors.every((e) => e instanceof TacacsTimeoutError)) return 'timeout';
  if (errors.every((e) => e instanceof TacacsTimeoutError || e instanceof TacacsConnectionError))
    return 'unreachable';
  return 'error';
}

/** Servers to try, in order: those not held down, or all of them when every one is held down. */
function candidates(
  slots: readonly ServerSlot[],
  settings: FailoverSettings,
  operation: TacacsOperation,
): ServerSlot[] {
  const now = settings.now();
  const alive = slots.filter((slot) => (slot.counters.heldDownUntil ?? 0) <= now);
  if (alive.length > 0) return alive;
  settings.emit({ type: 'all-held-down', operation });
  return [...slots];
}

/**
 * The client's failover policy (tacacs.md): ordered servers; PASS and FAIL are final (FAIL is never
 * retried nor failed over); ERROR, key mismatch and protocol errors move to the next server; refused
 * and timed-out servers are retried `retries` times, then held down; the caller's signal bounds it all.
 */
export async function runWithFailover<T extends { readonly status: 'pass' | 'fail' }>(
  operation: TacacsOperation,
  slots: readonly ServerSlot[],
  settings: FailoverSettings,
  signal: AbortSignal | undefined,
  attempt: (slot: ServerSlot) => Promise<T>,
): Promise<Answered<T> | TacacsUnavailable> {
  const causes: TacacsFailureCause[] = [];
  let attempts = 0;
  let serversTried = 0;
  let deadline = signal?.aborted === true;
  let stop = deadline;
  const order = candidates(slots, settings, operation);
  for (const [index, slot] of order.entries()) {
    if (stop) break;
    serversTried += 1;
    let lastError: TacacsServerFailure | undefined;
    for (let round = 0; round <= settings.retries; round += 1) {
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
        slot.counters.heldDownUntil = undefined;
        settings.emit({
          type: 'attempt',
          operation,
          server: slot.config.label,
          attempt: round + 1,
          outcome: value.status,
          latencyMs,
        });
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
        if (!looksDead(error) || round === settings.retries) break;
        settings.emit({ type: 'retry', operation, server: slot.config.label, attempt: round + 2 });
      }
    }
    if (lastError !== undefined && !deadline && looksDead(lastError) && settings.holdDownMs > 0) {
      const until = settings.now() + settings.holdDownMs;
      slot.counters.heldDownUntil = until;
      settings.emit({ type: 'hold-down', server: slot.config.label, holdDownMs: settings.holdDownMs, until });
    }
    const next = order[index + 1];
    if (!stop && next !== undefined) {
      settings.emit({ type: 'failover', operation, from: slot.config.label, to: next.config.label });
    }
  }
  const reason = unavailableReason(causes, deadline);
  const error = new TacacsUnavailableError(reason, causes, serversTried, attempts);
  return { status: 'unavailable', error, reason, serversTried, attempts };
}
