import { freePort } from './free-port';
import { pairs, parseInfo } from './redis-info';
import { pingWith, redisCommand, type RedisAccess } from './redis-probe';
import { RedisServer } from './redis-server';
import { clientTls, type RedisUser } from './secure-redis';
import { dataNodeArgs, sentinelConfig } from './sentinel-config';
import { SentinelProcess } from './sentinel-process';
import type { TestCertificates } from './tls-certificates';
import { waitFor } from './wait';

export interface RedisSentinelSetOptions {
  /** The name the Sentinels monitor the master as (default `sessiond`). */
  readonly masterName?: string;
  readonly replicas?: number;
  readonly sentinels?: number;
  /** The data nodes' ACL user: clients, replication and the Sentinels all log in as it. */
  readonly user: RedisUser;
  /** `requirepass` of the Sentinels (their default user); none when omitted. */
  readonly sentinelPassword?: string;
  /** An ACL user of the Sentinels besides their default user, with SENTINEL_CLIENT_ACL. */
  readonly sentinelUser?: RedisUser;
  /** A master that does not answer this long is down for a Sentinel (default 1000 ms). */
  readonly downAfterMs?: number;
  /** Sentinel `failover-timeout` (default 3000 ms: a failed attempt is retried after twice that). */
  readonly failoverTimeoutMs?: number;
  /**
   * `repl-timeout` of the data nodes in seconds (default 3, with replicas pinged every second): a
   * frozen replica is dropped by its master after this long.
   */
  readonly replTimeoutS?: number;
  /** TLS everywhere: data nodes, replication, Sentinels (their plain ports closed). */
  readonly certificates?: TestCertificates;
}

/** A node's address as Sentinel names it. */
export interface NodeAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * A real Redis Sentinel deployment on loopback: one master, its replicas and the Sentinels that
 * watch them (`redis-server --sentinel`), with passwords, and with short timeouts so that a
 * failover takes a few seconds. Ready when every Sentinel sees the master, every replica and every
 * other Sentinel. Every wait polls a condition (SENTINEL get-master-addr-by-name, INFO replication).
 */
export class RedisSentinelSet {
  private constructor(
    readonly masterName: string,
    /** Every data node, the initial master first. */
    readonly nodes: readonly RedisServer[],
    readonly sentinels: readonly SentinelProcess[],
    readonly dataAccess: RedisAccess,
    readonly sentinelAccess: RedisAccess,
    private readonly user: RedisUser,
    private readonly tls: boolean,
  ) {}

  static async start(options: RedisSentinelSetOptions): Promise<RedisSentinelSet> {
    const masterName = options.masterName ?? 'sessiond';
    const { user, certificates } = options;
    const tls = certificates !== undefined ? clientTls(certificates) : undefined;
    const dataAccess: RedisAccess = { ...user, ...(tls !== undefined ? { tls } : {}) };
    const sentinelAccess: RedisAccess = {
      ...(options.sentinelPassword !== undefined ? { password: options.sentinelPassword } : {}),
      ...(tls !== undefined ? { tls } : {}),
    };
    const nodes: RedisServer[] = [];
    const sentinels: SentinelProcess[] = [];
    const dataNode = async (replicaOf: RedisServer | undefined): Promise<RedisServer> => {
      const port = await freePort();
      return RedisServer.start({
        port,
        extraArgs: dataNodeArgs(port, user, {
          replTimeoutS: options.replTimeoutS ?? 3,
          certificates,
          replicaOf,
        }),
        ready: pingWith(dataAccess),
      });
    };
    try {
      const master = await dataNode(undefined);
      nodes.push(master);
      for (let i = 0; i < (options.replicas ?? 1); i += 1) nodes.push(await dataNode(master));
      const count = options.sentinels ?? 3;
      for (let i = 0; i < count; i += 1) {
        sentinels.push(
          await SentinelProcess.start(
            (port) =>
              sentinelConfig(port, {
                masterName,
                master,
                quorum: Math.floor(count / 2) + 1,
                user,
                sentinelPassword: options.sentinelPassword,
                sentinelUser: options.sentinelUser,
                downAfterMs: options.downAfterMs ?? 1000,
                failoverTimeoutMs: options.failoverTimeoutMs ?? 3000,
                certificates,
              }),
            sentinelAccess,
          ),
        );
      }
      const set = new RedisSentinelSet(
        masterName,
        nodes,
        sentinels,
        dataAccess,
        sentinelAccess,
        user,
        certificates !== undefined,
      );
      await set.waitForReplicas(master, nodes.length - 1);
      await set.waitUntilWatched();
      return set;
    } catch (error) {
      await Promise.all([...sentinels, ...nodes].map((p) => p.destroy()));
      throw error;
    }
  }

