import { waitFor } from '@sessiond/test-utils';
import { expectResponsesMatchOpenApi, startHarness, type Harness } from './support/harness';

// No phantom writes: Redis frozen (SIGSTOP) while logins arrive. Every one of them is answered 503;
// the commands the client gave up on are still in the socket when Redis comes back, and their
// scripts must then do nothing: no session nobody received, no failed login counted.

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ ownRedis: true, env: { LOGIN_MAX_FAILURES: '3', AAA_METHODS: 'tacacs' } });
});

afterAll(async () => {
  await expectResponsesMatchOpenApi(h);
  await h.close();
});

function redis(): NonNullable<Harness['redisServer']> {
  if (h.redisServer === undefined) throw new Error('the harness did not start its own Redis');
  return h.redisServer;
}

it('Redis frozen while 8 logins and 4 wrong passwords arrive: all 503, and afterwards exactly the sessions clients received', async () => {
  // One session the client did receive, before the freeze. On a loaded machine Redis can miss the
  // command timeout even before the freeze: such a login is answered 503 and leaves nothing (the
  // point of this test), so the client simply retries until it gets its token.
  let before = '';
  await waitFor(
    async () => {
      const res = await h.login('alice', 'alice-pw');
      expect([200, 503]).toContain(res.status);
      before = res.status === 200 ? (res.body as { 'token-id': string })['token-id'] : '';
      return before !== '';
    },
    { timeoutMs: 30_000, message: 'a first login before the freeze' },
  );
  redis().pause();
  try {
    const answers = await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => h.login('alice', 'alice-pw').set('User-Agent', `frozen-${i}`)),
      ...Array.from({ length: 4 }, (_, i) => h.login('alice', `wrong-${i}`)),
    ]);
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 12 }, () => 503));
    for (const answer of answers) expect(answer.body).toMatchObject({ code: 'session_store_unavailable' });
  } finally {
    redis().unpause();
  }
  // Redis runs what was queued; the scripts see the callers' deadlines passed and do nothing.
  await waitFor(async () => (await h.http().get('/readyz')).status === 200, { message: 'Redis back' });
  const listed = await h.http().get('/api/v1/auth/token-services').set('X-auth-token', before);
  expect(listed.status).toBe(200);
  const items = (listed.body as { items: { 'user-agent'?: string }[] }).items;
  expect(items).toHaveLength(1);
  expect(items.some((item) => item['user-agent']?.startsWith('frozen-') === true)).toBe(false);
  // The four wrong passwords answered 503 were not counted: with them, two more failures would
  // throttle the pair (LOGIN_MAX_FAILURES=3) and the right password would get 429.
  for (let i = 0; i < 2; i += 1) expect((await h.login('alice', `wrong-again-${i}`)).status).toBe(401);
  expect((await h.login('alice', 'alice-pw')).status).toBe(200);
  expect(h.logs.join('')).not.toContain('"code":"internal_error"');
});
