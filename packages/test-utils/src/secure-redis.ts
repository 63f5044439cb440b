import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { freePort } from './free-port';
import { pingWith, redisCommand, type RedisAccess } from './redis-probe';
import { RedisServer } from './redis-server';
import type { TestCertificates } from './tls-certificates';

/** An ACL user of the data nodes. */
export interface RedisUser {
  readonly username: string;
  readonly password: string;
  /** Its ACL rules after the password (default ALL_PERMISSIONS). */
  readonly rules?: string;
}

/** Every key, channel and command. */
export const ALL_PERMISSIONS = '~* &* +@all';

/**
 * The README's example of what sessiond's user needs with REDIS_KEY_PREFIX=`prefix`: its keys, the
 * sweeper's BullMQ keys, no channels, every command but the dangerous ones except INFO (the ready
 * checks of ioredis and BullMQ).
 */
export function sessiondPermissions(prefix: string): string {
  return `~${prefix}:* ~{${prefix}:sweeper}:* resetchannels +@all -@dangerous +info`;
}

export interface SecureRedisOptions {
  /** Serve TLS only (no plain port) with these certificates; plain TCP when omitted. */
  readonly certificates?: TestCertificates;
  /** `tls-auth-clients`: whether clients must show a certificate of the CA (default false). */
  readonly requireClientCertificate?: boolean;
  /**
   * The ACL user clients log in as; the default user is switched off. The test's own checks and
   * administration (`command`) log in as an admin user with every permission.
   */
  readonly user: RedisUser;
  /** Extra redis-server arguments. */
  readonly extraArgs?: readonly string[];
}

/** ACL arguments: the default user off, and each of `users` with its rules. */
export function aclArgs(...users: RedisUser[]): string[] {
  return [
    '--user',
    'default',
    'off',
    ...users.flatMap((user) => [
      '--user',
      user.username,
      'on',
      `>${user.password}`,
      ...(user.rules ?? ALL_PERMISSIONS).split(' '),
    ]),
  ];
}

/** Server-side TLS arguments for `port` (the plain port is closed). */
export function tlsServerArgs(
  port: number,
  certificates: TestCertificates,
  requireClientCertificate = false,
): string[] {
  return [
    '--port',
    '0',
    '--tls-port',
    String(port),
    '--tls-cert-file',
    certificates.serverCertFile,
    '--tls-key-file',
    certificates.serverKeyFile,
    '--tls-ca-cert-file',
    certificates.caFile,
    '--tls-auth-clients',
    requireClientCertificate ? 'yes' : 'no',
  ];
}

/** The TLS options a test's own connection uses to reach a server of `certificates`. */
export function clientTls(certificates: TestCertificates): ConnectionOptions {
  return {
    ca: readFileSync(certificates.caFile),
    cert: readFileSync(certificates.clientCertFile),
    key: readFileSync(certificates.clientKeyFile),
  };
}

/**
 * A real redis-server on 127.0.0.1 with an ACL user (the default user off) and, with certificates,
 * TLS only: what production looks like when Redis is reached over a network.
 */
export class SecureRedis {
  private constructor(
    readonly server: RedisServer,
    readonly user: RedisUser,
    readonly access: RedisAccess,
    private readonly tls: boolean,
  ) {}

  static async start(options: SecureRedisOptions): Promise<SecureRedis> {
    const { certificates, user } = options;
    const admin: RedisUser = { username: 'sessiond-test-admin', password: randomBytes(16).toString('hex') };
    const access: RedisAccess = {
      username: admin.username,
      password: admin.password,
      ...(certificates !== undefined ? { tls: clientTls(certificates) } : {}),
    };
    const port = await freePort();
    const server = await RedisServer.start({
      port,
      extraArgs: [
        ...aclArgs(user, admin),
        ...(certificates !== undefined
          ? tlsServerArgs(port, certificates, options.requireClientCertificate)
          : []),
        ...(options.extraArgs ?? []),
      ],
      ready: pingWith(access),
    });
    return new SecureRedis(server, user, access, certificates !== undefined);
  }

  get host(): string {
    return this.server.host;
  }

  get port(): number {
    return this.server.port;
  }

  /** `rediss://user:password@127.0.0.1:port` (`redis://` without TLS), as the apps' REDIS_URL. */
  get url(): string {
    const { username, password } = this.user;
    const scheme = this.tls ? 'rediss' : 'redis';
    return `${scheme}://${encodeURIComponent(username)}:${encodeURIComponent(password)}@${this.host}:${this.port}`;
  }

  /** One command as the admin user (every permission), on a connection of its own. */
  command(...command: (string | number)[]): Promise<unknown> {
    return redisCommand(this.host, this.port, this.access, command);
  }

  destroy(): Promise<void> {
    return this.server.destroy();
  }
}
