import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisSentinelSet, freePort, uniqueKeyPrefix } from '@sessiond/test-utils';
import { AuthApiProcess } from './auth-api-process';
import { TACACS_KEY, USER_COUNT, user } from './stack';
import { TacacsProcess } from './tacacs-process';

const DATA_USER = { username: 'sessiond', password: 'data-node-pw' };
const SENTINEL_PASSWORD = 'sentinel-pw';

/** What `/readyz` on the management listener says about Redis. */
export interface RedisReadiness {
  readonly status: number;
  readonly redis: { readonly status?: string; readonly mode?: string; readonly master?: string | null };
}

/**
 * One master, one replica, three Sentinels (down after 1 s, failover timeout 3 s), the project's
 * TACACS+ server and the built auth-api finding the master through REDIS_SENTINELS, as in production.
 */
export class SentinelStack {
  private readonly others: AuthApiProcess[] = [];

  private constructor(
    readonly dir: string,
    readonly set: RedisSentinelSet,
    readonly tacacs: TacacsProcess,
    readonly api: AuthApiProcess,
    readonly managementPort: number,
  ) {}

  static async start(env: Readonly<Record<string, string>>): Promise<SentinelStack> {
    const dir = mkdtempSync(join(tmpdir(), 'sessiond-faults-sentinel-'));
    const users = Array.from({ length: USER_COUNT }, (_, i) => ({ ...user(i), 'priv-lvl': 15 }));
    writeFileSync(join(dir, 'tacacs-users.json'), JSON.stringify({ users }));
    writeFileSync(join(dir, 'tacacs.key'), `${TACACS_KEY}\n`, { mode: 0o600 });
    const set = await RedisSentinelSet.start({
      user: DATA_USER,
      sentinelPassword: SENTINEL_PASSWORD,
      downAfterMs: 1000,
      failoverTimeoutMs: 3000,
    });
    let tacacs: TacacsProcess | undefined;
    try {
      tacacs = await TacacsProcess.start(join(dir, 'tacacs-users.json'), join(dir, 'tacacs.key'));
      const managementPort = await freePort();
      const api = await AuthApiProcess.start({
        ...apiEnv(set, tacacs),
        MANAGEMENT_PORT: String(managementPort),
        ...env,
      });
      return new SentinelStack(dir, set, tacacs, api, managementPort);
    } catch (error) {
      await tacacs?.kill();
      await set.destroy();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** One more auth-api on the same Redis and TACACS+ server (its own key prefix). */
  async startApi(env: Readonly<Record<string, string>>): Promise<AuthApiProcess> {
    const api = await AuthApiProcess.start({ ...apiEnv(this.set, this.tacacs), ...env });
    this.others.push(api);
    return api;
  }

  /** The management listener's detailed /readyz. */
  async readiness(): Promise<RedisReadiness> {
    const res = await fetch(`http://127.0.0.1:${this.managementPort}/readyz`, {
      signal: AbortSignal.timeout(5000),
    });
    const body = (await res.json()) as { redis?: RedisReadiness['redis'] };
    return { status: res.status, redis: body.redis ?? {} };
  }

  /** Stops everything, whatever state a case left it in (frozen processes are resumed first). */
  async close(): Promise<void> {
    for (const node of this.set.nodes) node.unpause();
    await Promise.all([this.api, ...this.others].map((api) => api.stop()));
    await this.tacacs.kill();
    await this.set.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The auth-api's environment: the Sentinels, the data nodes' credentials, the TACACS+ server. */
function apiEnv(set: RedisSentinelSet, tacacs: TacacsProcess): Record<string, string> {
  return {
    REDIS_URL: set.url,
    REDIS_SENTINELS: set.sentinelList,
    REDIS_SENTINEL_MASTER: set.masterName,
    REDIS_SENTINEL_PASSWORD: SENTINEL_PASSWORD,
    REDIS_KEY_PREFIX: uniqueKeyPrefix('faults'),
    AAA_METHODS: 'tacacs',
    TACACS_SERVERS: tacacs.address,
    TACACS_SECRET: TACACS_KEY,
    SESSION_LIMIT_PER_USER: '0',
  };
}
