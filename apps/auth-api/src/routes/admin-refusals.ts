import type { IRouter } from 'express';
import { REFUSAL_CAUSES, REFUSALS_PATH } from '@sessiond/protocol';
import type { AdminAuth } from '../auth/require-admin';
import { REFUSAL_WINDOW, type RefusalLog } from '../stats/refusal-log';
import { noStore } from './token-services';

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * GET /api/v1/auth/refusals (admins): the refused logins this process saw over the last hour, by
 * cause per minute (60 entries, oldest first, the last the current minute), the totals, and the
 * latest 50 with username, address and cause (stats/refusal-log.ts).
 */
export function refusalsRoute(
  router: IRouter,
  { refusals }: { readonly refusals: RefusalLog },
  auth: AdminAuth,
): void {
  router.get(REFUSALS_PATH, auth.session, auth.admin, (_req, res) => {
    const report = refusals.report();
    noStore(res).json({
      'window-minutes': REFUSAL_WINDOW.minutes,
      'bucket-seconds': REFUSAL_WINDOW.slotSeconds,
      now: iso(report.now),
      causes: REFUSAL_CAUSES,
      series: report.series.map((slot) => ({ start: iso(slot.start), counts: byCause(slot.counts) })),
      // Every cause, 0 included: the hour's totals are read by name.
      totals: Object.fromEntries(REFUSAL_CAUSES.map((cause) => [cause, report.totals.get(cause) ?? 0])),
      latest: report.latest.map((r) => ({
        at: iso(r.at),
        username: r.username,
        address: r.address,
        code: r.code,
        cause: r.cause,
        status: r.status,
        'user-agent': r.userAgent,
      })),
    });
  });
}

/** The causes with a count above 0, in REFUSAL_CAUSES order. */
function byCause(counts: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries(
    REFUSAL_CAUSES.flatMap((cause) => {
      const n = counts.get(cause) ?? 0;
      return n > 0 ? [[cause, n]] : [];
    }),
  );
}