  /** `host:port,…` of the Sentinels, as REDIS_SENTINELS. */
  get sentinelList(): string {
    return this.sentinels.map((s) => s.address).join(',');
  }

  /**
   * The apps' REDIS_URL: the data nodes' user and password, and `rediss:` with TLS. Its host is a
   * name that resolves nowhere: under Sentinel the URL's host and port must not be used.
   */
  get url(): string {
    const { username, password } = this.user;
    return `${this.tls ? 'rediss' : 'redis'}://${encodeURIComponent(username)}:${encodeURIComponent(password)}@sentinel-managed.invalid:6379`;
  }

  /** The data node listening on `port`. */
  node(port: number): RedisServer {
    const node = this.nodes.find((n) => n.port === port);
    if (node === undefined) throw new Error(`no data node on port ${port}`);
    return node;
  }

  /** What one Sentinel answers to SENTINEL get-master-addr-by-name (undefined: no answer). */
  async masterAddress(
    sentinel: SentinelProcess = this.sentinels[0] as SentinelProcess,
  ): Promise<NodeAddress | undefined> {
    const reply = await this.sentinelCommand(
      sentinel,
      'SENTINEL',
      'get-master-addr-by-name',
      this.masterName,
    ).catch(() => undefined);
    if (!Array.isArray(reply) || reply.length !== 2) return undefined;
    return { host: String(reply[0]), port: Number(reply[1]) };
  }

