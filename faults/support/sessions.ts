import { runLoad } from './http-load';
import { describeOutcomes } from './outcomes';
import { loginRequest, sessionOf, type Session } from './requests';

/** Logs each of `credentials` in once (`concurrency` at a time); throws unless every login got a 200. */
export async function loginAll(
  port: number,
  credentials: readonly { username: string; password: string }[],
  concurrency = 8,
): Promise<Session[]> {
  let next = 0;
  const outcomes = await runLoad({
    port,
    concurrency,
    timeoutMs: 10_000,
    durationMs: 60_000,
    next: () => {
      const item = credentials[next];
      next += 1;
      return item === undefined ? undefined : loginRequest(item);
    },
  });
  const failed = outcomes.filter((o) => o.status !== 200 || sessionOf(o.body) === undefined);
  if (failed.length > 0 || outcomes.length !== credentials.length) {
    throw new Error(
      `setup logins failed: ${failed.length} of ${outcomes.length}: ${describeOutcomes(failed)}`,
    );
  }
  return outcomes.flatMap((o) => sessionOf(o.body) ?? []);
}
