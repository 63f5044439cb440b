import type { Redis } from 'ioredis';
import { SessionStore, createRedisClient, waitUntilReady } from '@sessiond/session-store';
import { RedisServer, parseInfo, uniqueKeyPrefix } from '@sessiond/test-utils';
import { alice } from './support/behaviour';

// `batchWrites`: the commands of one event-loop turn reach Redis in one write. Its own server, so
// that Redis's read counter sees only this client.

let server: RedisServer;
let client: Redis;
let store: SessionStore;

beforeAll(async () => {
  server = await RedisServer.start();
  client = createRedisClient({ url: server.url, batchWrites: true }) as Redis;
  await waitUntilReady(client, 10_000);
  store = new SessionStore(client, { keyPrefix: uniqueKeyPrefix(), defaults: { limit: 0 } });
});

afterAll(async () => {
  client.disconnect();
  await server.destroy();
});

/** Socket reads Redis has processed so far (INFO stats, Redis ≥ 6). */
async function readsProcessed(): Promise<number> {
  return Number(parseInfo(await client.info('stats'))['total_reads_processed']);
}

describe('batchWrites', () => {
  it('sends the validations of one turn in one write, each answered as alone', async () => {
    const created = await Promise.all(Array.from({ length: 20 }, () => store.create(alice)));
    await store.validate(created[0]?.token ?? ''); // the script is loaded (EVAL once, then EVALSHA)
    const tokens = Array.from({ length: 200 }, (_, i) => created[i % created.length]?.token ?? '');
    tokens[7] = `${tokens[7]?.slice(0, -4) ?? ''}AAAA`; // a wrong secret among them
    const before = await readsProcessed();
    const results = await Promise.all(tokens.map((token) => store.validate(token)));
    const reads = (await readsProcessed()) - before;
    // One read for the batch (and one for INFO); Redis may split a large write, never 200 ways.
    expect(reads).toBeLessThanOrEqual(10);
    results.forEach((result, i) => {
      if (i === 7) expect(result).toEqual({ valid: false, reason: 'invalid' });
      else
        expect(result.valid && result.session.sessionId).toBe(created[i % created.length]?.session.sessionId);
    });
  });

  it('does not hold back the command of a later turn', async () => {
    const { token } = await store.create(alice);
    const first = await store.validate(token);
    await new Promise((resolve) => setImmediate(resolve));
    const second = await store.validate(token);
    expect(first.valid && second.valid).toBe(true);
  });
});
