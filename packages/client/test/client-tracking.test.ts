import { Redis } from 'ioredis';
import { RedisServer, waitFor } from '@sessiond/test-utils';
import { INVALIDATION_CHANNEL } from '../src/direct/tracking-pair';

// Which CLIENT TRACKING mode can follow the store, whose reads and writes all happen inside EVALSHA
// scripts: checked on the real redis-server (RESP2, invalidations redirected to a subscriber, as
// ioredis needs). The session cache uses broadcast mode (tracking-pair.ts says why).

let server: RedisServer;
const clients: Redis[] = [];

beforeAll(async () => {
  server = await RedisServer.start();
});

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await server?.destroy();
});

async function connect(): Promise<Redis> {
  const client = new Redis({ host: server.host, port: server.port, lazyConnect: true });
  clients.push(client);
  await client.connect();
  return client;
}

/** A subscriber on the invalidation channel: its CLIENT ID, the keys it was told, and a fence. */
async function invalidations(): Promise<{ id: string; keys: string[]; fence: () => Promise<unknown> }> {
  const subscriber = await connect();
  const id = String(await subscriber.call('CLIENT', 'ID'));
  const keys: string[] = [];
  subscriber.on('messageBuffer', (channel: Buffer, message: unknown) => {
    if (channel.toString() === INVALIDATION_CHANNEL && Array.isArray(message)) {
      keys.push(...(message as Buffer[]).map((key) => key.toString()));
    }
  });
  await subscriber.subscribe(INVALIDATION_CHANNEL);
  // A PING answered on the subscriber comes after every invalidation Redis queued before it.
  return { id, keys, fence: () => subscriber.ping() };
}

const READ = "return redis.call('HGET', KEYS[1], 'f')";
const WRITE = "return redis.call('HSET', KEYS[1], 'f', ARGV[1])";

describe('CLIENT TRACKING with reads and writes inside scripts (RESP2 redirect)', () => {
  it('default mode: a key read inside EVALSHA is tracked for the connection that ran the script', async () => {
    const { id, keys, fence } = await invalidations();
    const reader = await connect();
    const writer = await connect();
    await reader.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', id);
    const read = String(await reader.script('LOAD', READ));
    const write = String(await writer.script('LOAD', WRITE));
    await writer.evalsha(write, 1, 'd:read', 'v1');
    await reader.evalsha(read, 1, 'd:read');
    await writer.evalsha(write, 1, 'd:read', 'v2');
    await writer.evalsha(write, 1, 'd:unread', 'v1');
    await waitFor(() => keys.includes('d:read'), { message: 'the invalidation of the key read' });
    await fence();
    expect(keys).not.toContain('d:unread');
  });

  it('broadcast mode: every write under the prefixes, inside scripts, by any connection, whoever read it', async () => {
    const { id, keys, fence } = await invalidations();
    const tracking = await connect();
    const writer = await connect();
    await tracking.call(
      'CLIENT',
      'TRACKING',
      'ON',
      'REDIRECT',
      id,
      'BCAST',
      'PREFIX',
      'b:{0}:r:',
      'PREFIX',
      'b:{0}:t:',
    );
    const write = String(await writer.script('LOAD', WRITE));
    await writer.evalsha(write, 1, 'b:{0}:r:tag1', 'v');
    await writer.evalsha(write, 1, 'b:{0}:t:tag2', 'v');
    await writer.evalsha(write, 1, 'b:{0}:e:3', 'v'); // not under a prefix
    await waitFor(() => keys.includes('b:{0}:r:tag1') && keys.includes('b:{0}:t:tag2'), {
      message: 'the invalidations of the two writes',
    });
    await fence();
    expect(keys).not.toContain('b:{0}:e:3');
  });
});
