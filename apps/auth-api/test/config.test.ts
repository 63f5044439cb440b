import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, KNOWN_VARIABLES, loadConfig as loadConfigFrom, type Config } from '../src/config';
import { AAA_METHODS } from '../src/aaa/registry';

const TAG_SECRET = 'test-user-tag-secret-0123456789';

/** loadConfig with the one variable every configuration needs (USER_TAG_SECRET), unless overridden. */
function loadConfig(env: Record<string, string>): Config {
  return loadConfigFrom({ USER_TAG_SECRET: TAG_SECRET, ...env });
}

const base = { TACACS_SERVERS: '10.0.0.1:49,[2001:db8::1]:4949', TACACS_SECRET: 's3cret-value' };

let dir: string;
let usersFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sessiond-config-'));
  usersFile = join(dir, 'users.json');
  writeFileSync(usersFile, '{"users":[]}');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      tls: undefined,
      trustProxy: false,
      redis: { url: 'redis://127.0.0.1:6379', keyPrefix: 'sessiond', buckets: 64, indexShards: 32 },
      session: { idleTimeoutS: 900, maxLifetimeS: 28_800, limitPerUser: 5, limitPolicy: 'reject' },
      aaa: {
        methods: ['tacacs', 'local'],
        timeoutMs: 5000,
        retries: 1,
        deadlineMs: 15_000,
        settings: {
          tacacs: {
            authType: 'pap',
            authorization: true,
            accounting: false,
            singleConnect: false,
            singleConnectPool: 4,
            holdDownMs: 30_000,
            sourceAddress: undefined,
            portName: 'sessiond',
            timeoutMs: 5000,
            retries: 1,
          },
          local: { usersFile: undefined, hashing: { queueMax: 64, priority: 'low' } },
        },
      },
      requiredPrivLvl: 15,
      loginThrottle: { maxFailures: 10, windowS: 900, maxFailuresPerAddress: 50 },
      introspectionThrottle: { maxFailures: 20, windowS: 300 },
      adminUsers: [],
      logLevel: 'info',
    });
    expect(config.aaa.settings.tacacs?.servers).toEqual([
      {
        host: '10.0.0.1',
        port: 49,
        keyName: undefined,
        key: 's3cret-value',
        secretVariable: 'TACACS_SECRET',
      },
      {
        host: '2001:db8::1',
        port: 4949,
        keyName: undefined,
        key: 's3cret-value',
        secretVariable: 'TACACS_SECRET',
      },
    ]);
    expect(Object.isFrozen(config.aaa)).toBe(true);
  });

  it('names every bad variable at once, and never echoes the secret', () => {
    const message = problemsOf({
      TACACS_SECRET: 'do-not-print-me',
      PORT: 'http',
      AAA_TIMEOUT_MS: '-5',
      SESSION_LIMIT_POLICY: 'lifo',
      TACACS_AUTHORIZATION: 'perhaps',
      REDIS_URL: 'http://x',
    });
    for (const name of [
      'PORT',
      'AAA_TIMEOUT_MS',
      'SESSION_LIMIT_POLICY',
      'TACACS_AUTHORIZATION',
      'REDIS_URL',
    ]) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain('do-not-print-me');
  });

  it('never echoes REDIS_URL, which may carry a password', () => {
    expect(() => loadConfig({ ...base, REDIS_URL: 'http://sessiond:hunter2@redis:6379' })).toThrow(
      /^(?![\s\S]*hunter2)[\s\S]*REDIS_URL/,
    );
  });

  it.each([
    [{ AAA_METHODS: 'tacacs' }, 'TACACS_SERVERS'],
    [{ AAA_METHODS: 'tacacs', TACACS_SERVERS: 'h:49' }, 'TACACS_SECRET'],
    [{ AAA_METHODS: 'radius' }, 'AAA_METHODS'],
    [{ AAA_METHODS: 'local,local' }, 'AAA_METHODS'],
    [{ AAA_METHODS: 'local' }, 'LOCAL_USERS_FILE'],
    [{ ...base, TLS_CERT_FILE: '/x.pem' }, 'TLS_CERT_FILE'],
    [{ ...base, TRUST_PROXY: 'sometimes' }, 'TRUST_PROXY'],
    [{ ...base, REQUIRED_PRIV_LVL: '16' }, 'REQUIRED_PRIV_LVL'],
    [{ ...base, LOCAL_HASH_PRIORITY: 'realtime' }, 'LOCAL_HASH_PRIORITY'],
    [{ ...base, LOCAL_HASH_QUEUE_MAX: '-1' }, 'LOCAL_HASH_QUEUE_MAX'],
    [{ ...base, LOGIN_MAX_FAILURES_PER_ADDRESS: 'many' }, 'LOGIN_MAX_FAILURES_PER_ADDRESS'],
    [{ ...base, INTROSPECTION_MAX_FAILURES: '-3' }, 'INTROSPECTION_MAX_FAILURES'],
    [{ ...base, INTROSPECTION_FAILURE_WINDOW_S: '0' }, 'INTROSPECTION_FAILURE_WINDOW_S'],
  ])('refuses %j naming %s', (env, name) => {
    expect(problemsOf(env)).toContain(name);
  });

  it('CONSOLE: the listener of the operator console, management by default', () => {
    expect(loadConfig(base).console).toBe('management');
    expect(loadConfig({ ...base, CONSOLE: '' }).console).toBe('management');
    expect(loadConfig({ ...base, CONSOLE: 'public' }).console).toBe('public');
    expect(loadConfig({ ...base, CONSOLE: 'off' }).console).toBe('off');
    expect(problemsOf({ ...base, CONSOLE: 'yes' })).toMatch(
      /CONSOLE: must be 'management', 'public' or 'off'/,
    );
  });

  it('needs TACACS_SERVERS when accounting is on, even with local as the only method', () => {
    expect(
      problemsOf({ AAA_METHODS: 'local', LOCAL_USERS_FILE: usersFile, TACACS_ACCOUNTING: 'true' }),
    ).toContain('TACACS_SERVERS');
  });

  it('reads booleans, lists and the trust-proxy forms', () => {
    const config = loadConfig({
      ...base,
      AAA_METHODS: 'local,tacacs',
      LOCAL_USERS_FILE: usersFile,
      TACACS_AUTHORIZATION: 'false',
      ADMIN_USERS: ' admin , ops ',
      TRUST_PROXY: 'loopback, 10.0.0.0/8',
      PUBLIC_BASE_URL: 'https://auth.example/',
      REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001',
    });
    expect(config.aaa.methods).toEqual(['local', 'tacacs']);
    expect(config.aaa.settings.tacacs?.authorization).toBe(false);
    expect(config.aaa.settings.local?.usersFile).toBe(usersFile);
    expect(config.adminUsers).toEqual(['admin', 'ops']);
    expect(config.trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(config.publicBaseUrl).toBe('https://auth.example');
    expect(config.redis.clusterNodes).toHaveLength(2);
    expect(
      loadConfig({ AAA_METHODS: 'local', LOCAL_USERS_FILE: usersFile, TRUST_PROXY: '2' }).trustProxy,
    ).toBe(2);
    // Only the methods in use get settings.
    expect(loadConfig({ AAA_METHODS: 'local', LOCAL_USERS_FILE: usersFile }).aaa.settings.tacacs).toBe(
      undefined,
    );
  });
});

