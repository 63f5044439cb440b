import { z } from 'zod';
import { envHostPorts, type HostPort } from './host-port';
import { envReadableFile } from './readable-file';

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
 * them with this one definition, so names, defaults and limits cannot drift apart. The rules across
 * them are `sessionStoreProblems` (redis-rules.ts); the secrets among them `SESSION_STORE_SECRETS`.
 */
export const sessionStoreEnv = {
  REDIS_URL: z
    .string()
    .trim()
    .default('redis://127.0.0.1:6379')
    .pipe(z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })),
  REDIS_CLUSTER_NODES: envHostPorts.optional(),
  REDIS_SENTINELS: envHostPorts.optional(),
  // Sentinel accepts almost any name; these characters cover real deployments and never need quoting.
  REDIS_SENTINEL_MASTER: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9:_.-]{1,128}$/, 'use 1-128 of A-Z a-z 0-9 : _ . -')
    .optional(),
  REDIS_SENTINEL_USERNAME: z
    .string()
    .trim()
    .regex(/^[^\s]{1,256}$/, 'must be 1-256 characters without spaces')
    .optional(),
  // A secret (may come from REDIS_SENTINEL_PASSWORD_FILE): used as is, never trimmed or printed.
  REDIS_SENTINEL_PASSWORD: z.string().max(4096, 'must be at most 4096 characters').optional(),
  REDIS_TLS_CA_FILE: envReadableFile.optional(),
  REDIS_TLS_CERT_FILE: envReadableFile.optional(),
  REDIS_TLS_KEY_FILE: envReadableFile.optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'use 1-64 of A-Z a-z 0-9 : _ . -')
    .default('sessiond'),
  SESSION_STORE_BUCKETS: envInt(1, 1296).default(64),
  SESSION_STORE_INDEX_SHARDS: envInt(1, 1024).default(32),
};

/** Redis Sentinel: where the Sentinels are, the master's name, and the Sentinels' own credentials. */
export interface RedisSentinelSettings {
  readonly sentinels: readonly HostPort[];
  readonly masterName: string;
  readonly username: string | undefined;
  readonly password: string | undefined;
}

/** PEM files for `rediss://`: a private CA, and a client certificate when Redis asks for one. */
export interface RedisTlsFiles {
  readonly caFile: string | undefined;
  readonly certFile: string | undefined;
  readonly keyFile: string | undefined;
}

/** The session store settings both apps build from `sessionStoreEnv`, in the one shape they share. */
export interface SessionStoreSettings {
  /** Credentials, database and `rediss:` always; host and port unless Sentinel or Cluster is used. */
  readonly url: string;
  readonly clusterNodes: readonly HostPort[] | undefined;
  readonly sentinel: RedisSentinelSettings | undefined;
  /** Undefined: Node's default CAs and no client certificate (when the URL is `rediss://`). */
  readonly tls: RedisTlsFiles | undefined;
  /** Names every store key (and the sweeper's BullMQ hash tag): the same in both apps. */
  readonly keyPrefix: string;
  readonly buckets: number;
  readonly indexShards: number;
}

export function sessionStoreSettings(e: {
  readonly REDIS_URL: string;
  readonly REDIS_CLUSTER_NODES?: readonly HostPort[] | undefined;
  readonly REDIS_SENTINELS?: readonly HostPort[] | undefined;
  readonly REDIS_SENTINEL_MASTER?: string | undefined;
  readonly REDIS_SENTINEL_USERNAME?: string | undefined;
  readonly REDIS_SENTINEL_PASSWORD?: string | undefined;
  readonly REDIS_TLS_CA_FILE?: string | undefined;
  readonly REDIS_TLS_CERT_FILE?: string | undefined;
  readonly REDIS_TLS_KEY_FILE?: string | undefined;
  readonly REDIS_KEY_PREFIX: string;
  readonly SESSION_STORE_BUCKETS: number;
  readonly SESSION_STORE_INDEX_SHARDS: number;
}): SessionStoreSettings {
  const tlsFiles = [e.REDIS_TLS_CA_FILE, e.REDIS_TLS_CERT_FILE, e.REDIS_TLS_KEY_FILE];
  return {
    url: e.REDIS_URL,
    clusterNodes: e.REDIS_CLUSTER_NODES,
    // sessionStoreProblems refuses REDIS_SENTINELS without REDIS_SENTINEL_MASTER (and the reverse).
    sentinel:
      e.REDIS_SENTINELS !== undefined && e.REDIS_SENTINEL_MASTER !== undefined
        ? {
            sentinels: e.REDIS_SENTINELS,
            masterName: e.REDIS_SENTINEL_MASTER,
            username: e.REDIS_SENTINEL_USERNAME,
            password: e.REDIS_SENTINEL_PASSWORD,
          }
        : undefined,
    tls: tlsFiles.some((file) => file !== undefined)
      ? { caFile: e.REDIS_TLS_CA_FILE, certFile: e.REDIS_TLS_CERT_FILE, keyFile: e.REDIS_TLS_KEY_FILE }
      : undefined,
    keyPrefix: e.REDIS_KEY_PREFIX,
    buckets: e.SESSION_STORE_BUCKETS,
    indexShards: e.SESSION_STORE_INDEX_SHARDS,
  };
}
