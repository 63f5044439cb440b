import type { SessionStore } from '@sessiond/session-store';

// The ioredis clients, named through @sessiond/session-store (this package has no dependency of its
// own on ioredis, and loads it only through the store).

/** A single-node (or Sentinel) client, or a Redis Cluster client: what a SessionStore takes. */
export type RedisClient = ConstructorParameters<typeof SessionStore>[0];
/** A Redis Cluster client (the one with `nodes()`). */
export type RedisClusterClient = Extract<RedisClient, { nodes: unknown }>;
/** A client of one node. */
export type RedisNodeClient = Exclude<RedisClient, { nodes: unknown }>;
