import type { Redis } from 'ioredis';
import { SessionStore } from '@sessiond/session-store';
import { redisForTests, uniqueKeyPrefix, type TestRedis } from '@sessiond/test-utils';
import { storeBehaviour, alice } from './support/behaviour';
import { BEHAVIOUR_TIMEOUT_MS, connect, type Client } from './support/connect';

let redis: TestRedis;
let client: Client;

beforeAll(async () => {
  redis = await redisForTests();
  client = await connect({ url: redis.url }, BEHAVIOUR_TIMEOUT_MS);
});

afterAll(async () => {
  client.disconnect();
  await redis.destroy();
});

describe('SessionStore on a single Redis', () => {
  storeBehaviour(() => client);

  it('uses exactly one Redis command per create, validate, list and revoke', async () => {
    const store = new SessionStore(client, { keyPrefix: uniqueKeyPrefix() });
    // Count what the client puts on the wire: each command is one round trip.
    const send = jest.spyOn(client as Redis, 'sendCommand');
    const commands = async (run: () => Promise<unknown>): Promise<number> => {
      send.mockClear();
      await run();
      return send.mock.calls.length;
    };
    await store.create(alice); // loads the scripts (EVALSHA falls back to EVAL once)
    const { token, session } = await store.create(alice);
    await store.validate(token);
    expect(await commands(() => store.create(alice))).toBe(1);
    expect(await commands(() => store.validate(token))).toBe(1);
    expect(await commands(() => store.validate(token, { touch: false }))).toBe(1);
    expect(await commands(() => store.listByUser('alice'))).toBe(1);
    expect(await commands(() => store.get(session.sessionId))).toBe(1);
    expect(await commands(() => store.revoke(session.sessionId))).toBe(1);
    expect(await commands(() => store.revokeAll('alice'))).toBe(1);
    send.mockRestore();
  });
});
