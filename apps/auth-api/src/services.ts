import type { Cluster, Redis } from 'ioredis';
import { createRedisClient, SessionStore } from '@sessiond/session-store';
import { Accounting } from './aaa/accounting';
import { AaaChain } from './aaa/chain';
import { AAA_METHODS, type AaaMethodKey } from './aaa/registry';
import { TacacsMethod } from './aaa/tacacs/tacacs-method';
import type { AaaMethod } from './aaa/types';
import type { AppDeps } from './app';
import { FailureThrottle } from './auth/failure-throttle';
import { IntrospectionClients } from './auth/introspection-clients';
import { LoginThrottle, type AddressLimits } from './auth/login-throttle';
import type { Config } from './config';
import { ConfigError } from './config-error';
import type { Logger } from './logger';
import { createMetrics } from './metrics';
import { RefusalLog } from './stats/refusal-log';

export interface Services extends AppDeps {
  readonly redis: Redis | Cluster;
  /** Every AAA method in use, by key (the chain holds the listed ones, in AAA_METHODS order). */
  readonly methods: ReadonlyMap<AaaMethodKey, AaaMethod>;
  readonly lifecycle: { draining: boolean };
  /** Closes AAA connections, the users-file watcher and Redis. */
  close(): Promise<void>;
}

/** Builds everything the app needs from the configuration (main.ts and the tests share it). */
export async function createServices(config: Config, logger: Logger): Promise<Services> {
  const target = {
    url: config.redis.url,
    clusterNodes: config.redis.clusterNodes,
    sentinel: config.redis.sentinel,
    tls: config.redis.tls,
  };
  // Many requests validate at once: their scripts go out in one write per event-loop turn, which
  // saves a system call per request here and in Redis (bench/results/profile.md).
  const redis = createRedisClient({ ...target, connectionName: 'sessiond-auth-api', batchWrites: true });
  // REDIS_WAIT_REPLICAS: the changes that WAIT get a connection of their own (WAIT blocks the
  // connection it is sent on), whose command timeout exceeds the WAIT's.
  const waitRedis =
    config.redisWait === undefined
      ? undefined
      : createRedisClient({
          ...target,
          connectionName: 'sessiond-auth-api-wait',
          commandTimeoutMs: 500 + config.redisWait.timeoutMs,
        });
  let lastRedisError = 0;
  const onRedisError = (error: Error): void => {
    if (Date.now() - lastRedisError > 5000) logger.warn({ error: error.message }, 'redis connection error');
    lastRedisError = Date.now();
  };
  redis.on('error', onRedisError);
  waitRedis?.on('error', onRedisError);
  const store = new SessionStore(redis, {
    keyPrefix: config.redis.keyPrefix,
    buckets: config.redis.buckets,
    indexShards: config.redis.indexShards,
    userTagKey: config.userTagSecret,
    ...(config.redisWait !== undefined && waitRedis !== undefined
      ? { replication: { ...config.redisWait, connection: waitRedis } }
      : {}),
  });
  const introspectionClients =
    config.introspectionClientsFile !== undefined
      ? await IntrospectionClients.open(config.introspectionClientsFile, logger).catch((error: unknown) => {
          throw new ConfigError([`INTROSPECTION_CLIENTS_FILE: ${(error as Error).message}`]);
        })
      : IntrospectionClients.none();
  const methods = new Map<AaaMethodKey, AaaMethod>();
  const metrics = createMetrics(
    () => store.countSessions(),
    () =>
      [...methods.values()].flatMap((method) =>
        method.states().map(({ source, state }) => ({ method: method.name, source, state })),
      ),
  );
  try {
    for (const definition of AAA_METHODS) {
      const settings = config.aaa.settings[definition.key];
      if (settings === undefined) continue;
      // The registry pairs each key with its own settings type; TypeScript cannot follow that here.
      const create = definition.create.bind(definition) as (
        s: typeof settings,
        c: unknown,
      ) => Promise<AaaMethod>;
      methods.set(definition.key, await create(settings, { logger, metrics }));
    }
  } catch (error) {
    await Promise.all([...methods.values()].map((m) => m.close()));
    introspectionClients.close();
    redis.disconnect();
    waitRedis?.disconnect();
    throw error;
  }
  const aaa = new AaaChain(
    config.aaa.methods.flatMap((key) => {
      const method = methods.get(key);
      return method === undefined ? [] : [method];
    }),
    logger,
  );
  const tacacs = methods.get('tacacs');
  const tacacsSettings = config.aaa.settings.tacacs;
  const accounting = new Accounting(
    tacacs instanceof TacacsMethod && tacacsSettings?.accounting === true ? tacacs.client : undefined,
    config.aaa.deadlineMs,
    tacacsSettings?.portName ?? '',
    logger,
    metrics,
  );
  const throttle = new LoginThrottle(store, {
    maxFailures: config.loginThrottle.maxFailures,
    windowMs: config.loginThrottle.windowS * 1000,
  });
  const perAddress = {
    maxFailures: config.loginThrottle.maxFailuresPerAddress,
    windowMs: config.loginThrottle.windowS * 1000,
  };
  const addressLimits: AddressLimits = {
    login: new FailureThrottle(store, 'address', perAddress, metrics),
    fallback: new FailureThrottle(store, 'address-fallback', perAddress, metrics),
  };
  // One instance for every route where services authenticate, so they share what it remembers.
  const clientThrottle = new FailureThrottle(
    store,
    'client',
    {
      maxFailures: config.introspectionThrottle.maxFailures,
      windowMs: config.introspectionThrottle.windowS * 1000,
    },
    metrics,
  );
  return {
    config,
    redis,
    store,
    metrics,
    methods,
    aaa,
    accounting,
    introspectionClients,
    throttle,
    addressLimits,
    clientThrottle,
    refusals: new RefusalLog(),
    logger,
    lifecycle: { draining: false },
    async close() {
      // Every method in use, listed in the chain or not (TACACS+ for accounting only).
      await Promise.all([...methods.values()].map((m) => m.close()));
      introspectionClients.close();
      await Promise.all(
        [redis, ...(waitRedis !== undefined ? [waitRedis] : [])].map((client) =>
          client.quit().catch(() => client.disconnect()),
        ),
      );
    },
  };
}
