import { Redis } from 'ioredis';
import { parseInfo } from '@sessiond/test-utils';

/**
 * An admin connection to one Redis node, apart from the code under test: counts the commands the
 * server ran (INFO commandstats, no MONITOR) and kills connections by their CLIENT LIST name.
 */
export class NodeAdmin {
  private constructor(private readonly redis: Redis) {}

  static async connect(host: string, port: number): Promise<NodeAdmin> {
    const redis = new Redis({ host, port, lazyConnect: true, connectionName: 'test-admin' });
    await redis.connect();
    return new NodeAdmin(redis);
  }

  /** Calls of each command since the server started, INFO (this count itself) left out. */
  async calls(): Promise<Map<string, number>> {
    const stats = parseInfo(await this.redis.info('commandstats'));
    const calls = new Map<string, number>();
    for (const [field, value] of Object.entries(stats)) {
      const name = /^cmdstat_(.+)$/.exec(field)?.[1];
      const count = /(?:^|,)calls=(\d+)/.exec(value)?.[1];
      if (name !== undefined && count !== undefined && name !== 'info') calls.set(name, Number(count));
    }
    return calls;
  }

  /** All commands run, INFO left out. */
  async totalCalls(): Promise<number> {
    let total = 0;
    for (const count of (await this.calls()).values()) total += count;
    return total;
  }

  /**
   * Validations that reached Redis. A validation is the store's script or, for a session the store
   * may read without it, a plain HMGET (session-store/src/validation-hints.ts); the script runs one
   * HMGET itself, and commandstats counts commands run by scripts too: one HMGET per validation.
   */
  async validationCalls(): Promise<number> {
    return (await this.calls()).get('hmget') ?? 0;
  }

  /** Kills the connections named `name` (CLIENT KILL ID); returns how many. */
  async kill(name: string): Promise<number> {
    const list = String(await this.redis.call('CLIENT', 'LIST'));
    const ids = list
      .split('\n')
      .filter((line) => line.includes(` name=${name} `))
      .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1])
      .filter((id): id is string => id !== undefined);
    for (const id of ids) await this.redis.call('CLIENT', 'KILL', 'ID', id);
    return ids.length;
  }

  close(): void {
    this.redis.disconnect();
  }
}
