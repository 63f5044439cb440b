import type { ConnectionOptions } from 'node:tls';
import { Redis } from 'ioredis';

/** How a probe or an admin connection reaches a server that asks for credentials or speaks TLS. */
export interface RedisAccess {
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /** TLS options (CA, client certificate); undefined: plain TCP. */
  readonly tls?: ConnectionOptions | undefined;
}

/**
 * Sends one command to host:port with `access` (AUTH, TLS) on a connection of its own, and closes
 * it: for checks and administration of the servers a test started, never for the code under test.
 * Rejects when the server does not answer within `timeoutMs`.
 */
export async function redisCommand(
  host: string,
  port: number,
  access: RedisAccess,
  command: readonly (string | number)[],
  timeoutMs = 1000,
): Promise<unknown> {
  const [name, ...args] = command;
  const client = new Redis({
    host,
    port,
    ...(access.username !== undefined ? { username: access.username } : {}),
    ...(access.password !== undefined ? { password: access.password } : {}),
    ...(access.tls !== undefined ? { tls: access.tls } : {}),
    lazyConnect: true,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(String(name), ...args.map(String));
  } finally {
    client.disconnect();
  }
}

/** A readiness check for RedisServer's `ready` option: PING answered with PONG, with `access`. */
export function pingWith(access: RedisAccess): (host: string, port: number) => Promise<boolean> {
  return async (host, port) => {
    try {
      return (await redisCommand(host, port, access, ['PING'], 500)) === 'PONG';
    } catch {
      return false;
    }
  };
}
