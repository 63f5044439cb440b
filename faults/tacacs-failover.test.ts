import { performance } from 'node:perf_hooks';
import { waitFor } from '@sessiond/test-utils';
import { startLoad, type Load, type Outcome } from './support/http-load';
import { describeOutcomes, formatTally, ms, n, printResult, tally, unanswered } from './support/outcomes';
import { loginRequest } from './support/requests';
import { Stack, user } from './support/stack';
import { slowest, startedBetween } from './support/timeline';

// targets.md: "TACACS+ primary down: logins fail over to the secondary within the connect timeout;
// all down: 503 aaa_unavailable within AAA_DEADLINE_MS". A server that failed is skipped for
// TACACS_HOLD_DOWN_MS, then one login probes it; while every server is held down, logins are
// answered at once (README, "AAA outages, fallback and hold-down").
const AAA_TIMEOUT_MS = 500;
const AAA_RETRIES = 1;
const AAA_DEADLINE_MS = 3000;
const HOLD_DOWN_MS = 3000;
const WORKERS = 8;

let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start({
    tacacsServers: 2,
    env: {
      AAA_TIMEOUT_MS: String(AAA_TIMEOUT_MS),
      AAA_RETRIES: String(AAA_RETRIES),
      AAA_DEADLINE_MS: String(AAA_DEADLINE_MS),
      TACACS_HOLD_DOWN_MS: String(HOLD_DOWN_MS),
      SESSION_LIMIT_PER_USER: '0',
    },
  });
});

afterAll(async () => {
  await stack?.close();
});

/** Logins of distinct users (identical concurrent logins would share one AAA request). */
function loginLoad(): Load {
  return startLoad({
    port: stack.api.port,
    concurrency: WORKERS,
    timeoutMs: AAA_DEADLINE_MS + 5000,
    maxDurationMs: 60_000,
    next: (worker, sequence) => loginRequest(user(worker + sequence * WORKERS)),
  });
}

const isOk = (o: Outcome): boolean => o.status === 200;
const isAaaDown = (o: Outcome): boolean => o.status === 503 && o.code === 'aaa_unavailable';
const aaaStatus = (o: Outcome): unknown =>
  (o.body as { aaa?: { status?: unknown } } | undefined)?.aaa?.status;

