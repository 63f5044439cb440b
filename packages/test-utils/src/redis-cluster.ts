import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findBinary } from './binaries';
import { RedisServer } from './redis-server';
import { waitFor } from './wait';

const run = promisify(execFile);

export interface ClusterNode {
  readonly host: string;
  readonly port: number;
}

/**
 * A real Redis Cluster on loopback: `masters` redis-server processes with cluster mode on, joined by
 * `redis-cli --cluster create` (no replicas), ready when every node reports `cluster_state:ok`.
 */
export class RedisCluster {
  private constructor(readonly servers: readonly RedisServer[]) {}

  static async start({ masters = 3 } = {}): Promise<RedisCluster> {
    const cli = findBinary('redis-cli');
    const servers: RedisServer[] = [];
    try {
      for (let i = 0; i < masters; i += 1) {
        servers.push(
          await RedisServer.start({
            extraArgs: ['--cluster-enabled', 'yes', '--cluster-node-timeout', '2000'],
          }),
        );
      }
      await run(cli, [
        '--cluster',
        'create',
        ...servers.map((s) => `${s.host}:${s.port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ]);
      await waitFor(
        async () => {
          const states = await Promise.all(
            servers.map((s) => run(cli, ['-h', s.host, '-p', String(s.port), 'cluster', 'info'])),
          );
          return states.every(({ stdout }) => stdout.includes('cluster_state:ok'));
        },
        { timeoutMs: 20_000, intervalMs: 100, message: 'the Redis Cluster to report cluster_state:ok' },
      );
      return new RedisCluster(servers);
    } catch (error) {
      await Promise.all(servers.map((s) => s.destroy()));
      throw error;
    }
  }

  get nodes(): ClusterNode[] {
    return this.servers.map(({ host, port }) => ({ host, port }));
  }

  async destroy(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.destroy()));
  }
}
