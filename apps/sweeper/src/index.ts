// Public API of @sessiond/sweeper for embedding and benchmarks (main.ts is the process entry point).
export { loadConfig, type HostPort, type SweeperConfig } from './config';
export { AccountingUnavailableError, ConfigError, SweeperError } from './errors';
export { createEventLog, createLogger, type EventLog, type Logger } from './logger';
export { createMetrics, type AccountingOutcome, type SweeperMetrics } from './metrics';
export { createHttpServer, type Health } from './http-server';
export {
  STORE_OPERATION_TIMEOUT_MS,
  createBullConnection,
  createStoreRedis,
  type RedisTarget,
} from './redis-connections';
export { createSweeper, totalDue, type Sweeper, type SweeperDeps } from './sweeper';