it('TACACS+ primary killed under login load: failover, no 500; both down: 503 aaa_unavailable within AAA_DEADLINE_MS; primary used again after its hold-down', async () => {
  const [primary, secondary] = stack.tacacs;
  if (primary === undefined || secondary === undefined) throw new Error('two TACACS+ servers expected');
  const pid = stack.api.pid;

  // 1. Primary killed under load, started again at once: every login still succeeds (secondary);
  //    the primary gets no request before its hold-down is over, and is used again after it.
  const failover = loginLoad();
  await waitFor(() => failover.outcomes.filter(isOk).length >= WORKERS, { message: 'the load to run' });
  const killedAt = performance.now();
  await primary.kill();
  // The primary stays down until the secondary has served logins in its place.
  await waitFor(() => secondary.authentications(killedAt) >= 10 * WORKERS, {
    message: 'the secondary to serve logins',
  });
  const secondaryServed = secondary.authentications(killedAt);
  await primary.restart();
  const restartedAt = performance.now();
  await waitFor(() => primary.authentications(restartedAt) > 0, {
    timeoutMs: HOLD_DOWN_MS + 10_000,
    message: 'the primary to be used again after its hold-down',
  });
  const primaryBackAt = primary.requests.find((r) => r.kind === 'authentication' && r.at >= restartedAt)?.at;
  await waitFor(() => primary.authentications(restartedAt) >= WORKERS, {
    message: 'the primary to serve logins again',
  });
  failover.stop();
  const phase1 = await failover.done;
  const duringFailover = startedBetween(phase1, killedAt, restartedAt);

  // 2. Both killed under load: 503 aaa_unavailable (unreachable), each within AAA_DEADLINE_MS.
  const bothKilled = loginLoad();
  await waitFor(() => bothKilled.outcomes.length >= WORKERS, { message: 'the load to run' });
  await Promise.all([primary.kill(), secondary.kill()]);
  const bothDownAt = performance.now();
  await waitFor(() => startedBetween(bothKilled.outcomes, bothDownAt).length >= 50 * WORKERS, {
    message: 'logins answered with both servers down',
  });
  bothKilled.stop();
  const phase2 = await bothKilled.done;
  const afterBothDown = startedBetween(phase2, bothDownAt);

  // 3. Both hung (SIGSTOP: connections accepted, nothing answered). Still held down from phase 2,
  //    logins are answered at once (unreachable); when the hold-down ends one login probes each
  //    server and times out (AAA_TIMEOUT_MS, no retry for a probe), so answers say timeout.
  await Promise.all([primary.restart(), secondary.restart()]);
  primary.freeze();
  secondary.freeze();
  const hung = loginLoad();
  await waitFor(() => hung.outcomes.some((o) => isAaaDown(o) && aaaStatus(o) === 'timeout'), {
    timeoutMs: HOLD_DOWN_MS + 10_000,
    message: 'a probe of the hung servers to time out',
  });
  hung.stop();
  const phase3 = await hung.done;
  primary.thaw();
  secondary.thaw();

  // 4. Both answer again: once a hold-down ends, the probe finds the server back and logins succeed
  //    without restarting the auth-api; until then, 503 from the hold-down in milliseconds.
  const back = loginLoad();
  await waitFor(() => back.outcomes.some(isOk), {
    timeoutMs: HOLD_DOWN_MS + 10_000,
    message: 'a login to succeed after the servers came back',
  });
  const firstOk = Math.min(...back.outcomes.filter(isOk).map((o) => o.endedAt));
  await waitFor(() => back.outcomes.filter((o) => o.startedAt > firstOk).length >= 50, {
    message: 'logins after the first success',
  });
  back.stop();
  const phase4 = await back.done;

  const all = [...phase1, ...phase2, ...phase3, ...phase4];
  const wrong = [
    ...phase1.filter((o) => !isOk(o)),
    ...phase2.filter((o) => o.startedAt < bothDownAt && !isOk(o) && !isAaaDown(o)),
    ...afterBothDown.filter((o) => !isAaaDown(o) || aaaStatus(o) !== 'unreachable'),
    ...phase3.filter((o) => !isAaaDown(o) || !['timeout', 'unreachable'].includes(String(aaaStatus(o)))),
    ...phase4.filter((o) => (o.startedAt > firstOk ? !isOk(o) : !isOk(o) && !isAaaDown(o))),
  ];
  const aaaDown = [...afterBothDown, ...phase3].filter(isAaaDown);
  printResult(
    `TACACS+ primary killed under login load — ${n(all.length)} logins: ${formatTally(tally(all))}; ` +
      `other×${n(wrong.length)}, timeouts×${n(all.filter((o) => o.error === 'timeout').length)}; ` +
      `primary killed: ${formatTally(tally(duringFailover))} (secondary served ${n(secondaryServed)}, slowest ${ms(slowest(duringFailover))}, AAA_TIMEOUT_MS ${AAA_TIMEOUT_MS}); ` +
      `primary used again ${ms(primaryBackAt === undefined ? undefined : primaryBackAt - killedAt)} after it was killed (TACACS_HOLD_DOWN_MS ${n(HOLD_DOWN_MS)}); ` +
      `both killed: ${formatTally(tally(afterBothDown))} (slowest ${ms(slowest(afterBothDown))}); ` +
      `both hung: ${formatTally(tally(phase3))} (slowest ${ms(slowest(phase3))}; AAA_DEADLINE_MS ${n(AAA_DEADLINE_MS)}); ` +
      `both back: ${formatTally(tally(phase4))} (first 200 ${ms(firstOk - (phase4[0]?.startedAt ?? firstOk))} after the load started); lost ${n(unanswered(all).length)}`,
  );

  expect(describeOutcomes(wrong)).toBe('');
  expect(unanswered(all)).toHaveLength(0);
  // Failover to the secondary within the connect timeout (AAA_TIMEOUT_MS).
  expect(duringFailover.length).toBeGreaterThan(0);
  expect(secondaryServed).toBeGreaterThan(0);
  expect(slowest(duringFailover)).toBeLessThanOrEqual(AAA_TIMEOUT_MS);
  // Not used while held down (it was back after ~1 s), used again once the hold-down is over.
  expect(primaryBackAt).toBeDefined();
  expect((primaryBackAt ?? 0) - killedAt).toBeGreaterThanOrEqual(HOLD_DOWN_MS);
  // All down: 503 aaa_unavailable within AAA_DEADLINE_MS.
  expect(afterBothDown.length).toBeGreaterThan(0);
  expect(phase3.length).toBeGreaterThan(0);
  expect(slowest(aaaDown)).toBeLessThanOrEqual(AAA_DEADLINE_MS);
  expect(phase4.filter((o) => o.startedAt > firstOk).length).toBeGreaterThanOrEqual(50);
  expect(stack.api.running).toBe(true);
  expect(stack.api.pid).toBe(pid);
});
