import type { TacacsClientEvent } from '@sessiond/tacacs-plus';
import { TimeBuckets } from '../../stats/time-buckets';
import type { AaaSourceActivity } from '../types';

/** "Recent" for the operator console: the last 5 minutes, in 10 slots of 30 s. */
const SLOTS = 10;
const SLOT_MS = 30_000;

interface ServerActivity {
  readonly counts: TimeBuckets;
  lastLatencyMs: number | undefined;
}

/**
 * Each TACACS+ server's recent activity, from the client's `attempt` events (every operation and
 * retry, authentication, authorization and accounting): attempts and failed attempts (no answer,
 * a key mismatch, an ERROR status…) over the last 5 minutes, and the latency of the last attempt the
 * server answered. Bounded: a fixed ring per configured server.
 */
export class TacacsServerActivity {
  private readonly servers = new Map<string, ServerActivity>();

  constructor(
    labels: readonly string[],
    private readonly clock: () => number = Date.now,
  ) {
    for (const label of labels)
      this.servers.set(label, { counts: new TimeBuckets(SLOTS, SLOT_MS), lastLatencyMs: undefined });
  }

  observe(event: TacacsClientEvent): void {
    if (event.type !== 'attempt') return;
    const server = this.servers.get(event.server);
    if (server === undefined) return;
    const now = this.clock();
    server.counts.add('requests', now);
    if (event.outcome === 'error') server.counts.add('errors', now);
    else server.lastLatencyMs = Math.round(event.latencyMs * 10) / 10;
  }

  activity(): ReadonlyMap<string, AaaSourceActivity> {
    const now = this.clock();
    return new Map(
      [...this.servers].map(([label, { counts, lastLatencyMs }]) => {
        const totals = counts.totals(now);
        return [
          label,
          {
            ...(lastLatencyMs !== undefined ? { lastLatencyMs } : {}),
            requests: totals.get('requests') ?? 0,
            errors: totals.get('errors') ?? 0,
          },
        ];
      }),
    );
  }
}
