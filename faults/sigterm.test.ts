import { performance } from 'node:perf_hooks';
import { sleep, waitFor } from '@sessiond/test-utils';
import { startLoad, type Outcome, type RequestSpec } from './support/http-load';
import { describeOutcomes, formatTally, ms, n, printResult, tally } from './support/outcomes';
import { introspectRequest, loginRequest, validateRequest, type Session } from './support/requests';
import { loginAll } from './support/sessions';
import { Stack, user } from './support/stack';
import { startedBetween, within } from './support/timeline';

// targets.md: "SIGTERM under load: in-flight requests complete; the process exits 0 within 10 s".
const EXIT_WITHIN_MS = 10_000;
/** SHUTDOWN_TIMEOUT_MS's default: the drain's own bound, after which the auth-api cuts connections. */
const SHUTDOWN_TIMEOUT_MS = 8_000;
const WORKERS = 32;
/** Workers that log in; the others validate and introspect, so fast requests are in flight too. */
const LOGIN_WORKERS = 8;

let stack: Stack;

beforeAll(async () => {
  // With the production AAA defaults a login waits up to 5 s for TACACS+, so the logins a frozen
  // TACACS+ server holds are still in flight, inside the auth-api, when the signal comes.
  stack = await Stack.start({ env: { SESSION_LIMIT_PER_USER: '0' } });
});

afterAll(async () => {
  await stack?.close();
});

function mixedLoad(sessions: readonly Session[]) {
  return (worker: number, sequence: number): RequestSpec => {
    const session = sessions[(worker + sequence) % sessions.length] as Session;
    if (worker < LOGIN_WORKERS) return loginRequest(user(worker + sequence * LOGIN_WORKERS));
    return sequence % 2 === 0 ? introspectRequest(session) : validateRequest(session);
  };
}

/** The listener is closed: the request never reached the service. */
const refused = (o: Outcome): boolean => o.error === 'ECONNREFUSED';
/**
 * A kept-alive connection the draining server closed before reading the request: the race every
 * HTTP/1.1 client meets when a server closes an idle connection (RFC 9112 §9.6; clients retry).
 * Only requests sent after the signal may end this way.
 */
const closedUnread = (o: Outcome): boolean => o.error === 'ECONNRESET' || o.error === 'ECONNABORTED';

it('SIGTERM under load: every request in flight is answered; exit 0 within 10 s', async () => {
  const { api } = stack;
  const [tacacs] = stack.tacacs;
  if (tacacs === undefined) throw new Error('a TACACS+ server expected');
  const sessions = await loginAll(
    api.port,
    Array.from({ length: 16 }, (_, i) => user(i)),
  );
  const load = startLoad({
    port: api.port,
    concurrency: WORKERS,
    timeoutMs: 20_000,
    maxDurationMs: 30_000,
    next: mixedLoad(sessions),
  });
  // The load is under way: every worker has been answered.
  await waitFor(() => load.outcomes.filter((o) => o.status === 200).length >= WORKERS, {
    message: 'the load to run',
  });
  // Logins now wait on TACACS+: slow requests in flight when the signal comes. Every login worker
  // holds one that has waited far longer than a login takes (a few ms) before the signal is sent.
  tacacs.freeze();
  await waitFor(
    () =>
      load.inFlight().filter((r) => r.label === 'login' && performance.now() - r.startedAt >= 200).length ===
      LOGIN_WORKERS,
    { message: 'every login worker to be held by the frozen TACACS+ server' },
  );
  const signalledAt = performance.now();
  api.signal('SIGTERM');
  await sleep(1000); // TACACS+ stays frozen 1 s into the drain: part of the case
  tacacs.thaw();
  const exit = await within(api.exited, 20_000);
  load.stop();
  const outcomes = await load.done;

  const before = startedBetween(outcomes, 0, signalledAt);
  const inFlight = before.filter((o) => o.endedAt >= signalledAt);
  const heldLogins = inFlight.filter((o) => o.label === 'login');
  const after = startedBetween(outcomes, signalledAt);
  // A connection closed once the drain's own timeout is over was cut with a request on it.
  const cut = after.filter((o) => closedUnread(o) && o.endedAt >= signalledAt + SHUTDOWN_TIMEOUT_MS);
  const lost = [
    ...before.filter((o) => o.status !== 200),
    ...after.filter((o) => o.status !== 200 && !refused(o) && !closedUnread(o)),
    ...cut,
  ];
  const drain = /"result":"([^"]+)"/.exec(api.logged('stopped').join(''))?.[1] ?? 'not logged';
  const exitMs = exit === undefined ? undefined : exit.at - signalledAt;
  printResult(
    `SIGTERM under load — ${n(outcomes.length)} requests (login, validate, introspect): ` +
      `sent before the signal: ${formatTally(tally(before))}, of which in flight at the signal: ${formatTally(tally(inFlight))} ` +
      `(${n(heldLogins.length)} logins held by a frozen TACACS+ server); ` +
      `sent after: ${formatTally(tally(after))}; ` +
      `drain ${drain}, exit ${exit === undefined ? 'none within 20 s' : String(exit.code ?? exit.signal)} after ${ms(exitMs)}; ` +
      `lost ${n(lost.length)} (${n(cut.length)} cut at the shutdown timeout)`,
  );

  expect(inFlight.length).toBeGreaterThan(0);
  expect(heldLogins.length).toBeGreaterThan(0);
  // Every request sent before the signal is answered, as it would have been without the signal;
  // after it: answered, refused (listener closed) or closed unread; never hung, never cut.
  expect(describeOutcomes(lost)).toBe('');
  expect(exit?.code).toBe(0);
  expect(exitMs).toBeLessThanOrEqual(EXIT_WITHIN_MS);
});
