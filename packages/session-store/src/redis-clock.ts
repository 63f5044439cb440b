import type { Cluster, Redis } from 'ioredis';

/**
 * The caller's deadline in the Redis server's clock, for scripts that change state (create, failure
 * counting, revocations): a script that finds Redis TIME past it does nothing. Without it, a command
 * the client gave up on (Redis frozen, the caller already answered 503) stays in the socket and runs
 * when Redis comes back: a session nobody received, a failed login counted twice.
 *
 * Application and Redis clocks differ, so the offset between them is learned: from one TIME at first
 * use, then from every reply that carries Redis time, keeping the samples of the quickest round trips
 * (the midpoint of a round trip is the best estimate of when Redis read its clock).
 */
export class RedisClock {
  private offsetMs: number | undefined;
  private bestRoundTripMs = Number.POSITIVE_INFINITY;
  private syncing: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis | Cluster,
    /** How long the caller waits for a command (the shorter of the store's and the client's timeouts). */
    readonly budgetMs: number,
  ) {}

  /** The deadline of a command sent at `sentAtMs` (local clock), in Redis ms; 0 when not known yet. */
  deadline(sentAtMs: number): number {
    return this.offsetMs === undefined ? 0 : Math.ceil(sentAtMs + this.budgetMs + this.offsetMs);
  }

  /** Learns the offset once, if no reply has taught it yet (one TIME; errors leave it unknown). */
  sync(): Promise<void> {
    if (this.offsetMs !== undefined) return Promise.resolve();
    this.syncing ??= (async () => {
      const sentAt = Date.now();
      const [seconds, micros] = await this.redis.time();
      this.observe(Number(seconds) * 1000 + Math.floor(Number(micros) / 1000), sentAt, Date.now());
    })()
      .catch(() => undefined)
      .finally(() => {
        this.syncing = undefined;
      });
    return this.syncing;
  }

  /** A reply said Redis time was `redisNowMs` for a command sent and answered at these local times. */
  observe(redisNowMs: number, sentAtMs: number, receivedAtMs: number): void {
    const roundTrip = Math.max(0, receivedAtMs - sentAtMs);
    // A slow round trip (a queue, a pause) says little about the clocks: keep the quick ones, and let
    // the bar rise slowly so that a lasting change of the network still gets through.
    if (this.offsetMs !== undefined && roundTrip > this.bestRoundTripMs * 2 + 2) {
      this.bestRoundTripMs *= 1.05;
      return;
    }
    this.bestRoundTripMs = Math.min(this.bestRoundTripMs, roundTrip);
    this.offsetMs = redisNowMs - (sentAtMs + receivedAtMs) / 2;
  }
}

/** The command timeout an ioredis client was built with (undefined: none). */
export function commandTimeoutOf(redis: Redis | Cluster): number | undefined {
  const options = redis.options as { commandTimeout?: number; redisOptions?: { commandTimeout?: number } };
  return options.commandTimeout ?? options.redisOptions?.commandTimeout;
}
