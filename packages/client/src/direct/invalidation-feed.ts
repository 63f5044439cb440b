import { RedisTimeBounds, currentMaster, redisMode } from '@sessiond/session-store';
import type { RedisClient, RedisClusterClient, RedisNodeClient } from './redis-types';
import { TrackingPair } from './tracking-pair';

export interface FeedHandlers {
  /** Keys written somewhere (null: a database was flushed, everything may be stale). */
  invalidate(keys: readonly Buffer[] | null): void;
  /** Tracking was lost or (re-)established somewhere: everything cached may be stale. */
  reset(): void;
  /** A connection problem, for the application's log (never carries a token). */
  error(error: Error): void;
}

export interface FeedTiming {
  /** How often each pair is pinged; a pair that does not answer within it is down. */
  readonly heartbeatMs: number;
  /** Upper bound of the back-off between attempts to re-establish a pair. */
  readonly maxRetryDelayMs: number;
}

interface Slot {
  readonly template: RedisNodeClient;
  pair: TrackingPair | undefined;
  opening: boolean;
  attempt: number;
  timer: NodeJS.Timeout | undefined;
}

const CLUSTER_EVENTS = ['ready', 'refresh', '+node', '-node'] as const;

/**
 * Keeps one TrackingPair per Redis master the store writes to (one node, the master Sentinels name,
 * or every master of a Redis Cluster) and says whether the cache may be used: `live` only while every
 * master has a working pair (and, under Sentinel, the pair sits on the store's current master). Any
 * loss resets (the cache is dropped whole); a lost pair is rebuilt with back-off; a change of the
 * cluster's masters (the node pool's events, which ioredis raises on MOVED before it resends the
 * command, and every heartbeat) resets and rebuilds, so an answer from a master without a pair yet
 * is never cached.
 */