  /**
   * Waits until every running Sentinel names the same master and that node says `role:master`;
   * `accept` narrows which master counts (e.g. "not the one that was killed"). Returns its node.
   */
  async waitForMaster(
    accept: (node: RedisServer) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<RedisServer> {
    let found: RedisServer | undefined;
    await waitFor(
      async () => {
        const answers = await Promise.all(this.sentinels.map((s) => this.masterAddress(s)));
        const ports = new Set(answers.map((a) => a?.port));
        const [port] = ports;
        if (ports.size !== 1 || port === undefined) return false;
        const node = this.node(port);
        if (!node.running || !accept(node)) return false;
        if ((await this.replication(node))['role'] !== 'master') return false;
        found = node;
        return true;
      },
      {
        timeoutMs,
        intervalMs: 50,
        message: `the Sentinels to agree on a master (${this.sentinels.map((s) => s.logTail(2)).join(' || ')})`,
      },
    );
    return found as RedisServer;
  }

  /** One command to one Sentinel, as its default user (administration and checks of a test). */
  sentinelCommand(sentinel: SentinelProcess, ...command: (string | number)[]): Promise<unknown> {
    return redisCommand(sentinel.host, sentinel.port, this.sentinelAccess, command);
  }

  /**
   * Cuts `replica` off its master as a network partition would, with both processes running: its
   * replication password is made wrong and its link closed, so its reconnects are refused and
   * nothing the master writes from now on reaches it (unlike SIGSTOP, where the kernel still
   * buffers the stream for it). Returns once the master no longer counts it.
   */
  async cutReplicationLink(replica: RedisServer): Promise<void> {
    const master = await this.masterOf(replica);
    await this.dataCommand(replica, 'CONFIG', 'SET', 'masterauth', `${this.user.password}-cut-off`);
    await this.dataCommand(replica, 'CLIENT', 'KILL', 'TYPE', 'master');
    await waitFor(
      async () =>
        (await this.replication(replica))['master_link_status'] === 'down' &&
        Number((await this.replication(master))['connected_slaves']) === 0,
      { timeoutMs: 10_000, intervalMs: 20, message: `the replica on port ${replica.port} to be cut off` },
    );
  }

  /** Gives `replica` its replication password back: it links up with whichever master it follows. */
  async restoreReplicationLink(replica: RedisServer): Promise<void> {
    await this.dataCommand(replica, 'CONFIG', 'SET', 'masterauth', this.user.password);
  }

  /**
   * Starts a crashed data node again and makes it a replica of the master the Sentinels name now,
   * as an orchestrator that asks Sentinel does (Sentinel would convert it too, some seconds later).
   * Returns once that master has `count` replicas online.
   */
  async rejoinAsReplica(node: RedisServer, count = 1): Promise<void> {
    const master = await this.waitForMaster((candidate) => candidate !== node);
    await node.resume();
    await this.dataCommand(node, 'REPLICAOF', master.host, master.port);
    await this.waitForReplicas(master, count);
  }

  /** One command to a data node, as the data nodes' ACL user. */
  dataCommand(node: RedisServer, ...command: (string | number)[]): Promise<unknown> {
    return redisCommand(node.host, node.port, this.dataAccess, command);
  }

  /** The data node `replica` replicates from (INFO replication master_port). */
  private async masterOf(replica: RedisServer): Promise<RedisServer> {
    return this.node(Number((await this.replication(replica))['master_port']));
  }

  /** INFO replication of a data node, as name → value. */
  async replication(node: RedisServer): Promise<Record<string, string>> {
    const text = await this.dataCommand(node, 'INFO', 'replication');
    return parseInfo(String(text));
  }

  /** Waits until `master` has `count` replicas online (each connected and streaming). */
  async waitForReplicas(master: RedisServer, count: number, timeoutMs = 30_000): Promise<void> {
    await waitFor(
      async () => {
        const info = await this.replication(master);
        const online = Object.entries(info).filter(
          ([key, value]) => /^slave\d+$/.test(key) && value.includes('state=online'),
        );
        return info['role'] === 'master' && online.length >= count;
      },
      { timeoutMs, intervalMs: 50, message: `${count} replica(s) online on port ${master.port}` },
    );
  }

  /**
   * Waits until every replica `master` has online has caught up with everything the master had
   * written when this was called (their acknowledged offsets reach its offset then).
   */
  async waitUntilReplicated(master?: RedisServer, timeoutMs = 30_000): Promise<void> {
    const node = master ?? (await this.waitForMaster());
    const target = Number((await this.replication(node))['master_repl_offset']);
    await waitFor(
      async () => {
        const replicas = Object.entries(await this.replication(node)).filter(([key]) =>
          /^slave\d+$/.test(key),
        );
        return (
          replicas.length > 0 &&
          replicas.every(([, value]) => Number(/offset=(\d+)/.exec(value)?.[1] ?? -1) >= target)
        );
      },
      { timeoutMs, intervalMs: 20, message: `the replicas of port ${node.port} to reach offset ${target}` },
    );
  }

  /**
   * Waits until every Sentinel sees `count` replicas it could promote: flags exactly `slave` (not
   * s_down, not disconnected), e.g. after a frozen replica was let go on again.
   */
  async waitForHealthyReplicas(count: number, timeoutMs = 30_000): Promise<void> {
    await waitFor(
      async () => {
        const views = await Promise.all(
          this.sentinels.map((s) => this.sentinelCommand(s, 'SENTINEL', 'REPLICAS', this.masterName)),
        );
        return views.every((view) => {
          const replicas = Array.isArray(view) ? view.map(pairs) : [];
          return replicas.filter((r) => r['flags'] === 'slave').length >= count;
        });
      },
      { timeoutMs, intervalMs: 50, message: `every Sentinel to see ${count} healthy replica(s)` },
    );
  }

  /** Waits until every Sentinel sees the current master with all its replicas and every other Sentinel. */
  async waitUntilWatched(timeoutMs = 30_000): Promise<void> {
    await waitFor(
      async () => {
        const views = await Promise.all(
          this.sentinels.map((s) => this.sentinelCommand(s, 'SENTINEL', 'MASTER', this.masterName)),
        );
        return views.every((view) => {
          const fields = pairs(view);
          return (
            fields['flags'] === 'master' &&
            Number(fields['num-slaves']) === this.nodes.length - 1 &&
            Number(fields['num-other-sentinels']) === this.sentinels.length - 1
          );
        });
      },
      {
        timeoutMs,
        intervalMs: 100,
        message: 'every Sentinel to see the master, its replicas and the other Sentinels',
      },
    );
  }

  async destroy(): Promise<void> {
    await Promise.all([...this.sentinels, ...this.nodes].map((p) => p.destroy()));
  }
}
