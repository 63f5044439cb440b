import { z } from 'zod';
import { envHostPorts, type HostPort } from './host-port';

/** An integer variable within [min, max]. */
export function envInt(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^-?\d+$/, `must be an integer from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

/** true / false (also 1 / 0, yes / no, any case). */
export const envBool = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' }))
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * The variables through which auth-api and the sweeper reach the same session store: both read
 * them with this one definition, so names, defaults and limits cannot drift apart.
 */
export const sessionStoreEnv = {
  REDIS_URL: z
    .string()
    .trim()
    .default('redis://127.0.0.1:6379')
    .pipe(z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })),
  REDIS_CLUSTER_NODES: envHostPorts.optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'use 1-64 of A-Z a-z 0-9 : _ . -')
    .default('sessiond'),
  SESSION_STORE_BUCKETS: envInt(1, 1296).default(64),
  SESSION_STORE_INDEX_SHARDS: envInt(1, 1024).default(32),
};

/** The session store settings both apps build from `sessionStoreEnv`, in the one shape they share. */
export interface SessionStoreSettings {
  readonly url: string;
  readonly clusterNodes: readonly HostPort[] | undefined;
  /** Names every store key (and the sweeper's BullMQ hash tag): the same in both apps. */
  readonly keyPrefix: string;
  readonly buckets: number;
  readonly indexShards: number;
}

export function sessionStoreSettings(e: {
  readonly REDIS_URL: string;
  readonly REDIS_CLUSTER_NODES?: readonly HostPort[] | undefined;
  readonly REDIS_KEY_PREFIX: string;
  readonly SESSION_STORE_BUCKETS: number;
  readonly SESSION_STORE_INDEX_SHARDS: number;
}): SessionStoreSettings {
  return {
    url: e.REDIS_URL,
    clusterNodes: e.REDIS_CLUSTER_NODES,
    keyPrefix: e.REDIS_KEY_PREFIX,
    buckets: e.SESSION_STORE_BUCKETS,
    indexShards: e.SESSION_STORE_INDEX_SHARDS,
  };
}
