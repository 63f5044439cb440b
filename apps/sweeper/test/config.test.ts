import { loadConfig } from '../src/config';
import { ConfigError } from '../src/errors';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('applies the documented defaults and returns a frozen object', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      redis: {
        url: 'redis://127.0.0.1:6379',
        clusterNodes: undefined,
        keyPrefix: 'sessiond',
        buckets: 64,
        indexShards: 32,
      },
      sweep: { intervalMs: 30_000, concurrency: 4, batch: 500 },
      http: { host: '127.0.0.1', port: 9465 },
      accounting: {
        enabled: false,
        servers: [],
        secret: '',
        timeoutMs: 5000,
        retries: 1,
        singleConnect: false,
        attempts: 10,
        concurrency: 8,
      },
      logLevel: 'info',
      shutdownTimeoutMs: 20_000,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.redis)).toBe(true);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      REDIS_URL: 'rediss://user:pw@redis.example:6380',
      REDIS_CLUSTER_NODES: '10.0.0.1:7000, [::1]:7001',
      REDIS_KEY_PREFIX: 'prod:sd',
      SESSION_STORE_BUCKETS: '128',
      SESSION_STORE_INDEX_SHARDS: '16',
      SWEEP_INTERVAL_MS: '5000',
      SWEEP_CONCURRENCY: '8',
      SWEEP_BATCH: '1000',
      SWEEPER_PORT: '0',
      SWEEPER_HOST: '0.0.0.0',
      TACACS_ACCOUNTING: 'true',
      TACACS_SERVERS: 'tac1:49,tac2:4949',
      TACACS_SECRET: 'a-shared-secret',
      AAA_TIMEOUT_MS: '2000',
      AAA_RETRIES: '0',
      TACACS_SINGLE_CONNECT: 'yes',
      ACCOUNTING_ATTEMPTS: '3',
      ACCOUNTING_CONCURRENCY: '2',
      LOG_LEVEL: 'debug',
      SHUTDOWN_TIMEOUT_MS: '5000',
      UNRELATED: 'ignored',
    });
    expect(config.redis).toEqual({
      url: 'rediss://user:pw@redis.example:6380',
      clusterNodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '::1', port: 7001 },
      ],
      keyPrefix: 'prod:sd',
      buckets: 128,
      indexShards: 16,
    });
    expect(config.sweep).toEqual({ intervalMs: 5000, concurrency: 8, batch: 1000 });
    expect(config.http).toEqual({ host: '0.0.0.0', port: 0 });
    expect(config.accounting).toEqual({
      enabled: true,
      servers: [
        { host: 'tac1', port: 49 },
        { host: 'tac2', port: 4949 },
      ],
      secret: 'a-shared-secret',
      timeoutMs: 2000,
      retries: 0,
      singleConnect: true,
      attempts: 3,
      concurrency: 2,
    });
    expect(config.logLevel).toBe('debug');
    expect(config.shutdownTimeoutMs).toBe(5000);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ SWEEP_BATCH: '', REDIS_CLUSTER_NODES: '' }).sweep.batch).toBe(500);
  });

  it.each([
    ['REDIS_URL', 'http://redis:6379'],
    ['REDIS_CLUSTER_NODES', 'redis-1'],
    ['REDIS_CLUSTER_NODES', 'redis-1:70000'],
    ['REDIS_KEY_PREFIX', 'has{braces}'],
    ['SESSION_STORE_BUCKETS', '0'],
    ['SESSION_STORE_BUCKETS', '1297'],
    ['SESSION_STORE_INDEX_SHARDS', '2048'],
    ['SWEEP_INTERVAL_MS', '10'],
    ['SWEEP_INTERVAL_MS', '1.5'],
    ['SWEEP_CONCURRENCY', '0'],
    ['SWEEP_BATCH', 'lots'],
    ['SWEEPER_PORT', '65536'],
    ['TACACS_ACCOUNTING', 'maybe'],
    ['AAA_TIMEOUT_MS', '0'],
    ['AAA_RETRIES', '-1'],
    ['TACACS_SINGLE_CONNECT', '2'],
    ['ACCOUNTING_ATTEMPTS', '0'],
    ['LOG_LEVEL', 'verbose'],
    ['SHUTDOWN_TIMEOUT_MS', '1'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: `));
  });

  it('names every bad variable at once, including what accounting requires', () => {
    const problems = problemsOf({ SWEEP_BATCH: 'x', SWEEP_CONCURRENCY: 'y', TACACS_ACCOUNTING: 'true' });
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'SWEEP_CONCURRENCY',
      'SWEEP_BATCH',
      'TACACS_SERVERS',
      'TACACS_SECRET',
    ]);
  });

  it('never repeats a secret or a Redis URL (it may hold a password) in its message', () => {
    let message = '';
    try {
      loadConfig({ REDIS_URL: 'ftp://user:hunter2@host', TACACS_ACCOUNTING: 'true', TACACS_SERVERS: 'x' });
    } catch (error) {
      message = (error as ConfigError).message;
      expect((error as ConfigError).code).toBe('invalid_config');
    }
    expect(message).toContain('REDIS_URL');
    expect(message).toContain('TACACS_SERVERS');
    expect(message).not.toContain('hunter2');
  });
});