export class InvalidationFeed {
  /** Bounds on Redis time, valid for every master. */
  readonly clock = new RedisTimeBounds();
  private readonly slots = new Map<string, Slot>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly onClusterChange = (): void => this.sync();
  /** The store's client (re)connected: under Sentinel perhaps to a new master, before it reads there. */
  private readonly onClientReady = (): void => this.followMaster();
  private closed = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefixes: readonly string[],
    private readonly timing: FeedTiming,
    private readonly handlers: FeedHandlers,
  ) {
    if (this.cluster !== undefined) {
      for (const event of CLUSTER_EVENTS) this.cluster.on(event, this.onClusterChange);
    } else {
      this.redis.on('ready', this.onClientReady);
    }
    this.heartbeat = setInterval(() => this.beat(), timing.heartbeatMs);
    this.heartbeat.unref();
    this.sync();
  }

  /** Whether answers may be cached and served now. */
  get live(): boolean {
    if (this.closed || this.slots.size === 0 || !this.clock.ready) return false;
    for (const slot of this.slots.values()) {
      if (slot.pair === undefined || !this.onCurrentMaster(slot.pair)) return false;
    }
    return this.cluster === undefined || this.sameMasters();
  }

  close(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    if (this.cluster !== undefined) {
      for (const event of CLUSTER_EVENTS) this.cluster.off(event, this.onClusterChange);
    } else {
      this.redis.off('ready', this.onClientReady);
    }
    for (const slot of this.slots.values()) this.drop(slot);
    this.slots.clear();
  }

  private get cluster(): RedisClusterClient | undefined {
    return redisMode(this.redis) === 'cluster' ? (this.redis as RedisClusterClient) : undefined;
  }

  /** The masters now: the client itself, or the cluster's masters by host:port. */
  private masters(): Map<string, RedisNodeClient> {
    const cluster = this.cluster;
    if (cluster === undefined) return new Map([['', this.redis as RedisNodeClient]]);
    const masters = new Map<string, RedisNodeClient>();
    if (cluster.status !== 'ready') return masters;
    for (const node of cluster.nodes('master'))
      masters.set(`${node.options.host}:${node.options.port}`, node);
    return masters;
  }

  /**
   * Whether the cluster's masters are still those with pairs. Checked before and after every read,
   * because a replica that ioredis turns into a master on MOVED raises no `+node` event.
   */
  private sameMasters(): boolean {
    const masters = this.masters();
    if (masters.size !== this.slots.size) return false;
    for (const key of masters.keys()) if (!this.slots.has(key)) return false;
    return true;
  }

  /** Makes the slots match the masters; any change resets (a new master's writes were not followed). */
  private sync(): void {
    if (this.closed) return;
    const masters = this.masters();
    let changed = false;
    for (const [key, slot] of this.slots) {
      if (masters.has(key)) continue;
      this.drop(slot);
      this.slots.delete(key);
      changed = true;
    }
    for (const [key, template] of masters) {
      if (this.slots.has(key)) continue;
      const slot: Slot = { template, pair: undefined, opening: false, attempt: 0, timer: undefined };
      this.slots.set(key, slot);
      changed = true;
      this.open(slot);
    }
    if (changed) this.changed();
  }

  private open(slot: Slot): void {
    if (this.closed || slot.opening || slot.pair !== undefined) return;
    slot.opening = true;
    slot.timer = undefined;
    TrackingPair.open(slot.template, this.prefixes, {
      invalidate: (keys) => this.handlers.invalidate(keys),
      down: (error) => this.lost(slot, error),
    }).then(
      (pair) => {
        slot.opening = false;
        if (this.closed || !this.isCurrent(slot)) {
          pair.close();
          return;
        }
        slot.pair = pair;
        slot.attempt = 0;
        this.changed();
      },
      (error: unknown) => {
        slot.opening = false;
        slot.attempt += 1;
        // Reported on the 1st, 2nd, 4th, 8th … failure in a row: a refused ACL is not news every second.
        if ((slot.attempt & (slot.attempt - 1)) === 0) this.handlers.error(asError(error));
        this.retry(slot);
      },
    );
  }

  private lost(slot: Slot, error: Error): void {
    slot.pair = undefined;
    this.changed();
    if (this.closed || !this.isCurrent(slot)) return;
    this.handlers.error(error);
    this.retry(slot);
  }

  private retry(slot: Slot): void {
    if (this.closed || !this.isCurrent(slot) || slot.timer !== undefined) return;
    const delay = Math.min(50 * 2 ** Math.min(slot.attempt, 10), this.timing.maxRetryDelayMs);
    slot.timer = setTimeout(() => this.open(slot), delay);
    slot.timer.unref();
  }

  private drop(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.pair?.close();
    slot.pair = undefined;
  }

  private isCurrent(slot: Slot): boolean {
    for (const current of this.slots.values()) if (current === slot) return true;
    return false;
  }

  /** Something changed: drop what is cached, and recompute the clock bounds over the live pairs. */
  private changed(): void {
    const clocks: RedisTimeBounds[] = [];
    for (const slot of this.slots.values()) if (slot.pair !== undefined) clocks.push(slot.pair.clock);
    RedisTimeBounds.widest(clocks, this.clock);
    this.handlers.reset();
  }

  private beat(): void {
    if (this.cluster !== undefined) this.sync();
    this.followMaster();
    for (const slot of this.slots.values()) {
      void slot.pair?.heartbeat(this.timing.heartbeatMs).then(() => this.refreshClock());
    }
  }

  /** Sentinel failed over and the store's client follows the new master: so must the pair. */
  private followMaster(): void {
    for (const slot of this.slots.values()) {
      const pair = slot.pair;
      if (pair === undefined || this.onCurrentMaster(pair)) continue;
      pair.close();
      this.lost(slot, new Error('the Sentinel master changed: following it'));
    }
  }

  /** Under Sentinel: whether the pair and the store's client reach the same master (else true). */
  private onCurrentMaster(pair: TrackingPair): boolean {
    if (redisMode(this.redis) !== 'sentinel') return true;
    const master = currentMaster(this.redis);
    // The store's client is reconnecting: its next master is not known yet; keep the pair.
    if (master === undefined) return true;
    return pair.address === `${master.host}:${master.port}`;
  }

  private refreshClock(): void {
    const clocks: RedisTimeBounds[] = [];
    for (const slot of this.slots.values()) if (slot.pair !== undefined) clocks.push(slot.pair.clock);
    if (clocks.length === this.slots.size) RedisTimeBounds.widest(clocks, this.clock);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
