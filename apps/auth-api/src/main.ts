import { waitUntilReady } from '@sessiond/session-store';
import { createHandler, createManagementApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger } from './logger';
import { addressOf, drain, listen } from './server';
import { createServices, type Services } from './services';

/** The only wiring: config → services → app → listen → shutdown on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`sessiond auth-api: ${error.message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  let services: Services;
  try {
    services = await createServices(config, logger);
  } catch (error) {
    // A file a variable names turned out unusable (a users file that does not parse, …).
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`sessiond auth-api: ${error.message}\n`);
    process.exit(2);
  }
  // Give Redis a moment before taking traffic; if it is down, start anyway (503s and /readyz say so).
  const redisReady = await waitUntilReady(services.redis, 5000).then(
    () => true,
    () => false,
  );
  const handler = createHandler(services);
  const server = await listen(handler, config, config);
  // Plain HTTP: it listens on loopback (or a management network) by default.
  // CONSOLE=management: the console's page calls /api/v1/… on this listener; it gets `handler`.
  const management = await listen(
    createManagementApp(services, handler),
    { tls: undefined },
    config.management,
  );
  logger.info(
    {
      address: addressOf(server),
      management: addressOf(management),
      tls: config.tls !== undefined,
      aaa: config.aaa.methods,
      console: config.console,
      introspection_clients: services.introspectionClients.size,
    },
    'sessiond auth-api listening',
  );
  if (!redisReady) logger.warn('redis not ready yet; requests get 503 session_store_unavailable until it is');
  if (config.publicBaseUrl === undefined) {
    logger.warn(
      'PUBLIC_BASE_URL is not set: link and Location are relative references; set it in production',
    );
  }

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    services.lifecycle.draining = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    Promise.all([drain(server, config.shutdownTimeoutMs), drain(management, config.shutdownTimeoutMs)])
      .then(async ([result]) => {
        await services.close();
        logger.info({ result }, 'stopped');
        const exit = (): never => process.exit(0);
        logger.flush(exit);
        setTimeout(exit, 2000).unref();
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`sessiond auth-api: could not start: ${(error as Error).message}\n`);
  process.exit(1);
});
