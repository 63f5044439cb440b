import type { RedisServer } from './redis-server';
import { aclArgs, tlsServerArgs, type RedisUser } from './secure-redis';
import type { TestCertificates } from './tls-certificates';

/**
 * The least a client of the Sentinels needs (ioredis: SENTINEL get-master-addr-by-name and
 * sentinels, SUBSCRIBE to +switch-master for its failover detector): the README's example.
 */
export const SENTINEL_CLIENT_ACL =
  'resetchannels &+switch-master -@all +ping +subscribe +sentinel|get-master-addr-by-name +sentinel|sentinels';

/**
 * redis-server arguments of a data node of a Sentinel deployment: `user` for clients, replication
 * and the Sentinels; quick replication timeouts; TLS everywhere with certificates.
 */
export function dataNodeArgs(
  port: number,
  user: RedisUser,
  options: {
    readonly replTimeoutS: number;
    readonly certificates: TestCertificates | undefined;
    readonly replicaOf: RedisServer | undefined;
  },
): string[] {
  const { certificates, replicaOf } = options;
  return [
    ...aclArgs(user),
    '--masteruser',
    user.username,
    '--masterauth',
    user.password,
    '--repl-timeout',
    String(options.replTimeoutS),
    '--repl-ping-replica-period',
    '1',
    // A replica that (re)joins is sent the data at once, not after the default 5 s gathering delay.
    '--repl-diskless-sync-delay',
    '0',
    ...(certificates !== undefined ? [...tlsServerArgs(port, certificates), '--tls-replication', 'yes'] : []),
    ...(replicaOf !== undefined ? ['--replicaof', replicaOf.host, String(replicaOf.port)] : []),
  ];
}

export interface SentinelConfigOptions {
  readonly masterName: string;
  readonly master: RedisServer;
  readonly quorum: number;
  /** The data nodes' user, which the Sentinels log in as. */
  readonly user: RedisUser;
  readonly sentinelPassword: string | undefined;
  readonly sentinelUser: RedisUser | undefined;
  readonly downAfterMs: number;
  readonly failoverTimeoutMs: number;
  readonly certificates: TestCertificates | undefined;
}

/** The lines of a Sentinel's configuration (SentinelProcess adds port, bind, dir and logfile). */
export function sentinelConfig(port: number, options: SentinelConfigOptions): string[] {
  const { masterName, master, user, certificates, sentinelPassword, sentinelUser } = options;
  return [
    ...(certificates !== undefined
      ? [
          'port 0',
          `tls-port ${port}`,
          `tls-cert-file ${certificates.serverCertFile}`,
          `tls-key-file ${certificates.serverKeyFile}`,
          `tls-ca-cert-file ${certificates.caFile}`,
          'tls-auth-clients no',
          'tls-replication yes',
        ]
      : []),
    ...(sentinelPassword !== undefined
      ? [`requirepass ${quoted(sentinelPassword)}`, `sentinel sentinel-pass ${quoted(sentinelPassword)}`]
      : []),
    ...(sentinelUser !== undefined
      ? [`user ${sentinelUser.username} on ${quoted(`>${sentinelUser.password}`)} ${SENTINEL_CLIENT_ACL}`]
      : []),
    `sentinel monitor ${masterName} ${master.host} ${master.port} ${options.quorum}`,
    `sentinel auth-user ${masterName} ${quoted(user.username)}`,
    `sentinel auth-pass ${masterName} ${quoted(user.password)}`,
    `sentinel down-after-milliseconds ${masterName} ${options.downAfterMs}`,
    `sentinel failover-timeout ${masterName} ${options.failoverTimeoutMs}`,
  ];
}

/** A value for a redis.conf line: double-quoted, so spaces and `#` stay part of it. */
function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
