import { refusalCause, type RefusalCause } from '@sessiond/protocol';
import type { AuditFields } from '../http/audit';
import { TimeBuckets, type TimeSlot } from './time-buckets';

/** The window of GET /refusals: 60 slots of one minute. */
export const REFUSAL_WINDOW = { minutes: 60, slotSeconds: 60 } as const;
/** The latest refusals kept, newest first. */
export const LATEST_REFUSALS = 50;
/** The longest username kept (what the client sent, never a password). */
const MAX_USERNAME = 256;

/** One refused login, as the audit record has it. */
export interface Refusal {
  readonly at: number;
  readonly username: string;
  readonly address: string;
  readonly code: string;
  readonly cause: RefusalCause;
  readonly status: number;
  readonly userAgent: string;
}

/** What the request's audit line says: RefusalLog keeps the refused logins among them. */
export interface AuditedAnswer {
  readonly audit: AuditFields;
  readonly status: number;
  readonly code: string;
  readonly address: string;
  readonly userAgent: string;
}

export interface RefusalReport {
  readonly now: number;
  readonly series: readonly TimeSlot[];
  readonly totals: ReadonlyMap<string, number>;
  readonly latest: readonly Refusal[];
}

/**
 * The refused logins (POST /token-services answered ≥ 400) this process saw over the last hour,
 * counted by cause per minute, and the latest 50 (issue 16: "why logins fail"). In memory only and
 * bounded (60 slots × 11 causes, 50 records); each replica reports its own. Fed with every audit
 * record, at the one place a login's outcome is known (http/request-tracking.ts).
 */
export class RefusalLog {
  private readonly minutes = new TimeBuckets(REFUSAL_WINDOW.minutes, REFUSAL_WINDOW.slotSeconds * 1000);
  private readonly newest: Refusal[] = [];

  constructor(private readonly clock: () => number = Date.now) {}

  observe({ audit, status, code, address, userAgent }: AuditedAnswer): void {
    if (audit.event !== 'login' || status < 400) return;
    const at = this.clock();
    const cause = refusalCause(code, audit.aaa?.outage?.status);
    this.minutes.add(cause, at);
    this.newest.unshift({
      at,
      username: (audit.username ?? '').slice(0, MAX_USERNAME),
      address,
      code,
      cause,
      status,
      userAgent,
    });
    if (this.newest.length > LATEST_REFUSALS) this.newest.pop();
  }

  report(): RefusalReport {
    const now = this.clock();
    const series = this.minutes.series(now);
    const since = series[0]?.start ?? now;
    return {
      now,
      series,
      totals: this.minutes.totals(now),
      latest: this.newest.filter((refusal) => refusal.at >= since),
    };
  }
}
