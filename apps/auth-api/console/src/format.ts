// How times, durations and numbers read on the page. Times are shown in the browser's time zone.
import { TOKEN_FORMAT } from '../../../../packages/protocol/src/token-format';

const pad = (n: number): string => String(n).padStart(2, '0');

/** "14:05" (the chart's minute labels). */
export function clockMinute(iso: string): string {
  const date = new Date(iso);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** "14:05:09", with the date in front when it is not today. */
export function clockTime(iso: string, now: number = Date.now()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const time = `${clockMinute(iso)}:${pad(date.getSeconds())}`;
  const today = new Date(now);
  const sameDay =
    date.getFullYear() === today.getFullYear() &&
    date.getMonth() === today.getMonth() &&
    date.getDate() === today.getDate();
  return sameDay ? time : `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}

/** "2d 03h", "1h 02m", "4m 05s", "9s": the two largest units. */
export function duration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days > 0) return `${days}d ${pad(hours)}h`;
  if (hours > 0) return `${hours}h ${pad(minutes)}m`;
  if (minutes > 0) return `${minutes}m ${pad(seconds)}s`;
  return `${seconds}s`;
}

/** What a countdown shows: "in 4m 05s", or "expired" once the deadline has passed. */
export function remaining(deadlineMs: number, now: number): string {
  return deadlineMs > now ? `in ${duration(deadlineMs - now)}` : 'expired';
}

/**
 * A session id shortened to its local id (the last part), which tells a user's sessions apart:
 * the bucket and user tag before it are the same for all of them.
 */
export function shortSessionId(sessionId: string): string {
  return sessionId.length > TOKEN_FORMAT.lidLength
    ? `…${sessionId.slice(-TOKEN_FORMAT.lidLength)}`
    : sessionId;
}

export function milliseconds(ms: number | undefined): string {
  if (ms === undefined) return '–';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** "2.5 % (3 of 120)" over the source's recent window, "no requests", or what is known of it. */
export function errorRate(rate: number | undefined, errors?: number, requests?: number): string {
  if (requests === 0) return 'no requests';
  const percent =
    rate === undefined ? undefined : `${(rate * 100).toFixed(rate > 0 && rate < 0.1 ? 1 : 0)} %`;
  const counts = errors !== undefined && requests !== undefined ? `${errors} of ${requests}` : undefined;
  if (percent !== undefined && counts !== undefined) return `${percent} (${counts})`;
  return percent ?? counts ?? '–';
}
