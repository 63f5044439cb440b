import { waitFor } from './wait';

/** Anything that sends Redis's TIME: a Redis or Cluster client of ioredis. */
export interface RedisClock {
  time(): Promise<readonly unknown[]>;
}

/** Redis's clock in epoch milliseconds: the clock the store's scripts judge deadlines by. */
export async function redisTimeMs(client: RedisClock): Promise<number> {
  const [seconds, micros] = await client.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/**
 * Waits until Redis's clock reads later than `atMs`: a deadline a test lets pass is then past for
 * every script that runs afterwards, however late the test's own timers fire on a loaded machine.
 * Strictly later, because Redis treats a key as expired only once its clock is past the expiry
 * time (`now > when`): at the very millisecond a key with that expiry still exists.
 * Rejects after `timeoutMs` of waiting beyond `atMs` (the whole wait is bounded, never a hang).
 */
export async function untilRedisTime(
  client: RedisClock,
  atMs: number,
  { timeoutMs = 10_000, message = `Redis time ${atMs}` } = {},
): Promise<number> {
  let now = await redisTimeMs(client);
  await waitFor(
    async () => {
      now = await redisTimeMs(client);
      return now > atMs;
    },
    { timeoutMs: Math.max(0, atMs - now) + timeoutMs, intervalMs: 10, message },
  );
  return now;
}
