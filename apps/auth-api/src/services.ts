import type { Cluster, Redis } from 'ioredis';
import { createRedisClient, SessionStore } from '@sessiond/session-store';
import { Accounting } from './aaa/accounting';
import { AaaChain } from './aaa/chain';
import { LocalMethod } from './aaa/local-method';
import { LocalUsers } from './aaa/local-users';
import { TacacsMethod } from './aaa/tacacs-method';
import type { AppDeps } from './app';
import { IntrospectionClients } from './auth/introspection-clients';
import { LoginThrottle } from './auth/login-throttle';
import type { Config } from './config';
import type { Logger } from './logger';
import { createMetrics } from './metrics';

export interface Services extends AppDeps {
  readonly redis: Redis | Cluster;
  readonly tacacs: TacacsMethod | undefined;
  readonly localUsers: LocalUsers | undefined;
  readonly lifecycle: { draining: boolean };
  /** Closes TACACS+ connections, the users-file watcher and Redis. */
  close(): Promise<void>;
}

/** Builds everything the app needs from the configuration (main.ts and the tests share it). */
export async function createServices(config: Config, logger: Logger): Promise<Services> {
  const redis = createRedisClient({
    url: config.redis.url,
    ...(config.redis.clusterNodes !== undefined ? { clusterNodes: config.redis.clusterNodes } : {}),
    connectionName: 'sessiond-auth-api',
  });
  let lastRedisError = 0;
  redis.on('error', (error: Error) => {
    if (Date.now() - lastRedisError > 5000) logger.warn({ error: error.message }, 'redis connection error');
    lastRedisError = Date.now();
  });
  const store = new SessionStore(redis, {
    keyPrefix: config.redis.keyPrefix,
    buckets: config.redis.buckets,
    indexShards: config.redis.indexShards,
  });
  const metrics = createMetrics(() => store.countSessions());
  const tacacs =
    config.aaa.methods.includes('tacacs') || config.tacacs.accounting
      ? new TacacsMethod(config, metrics)
      : undefined;
  const localUsers =
    config.localUsersFile !== undefined ? await LocalUsers.open(config.localUsersFile, logger) : undefined;
  if (config.aaa.methods.includes('local') && localUsers === undefined) {
    logger.warn('AAA_METHODS lists local but LOCAL_USERS_FILE is not set: the local method is skipped');
  }
  const aaa = new AaaChain(
    config.aaa.methods.map((m) =>
      m === 'tacacs' && tacacs !== undefined
        ? tacacs
        : new LocalMethod(localUsers, config.localHashConcurrency),
    ),
  );
  const accounting = new Accounting(
    config.tacacs.accounting ? tacacs?.client : undefined,
    config.aaa.deadlineMs,
    logger,
    metrics,
  );
  const introspectionClients =
    config.introspectionClientsFile !== undefined
      ? await IntrospectionClients.load(config.introspectionClientsFile)
      : IntrospectionClients.none();
  const throttle = new LoginThrottle(store, {
    maxFailures: config.loginThrottle.maxFailures,
    windowMs: config.loginThrottle.windowS * 1000,
  });
  return {
    config,
    redis,
    store,
    metrics,
    tacacs,
    localUsers,
    aaa,
    accounting,
    introspectionClients,
    throttle,
    logger,
    lifecycle: { draining: false },
    async close() {
      await aaa.close();
      if (tacacs !== undefined && !config.aaa.methods.includes('tacacs')) await tacacs.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
