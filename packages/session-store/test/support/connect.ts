import { Cluster, type Redis } from 'ioredis';
import { createRedisClient, waitUntilReady } from '@sessiond/session-store';
import type { ClusterNode } from '@sessiond/test-utils';

export type Client = Redis | Cluster;

/** Command and operation timeout of the behaviour suites (exactness, not time bounds). */
export const BEHAVIOUR_TIMEOUT_MS = 20_000;

/**
 * A client built with the store's own production settings, ready to use. `commandTimeoutMs`
 * overrides the production 500 ms where a suite tests exactness rather than time bounds: 1,000
 * concurrent scripts for one user queue on one Redis, and a loaded 2-core CI machine must not turn
 * that queue into timeouts (the outage suite keeps the production bounds).
 */
export async function connect(
  target: { url: string } | { nodes: readonly ClusterNode[] },
  commandTimeoutMs?: number,
): Promise<Client> {
  const timeouts = commandTimeoutMs !== undefined ? { commandTimeoutMs } : {};
  const client =
    'url' in target
      ? createRedisClient({ url: target.url, ...timeouts })
      : createRedisClient({ clusterNodes: target.nodes, ...timeouts });
  await waitUntilReady(client, 10_000);
  return client;
}

/** Every key and its full contents, from every master: what a dump of Redis would reveal. */
export async function dumpEverything(client: Client, prefix: string): Promise<Buffer[]> {
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  const out: Buffer[] = [];
  for (const node of nodes) {
    const keys = await node.keysBuffer(`${prefix}*`);
    for (const key of keys) {
      out.push(key);
      const type = await node.type(key);
      if (type === 'hash')
        out.push(...(await node.hgetallBuffer(key).then((h) => Object.entries(h).flat().map(toBuffer))));
      else if (type === 'zset') out.push(...(await node.zrangeBuffer(key, 0, -1)));
      else if (type === 'string') out.push((await node.getBuffer(key)) ?? Buffer.alloc(0));
      else throw new Error(`unexpected key type ${type}`);
    }
  }
  return out;
}

/** Counts keys under a prefix on every master. */
export async function countKeys(client: Client, prefix: string): Promise<number> {
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  const counts = await Promise.all(nodes.map((node) => node.keys(`${prefix}*`).then((k) => k.length)));
  return counts.reduce((a, b) => a + b, 0);
}

function toBuffer(value: string | Buffer): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
}
