import { RedisTimeBounds, timeReplyMs } from '@sessiond/session-store';
import type { RedisNodeClient } from './redis-types';

/**
 * Where Redis sends invalidations for a client in RESP2 that asked for REDIRECT (ioredis speaks only
 * RESP2): a Pub/Sub message on this channel whose payload is an array of keys, or nil when the whole
 * database was flushed. https://redis.io/docs/latest/develop/reference/client-side-caching/
 */
export const INVALIDATION_CHANNEL = '__redis__:invalidate';

/** CLIENT LIST names of the two connections (for operators, and for tests that kill them). */
export const CONNECTION_NAMES = {
  subscriber: 'sessiond-client-invalidations',
  tracking: 'sessiond-client-tracking',
} as const;

export interface PairHandlers {
  /** Keys written on this node (null: everything, the database was flushed). */
  invalidate(keys: readonly Buffer[] | null): void;
  /** The pair is gone (a connection closed or failed, a heartbeat failed); called at most once. */
  down(error: Error): void;
}

/** Both connections of one pair are closed and never reconnect by themselves: the feed builds a new pair. */
const PAIR_CONNECTION = {
  lazyConnect: true,
  retryStrategy: (): null => null,
  autoResubscribe: false,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
} as const;

/**
 * One node's invalidations: a subscriber connection on INVALIDATION_CHANNEL, and a tracking
 * connection that asked `CLIENT TRACKING ON REDIRECT <subscriber id> BCAST PREFIX …`. In broadcast
 * mode Redis reports every write under the prefixes, by anyone (scripts included), whatever connection
 * read the key: so the store keeps its own connection, and no per-key table grows in Redis.
 * `heartbeat()` pings both; a PING answered on the subscriber also proves that every invalidation
 * Redis queued before it has arrived.
 */
export class TrackingPair {
  readonly clock = new RedisTimeBounds();
  private closed = false;
  private opened = false;

  private constructor(
    private readonly subscriber: RedisNodeClient,
    private readonly tracking: RedisNodeClient,
    private readonly handlers: PairHandlers,
  ) {}

  /** Opens both connections and turns tracking on; rejects (leaving nothing open) if any step fails. */
  static async open(
    template: RedisNodeClient,
    prefixes: readonly string[],
    handlers: PairHandlers,
  ): Promise<TrackingPair> {
    const pair = new TrackingPair(
      template.duplicate({ ...PAIR_CONNECTION, connectionName: CONNECTION_NAMES.subscriber }),
      template.duplicate({ ...PAIR_CONNECTION, connectionName: CONNECTION_NAMES.tracking }),
      handlers,
    );
    try {
      await pair.start(prefixes);
      return pair;
    } catch (error) {
      pair.close();
      throw error;
    }
  }

  /** host:port the tracking connection reached (for a Sentinel client: the master it was given). */
  get address(): string | undefined {
    const { remoteAddress, remotePort } = this.tracking.stream ?? {};
    return remoteAddress === undefined ? undefined : `${remoteAddress}:${remotePort}`;
  }

  /** PING on the subscriber and TIME on the tracking connection; a failure takes the pair down. */
  async heartbeat(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no heartbeat within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([Promise.all([this.subscriber.ping(), this.sampleTime()]), timeout]);
    } catch (error) {
      this.fail(error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes both connections without reporting down. */
  close(): void {
    this.closed = true;
    this.subscriber.disconnect();
    this.tracking.disconnect();
  }

  private async start(prefixes: readonly string[]): Promise<void> {
    for (const connection of [this.subscriber, this.tracking]) {
      connection.on('error', (error: Error) => this.fail(error));
      connection.on('close', () => this.fail(new Error('a client-side caching connection closed')));
    }
    this.subscriber.on('messageBuffer', (channel: Buffer, message: unknown) => {
      if (channel.toString() !== INVALIDATION_CHANNEL) return;
      // Anything but an array of keys (nil after FLUSHALL, or a stray PUBLISH) drops everything.
      this.handlers.invalidate(Array.isArray(message) ? (message as Buffer[]) : null);
    });
    await Promise.all([this.subscriber.connect(), this.tracking.connect()]);
    // CLIENT ID before SUBSCRIBE: a RESP2 connection in subscriber mode takes no other command.
    const id = String(await this.subscriber.call('CLIENT', 'ID'));
    await this.subscriber.subscribe(INVALIDATION_CHANNEL);
    const prefixArgs = prefixes.flatMap((prefix) => ['PREFIX', prefix]);
    await this.tracking.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', id, 'BCAST', ...prefixArgs);
    await this.sampleTime();
    this.opened = true;
  }

  private async sampleTime(): Promise<void> {
    const sentAt = Date.now();
    const reply = await this.tracking.time();
    this.clock.sample(timeReplyMs(reply), sentAt, Date.now());
  }

  private fail(error: unknown): void {
    if (this.closed) return;
    const wasOpen = this.opened;
    this.close();
    if (wasOpen) this.handlers.down(error instanceof Error ? error : new Error(String(error)));
  }
}
