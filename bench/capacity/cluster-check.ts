import type { Cluster, Redis } from 'ioredis';
import { SessionStore, createRedisClient, waitUntilReady } from '@sessiond/session-store';
import { RedisCluster } from '@sessiond/test-utils';
import { closedLoop, inBatches } from '../common/load';
import { sampleSession } from './sample-session';
import { bucketSlot, bucketsPerMaster, cliSlotRanges } from './slots';
import { callsOf, delta, resetStats, snapshot, type RedisDelta } from './redis-stats';

// The model says: a user's keys share its bucket's slot, users spread evenly over buckets, so a
// master carries (its buckets ÷ all buckets) of the sessions, the memory and the validations. This
// checks that on a real 3-master cluster (redis-cli's slot split), through the store.
const MASTERS = 3;
export const CHECK_CALLERS = 50;

export interface CheckCase {
  readonly buckets: number;
  readonly indexShards: number;
  readonly sessions: number;
}

export interface NodeCheck {
  readonly node: string;
  readonly slots: string;
  readonly buckets: number;
  /** The model's share: the node's buckets ÷ all buckets. */
  readonly share: number;
  readonly created: RedisDelta;
  readonly validated: RedisDelta;
}

export interface CaseCheck extends CheckCase {
  readonly validations: number;
  readonly nodes: readonly NodeCheck[];
}

export interface ClusterCheck {
  /** Buckets whose slot this folder's CRC16 and CLUSTER KEYSLOT agree on (all of them, or it throws). */
  readonly slotsAgreed: number;
  /** Whether the cluster's slot ranges are the ones slots.ts's cliSlotRanges predicts. */
  readonly rangesAsModelled: boolean;
  readonly cases: readonly CaseCheck[];
}

export async function checkCluster(cases: readonly CheckCase[], loadMs: number): Promise<ClusterCheck> {
  const cluster = await RedisCluster.start({ masters: MASTERS });
  const nodes: Redis[] = [];
  let client: Redis | Cluster | undefined;
  try {
    for (const { host, port } of cluster.nodes) {
      const node = createRedisClient({ url: `redis://${host}:${port}` }) as Redis;
      nodes.push(node);
      await waitUntilReady(node, 5000);
    }
    const [first] = nodes;
    if (first === undefined) throw new Error('no cluster node');
    const ranges = await slotRanges(
      first,
      cluster.nodes.map(({ host, port }) => `${host}:${port}`),
    );
    const maxBuckets = Math.max(...cases.map((c) => c.buckets));
    const slotsAgreed = await compareSlots(first, maxBuckets);
    const modelled = cliSlotRanges(MASTERS);
    const rangesAsModelled = ranges.flat().every(([a, b]) => modelled.some(([x, y]) => x === a && y === b));
    client = createRedisClient({ clusterNodes: cluster.nodes });
    await waitUntilReady(client, 10_000);
    await warmUp(client);
    const results: CaseCheck[] = [];
    for (const c of cases) results.push(await checkCase(client, nodes, ranges, c, loadMs));
    return { slotsAgreed, rangesAsModelled, cases: results };
  } finally {
    client?.disconnect();
    for (const node of nodes) node.disconnect();
    await cluster.destroy();
  }
}

async function checkCase(
  client: Redis | Cluster,
  nodes: readonly Redis[],
  ranges: readonly [number, number][][],
  c: CheckCase,
  loadMs: number,
): Promise<CaseCheck> {
  const store = new SessionStore(client, {
    keyPrefix: `capchk${c.buckets}`,
    buckets: c.buckets,
    indexShards: c.indexShards,
    defaults: { limit: 0 },
  });
  const snapAll = (): Promise<Awaited<ReturnType<typeof snapshot>>[]> => Promise.all(nodes.map(snapshot));
  const beforeCreate = await snapAll();
  const tokens: string[] = [];
  await inBatches(
    Array.from({ length: c.sessions }, (_, i) => i),
    200,
    async (i) => {
      const created = await store.create(sampleSession(i, 1));
      tokens[i] = created.token;
    },
  );
  const afterCreate = await snapAll();
  await Promise.all(nodes.map(resetStats));
  const beforeLoad = await snapAll();
  const load = await closedLoop(CHECK_CALLERS, loadMs, (caller, i) =>
    store.validate(tokens[(caller * 7919 + i * 104_729) % c.sessions] ?? ''),
  );
  const afterLoad = await snapAll();
  if (load.errors > 0) throw new Error(`cluster validation load: ${load.errors} errors`);
  const counts = bucketsPerMaster(c.buckets, ranges);
  process.stderr.write(
    `capacity: cluster check, ${c.buckets} buckets: ${Math.round(load.perSecond)} validations/s\n`,
  );
  return {
    ...c,
    validations: load.count,
    nodes: nodes.map((node, i) => ({
      node: `${node.options.host ?? '?'}:${node.options.port ?? '?'}`,
      slots: (ranges[i] ?? []).map(([a, b]) => `${a}–${b}`).join(', '),
      buckets: counts[i] ?? 0,
      share: (counts[i] ?? 0) / c.buckets,
      created: delta(at(beforeCreate, i), at(afterCreate, i)),
      validated: delta(at(beforeLoad, i), at(afterLoad, i)),
    })),
  };
}

/** Each node's slot ranges, in the order of `nodes` (`host:port`), from CLUSTER SLOTS. */
async function slotRanges(redis: Redis, nodes: readonly string[]): Promise<[number, number][][]> {
  const reply = (await redis.call('CLUSTER', ['SLOTS'])) as [number, number, [string, number]][];
  return nodes.map((node) =>
    reply
      .filter(([, , [host, port]]) => `${host}:${port}` === node)
      .map(([first, last]): [number, number] => [first, last])
      .sort((a, b) => a[0] - b[0]),
  );
}

/** Checks bucketSlot against CLUSTER KEYSLOT for every bucket's keys; throws on a difference. */
async function compareSlots(redis: Redis, buckets: number): Promise<number> {
  const slots = await Promise.all(
    Array.from({ length: buckets }, (_, b) => redis.call('CLUSTER', ['KEYSLOT', `capchk:{${b}}:r:tag`])),
  );
  const wrong = slots.findIndex((slot, b) => Number(slot) !== bucketSlot(b));
  if (wrong >= 0)
    throw new Error(`bucket ${wrong}: CLUSTER KEYSLOT ${String(slots[wrong])}, model ${bucketSlot(wrong)}`);
  return buckets;
}

/** Loads the store's scripts on every master, so the measured windows hold no EVAL or script cache growth. */
async function warmUp(client: Redis | Cluster): Promise<void> {
  const store = new SessionStore(client, { keyPrefix: 'capwarm', buckets: 1296, defaults: { limit: 0 } });
  await inBatches(
    Array.from({ length: 300 }, (_, i) => i),
    50,
    async (i) => {
      const { token } = await store.create({ username: `w${i}`, privLvl: 15, aaa: 'tacacs+', sourceIp: '' });
      await store.validate(token);
    },
  );
}

function at<T>(list: readonly T[], i: number): T {
  const value = list[i];
  if (value === undefined) throw new Error(`no node ${i}`);
  return value;
}

/**
 * The validations a node served: one HMGET each, the store's plain read or the one inside
 * validateSession-2.lua when the script is needed (commandstats counts commands run by scripts).
 */
export function validationCalls(d: RedisDelta): number {
  return callsOf(d, ['hmget']);
}
