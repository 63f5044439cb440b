import { createHmac } from 'node:crypto';
import { parseSessionId } from '@sessiond/protocol';
import { startHarness, stopSharedRedis, type Harness } from './support/harness';

// Session ids that do not name their user: the user tag inside every id is an HMAC of the username
// under USER_TAG_SECRET, a deployment secret. With the old fixed, public key anyone who saw an id
// could test username guesses against it (alice's ids in two fresh stacks shared a prefix).

const harnesses: Harness[] = [];

afterAll(async () => {
  await Promise.all(harnesses.map((h) => h.close()));
  await stopSharedRedis();
});

async function stack(secret: string): Promise<Harness> {
  const h = await startHarness({ env: { USER_TAG_SECRET: secret } });
  harnesses.push(h);
  return h;
}

async function tagOf(h: Harness): Promise<string> {
  const res = await h.login('alice', 'alice-pw');
  expect(res.status).toBe(200);
  const parts = parseSessionId((res.body as Record<string, string>)['session-id'] ?? '');
  if (parts === undefined) throw new Error('not a session id');
  return parts.tag;
}

/** The tag a guesser would compute for `username` under `key` (the store's HMAC, 64 bits). */
function guess(username: string, key: string): string {
  return createHmac('sha256', key).update(username, 'utf8').digest().subarray(0, 8).toString('base64url');
}

it('the user tag depends on the deployment secret: a guess under the old public key or another secret fails', async () => {
  const first = await stack('first-deployment-secret-0123456789');
  const second = await stack('second-deployment-secret-0123456789');
  const tagA = await tagOf(first);
  const tagB = await tagOf(second);
  expect(tagA).not.toBe(tagB);
  // The same deployment gives a user the same tag (one hash slot per user, the limit stays exact).
  expect(await tagOf(first)).toBe(tagA);
  // What an attacker can compute without the secret matches neither.
  expect(guess('alice', 'sessiond user tag v1')).not.toBe(tagA);
  expect(guess('alice', 'sessiond user tag v1')).not.toBe(tagB);
  // Only with the secret does the guess match.
  expect(guess('alice', 'first-deployment-secret-0123456789')).toBe(tagA);
});
