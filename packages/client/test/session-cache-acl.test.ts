import { SessionStore, createRedisClient, waitUntilReady } from '@sessiond/session-store';
import { SecureRedis, sessiondPermissions, uniqueKeyPrefix, waitFor } from '@sessiond/test-utils';
import { createDirectValidator } from '../src/direct';

// What the session cache needs of an ACL user: the main README's permissions for sessiond's user,
// plus the invalidation channel. Without the channel the cache stays off and validation still works.
const PREFIX = uniqueKeyPrefix('acl');

async function withUser(rules: string, run: (redis: SecureRedis) => Promise<void>): Promise<void> {
  const redis = await SecureRedis.start({ user: { username: 'orders-api', password: 'orders-pw', rules } });
  try {
    await run(redis);
  } finally {
    await redis.destroy();
  }
}

async function check(redis: SecureRedis, expectLive: boolean): Promise<void> {
  const writer = createRedisClient({ url: redis.url });
  const errors: Error[] = [];
  const validator = createDirectValidator({
    mode: 'direct',
    redis: { url: redis.url, keyPrefix: PREFIX },
    onError: (error) => errors.push(error),
  });
  try {
    await waitUntilReady(writer, 5000);
    await validator.ready();
    const { token } = await new SessionStore(writer, { keyPrefix: PREFIX }).create({
      username: 'alice',
      privLvl: 15,
      aaa: 'local',
      sourceIp: '',
    });
    if (expectLive) {
      await waitFor(() => validator.sessionCache()?.live === true, { message: 'tracking to be on' });
      await waitFor(
        async () => (await validator.validate(token)).valid && validator.sessionCache()?.hits !== 0,
        {
          message: 'a cache hit',
        },
      );
    } else {
      await waitFor(() => errors.some((e) => /NOPERM/.test(e.message)), { message: 'a NOPERM reported' });
      expect(validator.sessionCache()?.live).toBe(false);
      expect(await validator.validate(token)).toMatchObject({ valid: true, session: { source: 'direct' } });
    }
  } finally {
    await validator.close();
    writer.disconnect();
  }
}

describe('the session cache and ACL users', () => {
  it('sessiond’s permissions plus &__redis__:invalidate: the cache works', async () => {
    await withUser(`${sessiondPermissions(PREFIX)} &__redis__:invalidate`, (redis) => check(redis, true));
  });

  it('without the channel: NOPERM reported, the cache off, validation unchanged', async () => {
    await withUser(sessiondPermissions(PREFIX), (redis) => check(redis, false));
  });
});
