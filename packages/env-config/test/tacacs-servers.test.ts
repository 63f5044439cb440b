import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  TACACS_DEFAULT_PORT,
  TACACS_KEY_SECRETS,
  parseEnv,
  parseTacacsServerEntry,
  resolveTacacsServers,
  tacacsEnv,
  tacacsSecretVariable,
} from '@sessiond/env-config';

const schema = z.object({ ...tacacsEnv });
const SECRETS = new Set(['TACACS_SECRET']);

/** What an app does: parse, then give each server its key. */
function load(env: Record<string, string>) {
  const parsed = parseEnv(schema, env, SECRETS, { secretPatterns: [TACACS_KEY_SECRETS] });
  const entries = parsed.data?.TACACS_SERVERS;
  const servers = entries === undefined ? [] : resolveTacacsServers(entries, parsed, parsed.problems);
  return { ...parsed, servers };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'env-config-tacacs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseTacacsServerEntry', () => {
  it.each([
    ['tac1', { host: 'tac1', port: TACACS_DEFAULT_PORT, keyName: undefined, portDefaulted: true }],
    ['tac1:4949', { host: 'tac1', port: 4949, keyName: undefined }],
    ['tac1=b', { host: 'tac1', port: 49, keyName: 'b', portDefaulted: true }],
    ['10.0.0.2:49=Site2', { host: '10.0.0.2', port: 49, keyName: 'Site2' }],
    ['[2001:db8::1]:4949=b', { host: '2001:db8::1', port: 4949, keyName: 'b' }],
    ['[2001:db8::1]=b', { host: '2001:db8::1', port: 49, keyName: 'b', portDefaulted: true }],
    [`tac=${'k'.repeat(32)}`, { host: 'tac', port: 49, keyName: 'k'.repeat(32), portDefaulted: true }],
  ])('reads %s', (entry, value) => {
    expect(parseTacacsServerEntry(entry)).toEqual({ ok: true, value });
  });

  it.each([
    ['tac=', "key name '' of 'tac=' must be 1-32 letters or digits"],
    ['tac=a-b', "key name 'a-b' of 'tac=a-b' must be 1-32 letters or digits"],
    ['tac=a=b', "key name 'a=b' of 'tac=a=b' must be 1-32 letters or digits"],
    [
      `tac=${'k'.repeat(33)}`,
      `key name '${'k'.repeat(33)}' of 'tac=${'k'.repeat(33)}' must be 1-32 letters or digits`,
    ],
    [
      'tac=file',
      "key name 'file' of 'tac=file' is reserved: TACACS_SECRET_FILE is the file of TACACS_SECRET",
    ],
    ['=b', "'=b' has no host"],
    ['tac:99999=b', "port 99999 of 'tac:99999' is not 1-65535"],
    ['2001:db8::1:49=b', 'IPv6 addresses need brackets: [2001:db8::1]:49'],
  ])('refuses %s', (entry, problem) => {
    expect(parseTacacsServerEntry(entry)).toEqual({ ok: false, problem });
  });

  it('names the secret of each key, case-insensitively', () => {
    expect(tacacsSecretVariable(undefined)).toBe('TACACS_SECRET');
    expect(tacacsSecretVariable('b')).toBe('TACACS_SECRET_B');
    expect(tacacsSecretVariable('Site2')).toBe('TACACS_SECRET_SITE2');
  });
});

