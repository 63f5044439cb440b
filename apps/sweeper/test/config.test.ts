import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TACACS_DEFAULT_PORT } from '@sessiond/env-config';
import { DEFAULT_PORT } from '@sessiond/tacacs-plus';
import { loadConfig } from '../src/config';
import { ConfigError } from '../src/errors';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sweeper-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file holding `content` in the test's directory; returns its path. */
function secretFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

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
        sourceAddress: undefined,
        portName: 'sessiond',
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
      TACACS_SERVERS: 'tac1,tac2:4949=b,[2001:db8::49]:4949=B',
      TACACS_SECRET: 'a-shared-secret',
      TACACS_SECRET_B: 'the-key-of-b',
      TACACS_SOURCE_ADDRESS: '192.0.2.10',
      TACACS_PORT_NAME: 'tty-sessiond',
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
        { host: 'tac1', port: 49, key: 'a-shared-secret', secretVariable: 'TACACS_SECRET' },
        { host: 'tac2', port: 4949, key: 'the-key-of-b', secretVariable: 'TACACS_SECRET_B' },
        { host: '2001:db8::49', port: 4949, key: 'the-key-of-b', secretVariable: 'TACACS_SECRET_B' },
      ],
      sourceAddress: '192.0.2.10',
      portName: 'tty-sessiond',
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
    ['TACACS_SERVERS', '10.0.0.1:49;10.0.0.2:49'],
    ['TACACS_SERVERS', '10.0.0.1:49 10.0.0.2:49'],
    ['TACACS_SERVERS', '10.0.0.1:99999'],
    ['TACACS_SERVERS', '2001:db8::1:49'],
    ['TACACS_SERVERS', 'tac=no-dashes'],
    ['TACACS_SOURCE_ADDRESS', 'nas.example'],
    ['TACACS_PORT_NAME', 'two words'],
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
    ]);
    expect(problems[2]).toBe('TACACS_SERVERS: required when TACACS_ACCOUNTING is true');
  });

  describe('TACACS+ servers and their keys', () => {
    const accounting = { TACACS_ACCOUNTING: 'true', TACACS_SERVERS: '10.0.0.1:49,10.0.0.2:49=b' };

    it('gives each server its own key, read from a file when _FILE names one', () => {
      const config = loadConfig({
        ...accounting,
        TACACS_SECRET_FILE: secretFile('default.key', 'the-default-key\n'),
        TACACS_SECRET_B_FILE: secretFile('b.key', 'the-key-of-b\r\n'),
      });
      expect(config.accounting.servers).toEqual([
        { host: '10.0.0.1', port: 49, key: 'the-default-key', secretVariable: 'TACACS_SECRET' },
        { host: '10.0.0.2', port: 49, key: 'the-key-of-b', secretVariable: 'TACACS_SECRET_B' },
      ]);
    });

    it('reads no key when accounting is off', () => {
      expect(loadConfig({ TACACS_SERVERS: 'tac=b' }).accounting.servers).toEqual([]);
    });

    it('uses port 49 by default, the port @sessiond/tacacs-plus defaults to', () => {
      expect(TACACS_DEFAULT_PORT).toBe(DEFAULT_PORT);
    });

    it('refuses a list separated by semicolons, naming the variable', () => {
      expect(problemsOf({ ...accounting, TACACS_SERVERS: '10.0.0.1:99999;10.0.0.2:49' })).toEqual([
        "TACACS_SERVERS: ';' is not a separator: list servers as host:port,host:port (got '10.0.0.1:99999;10.0.0.2:49')",
      ]);
    });

    it('refuses port 99999', () => {
      expect(problemsOf({ ...accounting, TACACS_SERVERS: '10.0.0.1:99999', TACACS_SECRET: 'k' })).toEqual([
        "TACACS_SERVERS: port 99999 of '10.0.0.1:99999' is not 1-65535",
      ]);
    });

    it('names the secret a server needs when it is not set', () => {
      expect(problemsOf({ ...accounting, TACACS_SECRET: 'the-default-key' })).toEqual([
        "TACACS_SERVERS: server 10.0.0.2:49 uses key 'b' but TACACS_SECRET_B (or TACACS_SECRET_B_FILE) is not set",
      ]);
      expect(problemsOf({ ...accounting, TACACS_SECRET_B: 'the-key-of-b' })).toEqual([
        'TACACS_SERVERS: server 10.0.0.1:49 uses the default key but TACACS_SECRET (or TACACS_SECRET_FILE) is not set',
      ]);
    });

    it('refuses a key no server uses', () => {
      expect(
        problemsOf({
          ...accounting,
          TACACS_SECRET: 'k',
          TACACS_SECRET_B: 'k',
          TACACS_SECRET_OLD: 'stale-key',
        }),
      ).toEqual(['TACACS_SECRET_OLD: no server in TACACS_SERVERS uses it (write host:port=old to use it)']);
    });

    it('names a secret file it cannot read, and says nothing more about that secret', () => {
      const missing = join(dir, 'missing.key');
      expect(
        problemsOf({ ...accounting, TACACS_SECRET_FILE: missing, TACACS_SECRET_B: 'the-key-of-b' }),
      ).toEqual([`TACACS_SECRET_FILE: cannot read '${missing}' (ENOENT: no such file or directory)`]);
    });

    it('refuses TACACS_SECRET and TACACS_SECRET_FILE both set, without showing either', () => {
      const problems = problemsOf({
        ...accounting,
        TACACS_SECRET: 'set-directly',
        TACACS_SECRET_FILE: secretFile('both.key', 'set-in-a-file'),
        TACACS_SECRET_B: 'the-key-of-b',
      });
      expect(problems).toEqual(['TACACS_SECRET, TACACS_SECRET_FILE: set one, not both']);
      expect(problems.join('\n')).not.toMatch(/set-directly|set-in-a-file/);
    });
  });

  describe('unknown variables', () => {
    it('refuses a look-alike of a setting, naming both', () => {
      expect(problemsOf({ SWEEP_INTERVL_MS: '5000' })).toEqual([
        'SWEEP_INTERVL_MS: not a setting sessiond knows; did you mean SWEEP_INTERVAL_MS?',
      ]);
      expect(problemsOf({ TACACS_SECRETS: 'a-secret' })).toEqual([
        'TACACS_SECRETS: not a setting sessiond knows; did you mean TACACS_SECRET?',
      ]);
    });

    it("starts in an ordinary container's environment, Kubernetes service links included", () => {
      expect(() =>
        loadConfig({
          PATH: '/usr/local/bin:/usr/bin',
          HOME: '/home/node',
          HOSTNAME: 'sweeper-5d8f7',
          NODE_ENV: 'production',
          NODE_VERSION: '20.19.0',
          YARN_VERSION: '1.22.22',
          npm_config_cache: '/tmp/.npm',
          TACACS_PORT: 'tcp://10.0.0.5:49',
          TACACS_PORT_49_TCP: 'tcp://10.0.0.5:49',
          TACACS_PORT_49_TCP_ADDR: '10.0.0.5',
          SWEEPER_SERVICE_HOST: '10.0.0.6',
          SWEEPER_SERVICE_PORT: '9465',
          REDIS_PORT_6379_TCP_ADDR: '10.0.0.7',
          KUBERNETES_SERVICE_HOST: '10.96.0.1',
          KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
        }),
      ).not.toThrow();
    });
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
