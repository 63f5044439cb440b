import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  SESSION_STORE_SECRETS,
  parseEnv,
  sessionStoreEnv,
  sessionStoreProblems,
  sessionStoreSettings,
  type SessionStoreSettings,
} from '@sessiond/env-config';

// The session store's variables as both apps read them: sessionStoreEnv, its secrets, its rules.
const schema = z.object(sessionStoreEnv);
const SECRETS = new Set(SESSION_STORE_SECRETS);

let dir: string;
let caFile: string;
let certFile: string;
let keyFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'env-config-redis-'));
  caFile = join(dir, 'ca.pem');
  certFile = join(dir, 'client.pem');
  keyFile = join(dir, 'client.key');
  for (const file of [caFile, certFile, keyFile]) writeFileSync(file, '-----BEGIN CERTIFICATE-----\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What an app's loadConfig does with these variables: every problem, or the settings. */
function load(env: Record<string, string>): {
  problems: string[];
  settings: SessionStoreSettings | undefined;
} {
  const parsed = parseEnv(schema, env, SECRETS);
  const problems = [...parsed.problems, ...sessionStoreProblems(parsed.present, parsed.unresolved)];
  const settings =
    parsed.data !== undefined && problems.length === 0 ? sessionStoreSettings(parsed.data) : undefined;
  return { problems, settings };
}

const SENTINELS = { REDIS_SENTINELS: '10.0.0.1:26379, 10.0.0.2:26379,[2001:db8::3]:26380' };

describe('Redis Sentinel variables', () => {
  it('are off by default: no Sentinel, no TLS files', () => {
    expect(load({}).settings).toMatchObject({ sentinel: undefined, tls: undefined });
  });

  it('REDIS_SENTINELS and REDIS_SENTINEL_MASTER name the Sentinels and the master; the URL keeps its credentials', () => {
    const { problems, settings } = load({
      ...SENTINELS,
      REDIS_SENTINEL_MASTER: 'sessiond-prod',
      REDIS_SENTINEL_USERNAME: 'sentinel-client',
      REDIS_SENTINEL_PASSWORD: ' sentinel pw with spaces ',
      REDIS_URL: 'redis://sessiond:data-pw@ignored:6379/2',
    });
    expect(problems).toEqual([]);
    expect(settings?.url).toBe('redis://sessiond:data-pw@ignored:6379/2');
    expect(settings?.sentinel).toEqual({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26379 },
        { host: '2001:db8::3', port: 26380 },
      ],
      masterName: 'sessiond-prod',
      username: 'sentinel-client',
      // A password is used as written: never trimmed.
      password: ' sentinel pw with spaces ',
    });
  });

  it('REDIS_SENTINEL_PASSWORD may come from REDIS_SENTINEL_PASSWORD_FILE (one trailing newline dropped)', () => {
    const file = join(dir, 'sentinel-password');
    writeFileSync(file, 'from-a-file\n');
    const { problems, settings } = load({
      ...SENTINELS,
      REDIS_SENTINEL_MASTER: 'm',
      REDIS_SENTINEL_PASSWORD_FILE: file,
    });
    expect(problems).toEqual([]);
    expect(settings?.sentinel?.password).toBe('from-a-file');
  });

  it.each([
    [
      { ...SENTINELS, REDIS_SENTINEL_MASTER: 'm', REDIS_CLUSTER_NODES: 'a:7000' },
      'REDIS_SENTINELS, REDIS_CLUSTER_NODES: set one or neither',
    ],
    [SENTINELS, 'REDIS_SENTINEL_MASTER: required with REDIS_SENTINELS'],
    [{ REDIS_SENTINEL_MASTER: 'm' }, 'REDIS_SENTINELS: required with REDIS_SENTINEL_MASTER'],
    [{ REDIS_SENTINEL_PASSWORD: 'pw' }, 'REDIS_SENTINEL_PASSWORD: only used with REDIS_SENTINELS'],
    [
      { ...SENTINELS, REDIS_SENTINEL_MASTER: 'm', REDIS_SENTINEL_USERNAME: 'u' },
      'REDIS_SENTINEL_PASSWORD: required with REDIS_SENTINEL_USERNAME',
    ],
    [{ ...SENTINELS, REDIS_SENTINEL_MASTER: 'has space' }, 'REDIS_SENTINEL_MASTER: use 1-128 of'],
    [{ REDIS_SENTINELS: '10.0.0.1;10.0.0.2', REDIS_SENTINEL_MASTER: 'm' }, 'REDIS_SENTINELS: '],
    [{ REDIS_SENTINELS: '10.0.0.1', REDIS_SENTINEL_MASTER: 'm' }, "REDIS_SENTINELS: '10.0.0.1' has no port"],
  ])('refuses %j, naming the variables', (env, message) => {
    const { problems } = load(env);
    expect(problems.some((p) => p.startsWith(message))).toBe(true);
  });

  it('names every problem at once and never prints REDIS_SENTINEL_PASSWORD or REDIS_URL', () => {
    const { problems } = load({
      REDIS_SENTINELS: 'a:1',
      REDIS_CLUSTER_NODES: 'b:2',
      REDIS_SENTINEL_PASSWORD: 'do-not-print-me',
      REDIS_URL: 'redis://u:hunter2@h:1',
      REDIS_TLS_CA_FILE: caFile,
    });
    expect(problems).toEqual([
      expect.stringMatching(/^REDIS_SENTINELS, REDIS_CLUSTER_NODES: /) as string,
      expect.stringMatching(/^REDIS_SENTINEL_MASTER: required/) as string,
      expect.stringMatching(/^REDIS_TLS_CA_FILE: needs a rediss:\/\/ REDIS_URL/) as string,
    ]);
    expect(problems.join('\n')).not.toMatch(/do-not-print-me|hunter2/);
  });

  it('a REDIS_SENTINEL_PASSWORD_FILE that cannot be read is reported once, not also as missing', () => {
    const missing = join(dir, 'no-such-file');
    const { problems } = load({
      ...SENTINELS,
      REDIS_SENTINEL_MASTER: 'm',
      REDIS_SENTINEL_USERNAME: 'u',
      REDIS_SENTINEL_PASSWORD_FILE: missing,
    });
    expect(problems).toEqual([
      `REDIS_SENTINEL_PASSWORD_FILE: cannot read '${missing}' (ENOENT: no such file or directory)`,
    ]);
  });
});