describe('TACACS_SERVERS and its keys', () => {
  it('gives each server its own key', () => {
    const { problems, servers } = load({
      TACACS_SERVERS: '10.0.0.1, 10.0.0.2:49=b ,[2001:db8::1]:4949=B',
      TACACS_SECRET: 'default-key',
      TACACS_SECRET_B: 'key-of-b',
    });
    expect(problems).toEqual([]);
    expect(servers).toEqual([
      { host: '10.0.0.1', port: 49, keyName: undefined, key: 'default-key', secretVariable: 'TACACS_SECRET' },
      { host: '10.0.0.2', port: 49, keyName: 'b', key: 'key-of-b', secretVariable: 'TACACS_SECRET_B' },
      { host: '2001:db8::1', port: 4949, keyName: 'B', key: 'key-of-b', secretVariable: 'TACACS_SECRET_B' },
    ]);
  });

  it('reads per-server keys from files too', () => {
    writeFileSync(join(dir, 'b.key'), 'key-of-b-from-a-file\n');
    const { problems, servers } = load({
      TACACS_SERVERS: 'tac=b',
      TACACS_SECRET_B_FILE: join(dir, 'b.key'),
    });
    expect(problems).toEqual([]);
    expect(servers.map((s) => s.key)).toEqual(['key-of-b-from-a-file']);
  });

  it('names the variable of a key a server needs but nobody set', () => {
    const { problems, servers } = load({
      TACACS_SERVERS: '10.0.0.1:49,10.0.0.2:49=b,[::1]:50=b',
      TACACS_SECRET: 'default-key',
    });
    expect(problems).toEqual([
      "TACACS_SERVERS: servers 10.0.0.2:49, [::1]:50 use key 'b' but TACACS_SECRET_B (or TACACS_SECRET_B_FILE) is not set",
    ]);
    expect(servers).toHaveLength(1);
    expect(load({ TACACS_SERVERS: '10.0.0.2:49=b' }).problems).toEqual([
      "TACACS_SERVERS: server 10.0.0.2:49 uses key 'b' but TACACS_SECRET_B (or TACACS_SECRET_B_FILE) is not set",
    ]);
    expect(load({ TACACS_SERVERS: 'tac', TACACS_SECRET_B: 'unused' }).problems).toEqual([
      'TACACS_SERVERS: server tac:49 uses the default key but TACACS_SECRET (or TACACS_SECRET_FILE) is not set',
      'TACACS_SECRET_B: no server in TACACS_SERVERS uses it (write host:port=b to use it)',
    ]);
  });

  it('says a key is unset only once: a bad _FILE is its own problem', () => {
    const problems = load({
      TACACS_SERVERS: 'tac=b',
      TACACS_SECRET_B_FILE: join(dir, 'missing.key'),
    }).problems;
    expect(problems).toEqual([
      `TACACS_SECRET_B_FILE: cannot read '${join(dir, 'missing.key')}' (ENOENT: no such file or directory)`,
    ]);
  });

  it('refuses a TACACS_SECRET_<X> that no server uses, without showing it', () => {
    const { problems } = load({
      TACACS_SERVERS: 'tac=b',
      TACACS_SECRET_B: 'key-of-b',
      TACACS_SECRET_C: 'stale-key-of-c',
    });
    expect(problems).toEqual([
      'TACACS_SECRET_C: no server in TACACS_SERVERS uses it (write host:port=c to use it)',
    ]);
    expect(problems.join('\n')).not.toContain('stale-key');
  });

  it('never shows a key, whichever check fails', () => {
    const { problems } = load({
      TACACS_SERVERS: 'tac=b;x',
      TACACS_SECRET: 'default-key-value',
      TACACS_SECRET_B: 'key-of-b-value',
      TACACS_SECRETS: 'typo-value',
    });
    expect(problems).toEqual([
      "TACACS_SERVERS: ';' is not a separator: list servers as host:port,host:port (got 'tac=b;x')",
      'TACACS_SECRETS: not a setting sessiond knows; did you mean TACACS_SECRET?',
    ]);
    expect(problems.join('\n')).not.toMatch(/-value/);
  });

  it('checks nothing when the list is unset or invalid (reported on its own)', () => {
    const parsed = parseEnv(schema, { TACACS_SECRET_B: 'key-of-b' }, SECRETS, {
      secretPatterns: [TACACS_KEY_SECRETS],
    });
    expect(resolveTacacsServers(undefined, parsed, parsed.problems)).toEqual([]);
    expect(parsed.problems).toEqual([]);
  });

  it('refuses a server listed twice, whatever its key', () => {
    expect(
      load({ TACACS_SERVERS: 'tac:49,tac=b', TACACS_SECRET: 'k', TACACS_SECRET_B: 'k' }).problems,
    ).toEqual(["TACACS_SERVERS: 'tac=b' is listed twice (got 'tac:49,tac=b')"]);
  });
});

describe('the other shared TACACS+ variables', () => {
  it('defaults the port name to sessiond and leaves the source address to the system', () => {
    const { data } = parseEnv(schema, {}, SECRETS);
    expect(data).toEqual({ TACACS_PORT_NAME: 'sessiond', TACACS_TLS: false });
  });

  it.each(['192.0.2.10', '2001:db8::10', 'fe80::1%eth0'])('reads TACACS_SOURCE_ADDRESS=%s', (address) => {
    expect(
      parseEnv(schema, { TACACS_SOURCE_ADDRESS: ` ${address} ` }, SECRETS).data?.TACACS_SOURCE_ADDRESS,
    ).toBe(address);
  });

  it.each(['nas.example', '[2001:db8::10]', '192.0.2.10:0', '192.0.2.256'])(
    'refuses TACACS_SOURCE_ADDRESS=%s',
    (address) => {
      expect(parseEnv(schema, { TACACS_SOURCE_ADDRESS: address }, SECRETS).problems).toEqual([
        `TACACS_SOURCE_ADDRESS: must be an IPv4 or IPv6 address (no brackets, no port) (got '${address}')`,
      ]);
    },
  );

  it.each(['tty0', 'sessiond-sweeper', '!~', 'p'.repeat(64)])('reads TACACS_PORT_NAME=%s', (name) => {
    expect(parseEnv(schema, { TACACS_PORT_NAME: name }, SECRETS).data?.TACACS_PORT_NAME).toBe(name);
  });

  it.each(['two words', 'p'.repeat(65), 'caf\u00e9', 'tab\there'])('refuses TACACS_PORT_NAME=%j', (name) => {
    expect(parseEnv(schema, { TACACS_PORT_NAME: name }, SECRETS).problems).toEqual([
      `TACACS_PORT_NAME: use 1-64 printable ASCII characters, no spaces (got '${name}')`,
    ]);
  });
});