describe('TACACS+ settings network teams expect', () => {
  it('a key per server, a source address, a NAS port name and IPv6 servers', () => {
    const keyFile = join(dir, 'site-b.key');
    writeFileSync(keyFile, 'site-b-key-from-a-file\n');
    const config = loadConfig({
      AAA_METHODS: 'tacacs',
      TACACS_SERVERS: '10.0.0.1, [2001:db8::2]:4949=siteb',
      TACACS_SECRET: 'default-key-0123456789',
      TACACS_SECRET_SITEB_FILE: keyFile,
      TACACS_SOURCE_ADDRESS: '2001:db8::10',
      TACACS_PORT_NAME: 'sessiond-prod',
    });
    const tacacs = config.aaa.settings.tacacs;
    expect(tacacs?.servers.map(({ host, port, key }) => ({ host, port, key }))).toEqual([
      { host: '10.0.0.1', port: 49, key: 'default-key-0123456789' },
      { host: '2001:db8::2', port: 4949, key: 'site-b-key-from-a-file' },
    ]);
    expect(tacacs?.sourceAddress).toBe('2001:db8::10');
    expect(tacacs?.portName).toBe('sessiond-prod');
  });

  it('every secret can come from a file, so secrets stay out of the environment', () => {
    const secretFile = join(dir, 'tacacs.key');
    writeFileSync(secretFile, 'from-the-file-0123456789\r\n');
    const config = loadConfig({
      AAA_METHODS: 'tacacs',
      TACACS_SERVERS: '10.0.0.1',
      TACACS_SECRET_FILE: secretFile,
    });
    expect(config.aaa.settings.tacacs?.servers[0]?.key).toBe('from-the-file-0123456789');
  });
});

