import { keepAliveAgent, send, type Outcome } from './support/http-load';
import { describeOutcomes, formatTally, n, printResult, tally, unanswered } from './support/outcomes';
import { listRequest, loginRequest, sessionOf, validateRequest, type Session } from './support/requests';
import { ADMIN, Stack, user } from './support/stack';
import { loginAll } from './support/sessions';
import type { AuthApiProcess } from './support/auth-api-process';

// targets.md: "concurrent logins for one user, limit 5: 1,000 at once: exactly 5 live sessions
// afterwards under either policy".
const LOGINS = 1000;
const LIMIT = 5;

let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start({ env: { SESSION_LIMIT_PER_USER: String(LIMIT) } });
});

afterAll(async () => {
  await stack?.close();
});

/** 1,000 logins of one user, all sent at once, each on its own connection. */
async function burst(api: AuthApiProcess, credentials: { username: string; password: string }) {
  const agent = keepAliveAgent(LOGINS);
  try {
    return await Promise.all(
      Array.from({ length: LOGINS }, () =>
        send({ port: api.port, agent }, loginRequest(credentials), 60_000),
      ),
    );
  } finally {
    agent.destroy();
  }
}

/** The user's live sessions, as the user and as an admin see them. */
async function liveSessions(api: AuthApiProcess, username: string, token: string, adminToken: string) {
  const agent = keepAliveAgent(2);
  try {
    const own = await send({ port: api.port, agent }, listRequest(token), 10_000);
    const admin = await send(
      { port: api.port, agent },
      listRequest(adminToken, `/api/v1/auth/users/${username}/sessions`),
      10_000,
    );
    const ids = (o: Outcome): string[] =>
      ((o.body as { items?: { 'session-id': string }[] } | undefined)?.items ?? []).map(
        (i) => i['session-id'],
      );
    return { own: ids(own), admin: ids(admin) };
  } finally {
    agent.destroy();
  }
}

async function validateEach(api: AuthApiProcess, sessions: readonly Session[]): Promise<Outcome[]> {
  const agent = keepAliveAgent(16);
  const outcomes: Outcome[] = [];
  for (let i = 0; i < sessions.length; i += 16) {
    const batch = sessions
      .slice(i, i + 16)
      .map((s) => send({ port: api.port, agent }, validateRequest(s), 10_000));
    outcomes.push(...(await Promise.all(batch)));
  }
  agent.destroy();
  return outcomes;
}

describe('1,000 concurrent logins for one user, SESSION_LIMIT_PER_USER 5', () => {
  it.each(['reject', 'evict-oldest'] as const)(
    'policy %s: exactly 5 live sessions afterwards',
    async (policy) => {
      const api = await stack.startApi({
        SESSION_LIMIT_PER_USER: String(LIMIT),
        SESSION_LIMIT_POLICY: policy,
      });
      const [adminSession] = await loginAll(api.port, [ADMIN]);
      const credentials = user(policy === 'reject' ? 1 : 2);

      const logins = await burst(api, credentials);
      const issued = logins.flatMap((o) => sessionOf(o.body) ?? []);
      const validations = await validateEach(api, issued);
      const valid = issued.filter((_, i) => validations[i]?.status === 200);
      const live = await liveSessions(
        api,
        credentials.username,
        valid[0]?.token ?? '',
        adminSession?.token ?? '',
      );
      const evicted = logins.reduce(
        (sum, o) => sum + ((o.body as { evicted?: unknown[] } | undefined)?.evicted?.length ?? 0),
        0,
      );
      printResult(
        `${n(LOGINS)} concurrent logins for one user, limit ${LIMIT}, policy ${policy} — ${formatTally(tally(logins))}; ` +
          `afterwards: ${n(live.own.length)} live sessions listed (admin view ${n(live.admin.length)}); ` +
          `tokens issued: ${n(issued.length)}, now ${formatTally(tally(validations))}; ` +
          `evicted reported ${n(evicted)}; lost ${n(unanswered(logins).length)}`,
      );

      expect(unanswered(logins)).toHaveLength(0);
      if (policy === 'reject') {
        // Exactly 5 logins win; every other one is told why (429 session_limit_reached), never a 500.
        expect(
          describeOutcomes(logins.filter((o) => o.status !== 200 && o.code !== 'session_limit_reached')),
        ).toBe('');
        expect(issued).toHaveLength(LIMIT);
        expect(tally(logins).get('429 session_limit_reached')).toBe(LOGINS - LIMIT);
      } else {
        // Every login wins and pushes the oldest out: 995 evictions, each token told it was evicted.
        expect(describeOutcomes(logins.filter((o) => o.status !== 200))).toBe('');
        expect(issued).toHaveLength(LOGINS);
        expect(evicted).toBe(LOGINS - LIMIT);
        expect(tally(validations).get('401 session_evicted')).toBe(LOGINS - LIMIT);
      }
      expect(valid).toHaveLength(LIMIT);
      expect(live.own.sort()).toEqual(valid.map((s) => s.sessionId).sort());
      expect(live.admin.sort()).toEqual(live.own.sort());
      expect(api.running).toBe(true);
    },
  );
});
