import { ConfigError, loadConfig } from '../src/config';

const base = { TACACS_SERVERS: '10.0.0.1:49,[2001:db8::1]:4949', TACACS_SECRET: 's3cret-value' };

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
      aaa: { methods: ['tacacs', 'local'], timeoutMs: 5000, retries: 1, deadlineMs: 15_000 },
      tacacs: {
        authType: 'pap',
        authorization: true,
        accounting: false,
        singleConnect: false,
        holdDownMs: 30_000,
      },
      requiredPrivLvl: 15,
      loginThrottle: { maxFailures: 10, windowS: 900 },
      adminUsers: [],
      logLevel: 'info',
    });
    expect(config.tacacs.servers).toEqual([
      { host: '10.0.0.1', port: 49 },
      { host: '2001:db8::1', port: 4949 },
    ]);
    expect(Object.isFrozen(config.aaa)).toBe(true);
  });

  it('names every bad variable at once, and never echoes the secret', () => {
    let error: unknown;
    try {
      loadConfig({
        TACACS_SECRET: 'do-not-print-me',
        PORT: 'http',
        AAA_TIMEOUT_MS: '-5',
        SESSION_LIMIT_POLICY: 'lifo',
        TACACS_AUTHORIZATION: 'perhaps',
        REDIS_URL: 'http://x',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
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
    [{ AAA_METHODS: 'local', LOCAL_USERS_FILE: '/u.json', TACACS_ACCOUNTING: 'true' }, 'TACACS_SERVERS'],
    [{ ...base, TLS_CERT_FILE: '/x.pem' }, 'TLS_CERT_FILE'],
    [{ ...base, TACACS_SERVERS: 'host-without-port' }, 'TACACS_SERVERS'],
    [{ ...base, TRUST_PROXY: 'sometimes' }, 'TRUST_PROXY'],
    [{ ...base, REQUIRED_PRIV_LVL: '16' }, 'REQUIRED_PRIV_LVL'],
  ])('refuses %j naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });

  it('reads booleans, lists and the trust-proxy forms', () => {
    const config = loadConfig({
      AAA_METHODS: 'local',
      LOCAL_USERS_FILE: '/etc/sessiond/users.json',
      TACACS_AUTHORIZATION: 'false',
      ADMIN_USERS: ' admin , ops ',
      TRUST_PROXY: 'loopback, 10.0.0.0/8',
      PUBLIC_BASE_URL: 'https://auth.example/',
      REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001',
    });
    expect(config.tacacs.authorization).toBe(false);
    expect(config.adminUsers).toEqual(['admin', 'ops']);
    expect(config.trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(config.publicBaseUrl).toBe('https://auth.example');
    expect(config.redis.clusterNodes).toHaveLength(2);
    expect(
      loadConfig({ AAA_METHODS: 'local', LOCAL_USERS_FILE: '/u.json', TRUST_PROXY: '2' }).trustProxy,
    ).toBe(2);
  });
});