describe('Redis TLS variables', () => {
  it('REDIS_TLS_CA_FILE (and a client certificate) with a rediss:// URL', () => {
    const { problems, settings } = load({
      REDIS_URL: 'rediss://sessiond:pw@redis.example:6380',
      REDIS_TLS_CA_FILE: caFile,
      REDIS_TLS_CERT_FILE: certFile,
      REDIS_TLS_KEY_FILE: keyFile,
    });
    expect(problems).toEqual([]);
    expect(settings?.tls).toEqual({ caFile, certFile, keyFile });
    expect(load({ REDIS_URL: 'rediss://h:1', REDIS_TLS_CA_FILE: caFile }).settings?.tls).toEqual({
      caFile,
      certFile: undefined,
      keyFile: undefined,
    });
  });

  it('a rediss:// URL alone uses the system CAs (no files)', () => {
    expect(load({ REDIS_URL: 'rediss://h:1' })).toEqual({
      problems: [],
      settings: expect.objectContaining({ tls: undefined }) as SessionStoreSettings,
    });
  });

  it.each([
    [{ REDIS_TLS_CA_FILE: 'CA' }, 'REDIS_TLS_CA_FILE: needs a rediss:// REDIS_URL (it is not rediss://)'],
    [
      { REDIS_URL: 'rediss://h:1', REDIS_TLS_CERT_FILE: 'CERT' },
      'REDIS_TLS_CERT_FILE, REDIS_TLS_KEY_FILE: set both (a client certificate) or neither',
    ],
    [
      { REDIS_URL: 'rediss://h:1', REDIS_TLS_KEY_FILE: 'KEY' },
      'REDIS_TLS_CERT_FILE, REDIS_TLS_KEY_FILE: set both (a client certificate) or neither',
    ],
  ])('refuses %j', (env, message) => {
    const files: Record<string, string> = { CA: caFile, CERT: certFile, KEY: keyFile };
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, files[v] ?? v]));
    expect(load(resolved).problems).toEqual([message]);
  });

  it('checks at start-up that each file can be read', () => {
    const missing = join(dir, 'missing-ca.pem');
    expect(load({ REDIS_URL: 'rediss://h:1', REDIS_TLS_CA_FILE: missing }).problems).toEqual([
      `REDIS_TLS_CA_FILE: cannot read '${missing}' (ENOENT: no such file or directory)`,
    ]);
  });
});
