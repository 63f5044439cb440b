import { formatHostPort } from '@sessiond/env-config';
import { SessionStore, waitUntilReady } from '@sessiond/session-store';
import { TacacsClient, tlsTransportFromFiles } from '@sessiond/tacacs-plus';
import { loadConfig, type SweeperConfig } from './config';
import { ConfigError } from './errors';
import { closeServer, createHttpServer, listen } from './http-server';
import { createEventLog, createLogger } from './logger';
import { createMetrics } from './metrics';
import { STORE_OPERATION_TIMEOUT_MS, createBullConnection, createStoreRedis } from './redis-connections';
import { createSweeper, totalDue } from './sweeper';

const REDIS_READY_TIMEOUT_MS = 30_000;

/** The only wiring: config → clients → sweeper → HTTP → shutdown on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config: SweeperConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`sessiond sweeper: ${error.message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  const events = createEventLog(config.logLevel);
  const storeRedis = createStoreRedis(config.redis);
  storeRedis.on('error', () => undefined); // reconnects on its own; failures surface as StoreUnavailableError
  const bullRedis = createBullConnection(config.redis);
  bullRedis.on('error', (error: Error) => logger.warn({ err: error }, 'bullmq redis connection error'));
  const store = new SessionStore(storeRedis, {
    keyPrefix: config.redis.keyPrefix,
    buckets: config.redis.buckets,
    indexShards: config.redis.indexShards,
    operationTimeoutMs: STORE_OPERATION_TIMEOUT_MS,
  });
  const { sourceAddress, tls } = config.accounting;
  const tacacs = config.accounting.enabled
    ? new TacacsClient({
        servers: config.accounting.servers.map(({ host, port, key }) => ({
          host,
          port,
          ...(tls === undefined ? { key } : {}),
          connectTimeoutMs: config.accounting.timeoutMs,
          readTimeoutMs: config.accounting.timeoutMs,
          singleConnect: config.accounting.singleConnect,
          ...(sourceAddress === undefined ? {} : { localAddress: sourceAddress }),
        })),
        retries: config.accounting.retries,
        // TACACS_TLS=true: RFC 9887 TLS 1.3, no shared key.
        ...(tls !== undefined ? { transport: tlsTransportFromFiles(tls) } : {}),
        onEvent: (event) => {
          if (event.type === 'single-connect-unsupported') {
            // Once per server: accounting keeps working with one connection per record.
            logger.warn(
              { server: event.server, reason: event.reason },
              `TACACS+ server ${event.server} does not keep single-connect connections (${event.reason}): one connection per record`,
            );
            return;
          }
          if (event.type !== 'weak-key') return;
          // event.server is the client's label: host:port, IPv6 in brackets, as formatHostPort writes it.
          const server = config.accounting.servers.find((s) => formatHostPort(s) === event.server);
          logger.warn({ server: event.server }, `${server?.secretVariable ?? 'the TACACS+ key'} is short`);
        },
      })
    : undefined;
  const metrics = createMetrics(() => totalDue(store));
  const sweeper = createSweeper({
    store,
    connection: bullRedis,
    keyPrefix: config.redis.keyPrefix,
    intervalMs: config.sweep.intervalMs,
    concurrency: config.sweep.concurrency,
    batch: config.sweep.batch,
    logger,
    events,
    metrics,
    accounting:
      tacacs === undefined
        ? undefined
        : {
            client: tacacs,
            portName: config.accounting.portName,
            attempts: config.accounting.attempts,
            concurrency: config.accounting.concurrency,
          },
  });
  const server = createHttpServer({ registry: metrics.registry, health: () => sweeper.health() });

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing the current sweep steps');
    const timer = setTimeout(() => {
      events.flush();
      logger.error({ timeout_ms: config.shutdownTimeoutMs }, 'shutdown timed out');
      logger.flush();
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    (async () => {
      await sweeper.close();
      await tacacs?.close();
      await closeServer(server);
      await Promise.allSettled([storeRedis.quit(), bullRedis.quit()]);
    })().then(
      () => {
        events.flush();
        logger.info('stopped');
        logger.flush();
        process.exit(0);
      },
      (error: unknown) => {
        events.flush();
        logger.error({ err: error }, 'shutdown failed');
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  const address = await listen(server, config.http.port, config.http.host);
  await waitUntilReady(storeRedis, REDIS_READY_TIMEOUT_MS);
  await sweeper.start();
  logger.info(
    {
      address: `${address.address}:${address.port}`,
      buckets: config.redis.buckets,
      interval_ms: config.sweep.intervalMs,
      concurrency: config.sweep.concurrency,
      batch: config.sweep.batch,
      accounting: config.accounting.enabled,
    },
    'sessiond sweeper started',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`sessiond sweeper: could not start: ${(error as Error).message}\n`);
  process.exit(1);
});
