// The auth-api's clock as the page sees it. Deadlines come from the server; a countdown against the
// browser's clock alone would be off by the two machines' difference, so every answer's `Date`
// header (RFC 9110 §6.6.1, one-second resolution) corrects the offset when it is clearly off.

const SIGNIFICANT_SKEW_MS = 1500;

let offsetMs = 0;

/** Milliseconds since the epoch on the server's clock (as far as the `Date` headers tell). */
export function serverNow(): number {
  return Date.now() + offsetMs;
}

/** Takes the `Date` header of an answer received between `sentAt` and `receivedAt` (browser clock). */
export function observeServerDate(date: string | null, sentAt: number, receivedAt: number): void {
  if (date === null) return;
  const server = Date.parse(date);
  if (Number.isNaN(server)) return;
  // The header is truncated to the second: its middle is 500 ms later, compared with the trip's middle.
  const skew = server + 500 - (sentAt + receivedAt) / 2;
  if (Math.abs(skew - offsetMs) > SIGNIFICANT_SKEW_MS) offsetMs = Math.round(skew);
}
