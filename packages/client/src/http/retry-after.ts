/**
 * `Retry-After` (RFC 9110 §10.2.3) in whole seconds: delay-seconds, or an HTTP-date counted from
 * `nowMs`. Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text);
  // An HTTP-date starts with the day name (IMF-fixdate, and the obsolete RFC 850 and asctime forms).
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}