describe('configuration that catches mistakes', () => {
  it.each([
    ['10.0.0.1:99999;10.0.0.2:49', /TACACS_SERVERS: .*separator/],
    ['10.0.0.1:49 10.0.0.2:49', /TACACS_SERVERS: .*space/],
    ['10.0.0.1:99999', /TACACS_SERVERS: .*99999/],
    ['2001:db8::1:49', /TACACS_SERVERS: .*bracket/],
  ])('TACACS_SERVERS=%s is refused, not read as one odd host', (servers, pattern) => {
    expect(problemsOf({ ...base, TACACS_SERVERS: servers })).toMatch(pattern);
  });

  it.each([
    ['SESSION_LIMT_PER_USER', 'SESSION_LIMIT_PER_USER'],
    ['TACACS_SERVER', 'TACACS_SERVERS'],
    ['LOCAL_USER_FILE', 'LOCAL_USERS_FILE'],
    ['AAA_TIMOUT_MS', 'AAA_TIMEOUT_MS'],
  ])('an unknown look-alike %s stops start-up naming %s', (typo, valid) => {
    const message = problemsOf({ ...base, [typo]: '3' });
    expect(message).toContain(typo);
    expect(message).toContain(valid);
  });

  it('ignores the environment of ordinary processes and Kubernetes service links', () => {
    expect(() =>
      loadConfig({
        ...base,
        PATH: '/usr/bin',
        HOME: '/root',
        NODE_ENV: 'production',
        TACACS_PORT: 'tcp://10.0.0.5:49',
        TACACS_SERVICE_HOST: '10.0.0.5',
        REDIS_PORT_6379_TCP_ADDR: '10.0.0.6',
      }),
    ).not.toThrow();
  });

  it('a missing or unreadable file names its variable', () => {
    expect(problemsOf({ AAA_METHODS: 'local', LOCAL_USERS_FILE: join(dir, 'nope.json') })).toMatch(
      /LOCAL_USERS_FILE: cannot read '.*nope\.json' \(ENOENT/,
    );
    expect(problemsOf({ ...base, INTROSPECTION_CLIENTS_FILE: dir })).toMatch(
      /INTROSPECTION_CLIENTS_FILE: .*directory/,
    );
    expect(
      problemsOf({ AAA_METHODS: 'tacacs', TACACS_SERVERS: 'h', TACACS_SECRET_FILE: join(dir, 'none.key') }),
    ).toMatch(/TACACS_SECRET_FILE: cannot read/);
    expect(problemsOf({ ...base, TACACS_SECRET_FILE: join(dir, 'users.json') })).toContain(
      'TACACS_SECRET, TACACS_SECRET_FILE: set one, not both',
    );
  });
});

describe('one place knows the AAA methods', () => {
  it('every method’s variables are part of the configuration the look-alike check knows', () => {
    for (const definition of AAA_METHODS) {
      for (const name of Object.keys(definition.env)) expect(KNOWN_VARIABLES).toContain(name);
    }
  });
});

describe('USER_TAG_SECRET', () => {
  it('is required, long enough, and never printed', () => {
    expect(() => loadConfigFrom(base)).toThrow(/USER_TAG_SECRET: required/);
    const short = problemsOf({ ...base, USER_TAG_SECRET: 'short-secret' });
    expect(short).toContain('USER_TAG_SECRET: use at least 16 characters');
    expect(short).not.toContain('short-secret');
    expect(loadConfig(base).userTagSecret).toBe(TAG_SECRET);
  });

  it('can come from a file', () => {
    const file = join(dir, 'user-tag.secret');
    writeFileSync(file, 'from-a-file-0123456789abcdef\n');
    expect(loadConfigFrom({ ...base, USER_TAG_SECRET_FILE: file }).userTagSecret).toBe(
      'from-a-file-0123456789abcdef',
    );
  });
});
