import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { TACACS_KEY_SECRETS, editDistance, envInt, lookAlikeProblems, parseEnv } from '@sessiond/env-config';

const KNOWN = [
  'PORT',
  'HOST',
  'TLS_CERT_FILE',
  'SESSION_LIMIT_PER_USER',
  'TACACS_SERVERS',
  'TACACS_SECRET',
  'TACACS_SECRET_FILE',
  'LOCAL_USERS_FILE',
  'AAA_TIMEOUT_MS',
  'SWEEP_INTERVAL_MS',
  'SWEEPER_PORT',
  'LOG_LEVEL',
];

function flagged(env: Record<string, string>): string[] {
  return lookAlikeProblems(env, KNOWN, [TACACS_KEY_SECRETS]);
}

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', 'abc', 0],
    ['', 'abc', 3],
    ['abc', 'abd', 1],
    ['abc', 'acb', 1],
    ['abcd', 'acbd', 1],
    ['ca', 'abc', 3],
    ['SSL', 'TLS', 2],
    ['kitten', 'sitting', 3],
  ])('%j to %j is %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('lookAlikeProblems', () => {
  it.each([
    ['SESSION_LIMT_PER_USER', 'SESSION_LIMIT_PER_USER'],
    ['SESSION_LIMIT_PRE_USER', 'SESSION_LIMIT_PER_USER'],
    ['TACACS_SERVER', 'TACACS_SERVERS'],
    ['TACACS_SECRETS', 'TACACS_SECRET'],
    ['TACACS_SECRETFILE', 'TACACS_SECRET_FILE'],
    ['LOCAL_USER_FILE', 'LOCAL_USERS_FILE'],
    ['AAA_TIMOUT_MS', 'AAA_TIMEOUT_MS'],
    ['SWEEP_INTERVL_MS', 'SWEEP_INTERVAL_MS'],
    ['SWEPER_PORT', 'SWEEPER_PORT'],
    ['tacacs_servers', 'TACACS_SERVERS'],
    ['PORTS', 'PORT'],
    ['LOG_LEVELS', 'LOG_LEVEL'],
  ])('flags %s as a look-alike of %s', (name, known) => {
    expect(flagged({ [name]: 'x' })).toEqual([
      `${name}: not a setting sessiond knows; did you mean ${known}?`,
    ]);
  });

  it('offers every name at the smallest distance', () => {
    expect(lookAlikeProblems({ TACACS_SERVER_B: 'x' }, ['TACACS_SERVERS_A', 'TACACS_SERVERS_B'])).toEqual([
      'TACACS_SERVER_B: not a setting sessiond knows; did you mean TACACS_SERVERS_B?',
    ]);
    expect(lookAlikeProblems({ LOG_LEVEX: 'x' }, ['LOG_LEVEL', 'LOG_LEVEY'])).toEqual([
      'LOG_LEVEX: not a setting sessiond knows; did you mean LOG_LEVEL or LOG_LEVEY?',
    ]);
  });

  it('never repeats a value', () => {
    expect(flagged({ TACACS_SECRETS: 'hunter2-the-key' }).join('\n')).not.toContain('hunter2');
  });

  it.each([
    // the ordinary environment of shells, images and npm
    ['PATH', '/usr/bin'],
    ['HOME', '/root'],
    ['NODE_ENV', 'production'],
    ['HOSTNAME', 'sweeper-7f9c'],
    ['PWD', '/app'],
    ['LANG', 'C.UTF-8'],
    ['TERM', 'xterm'],
    ['USER', 'node'],
    ['TZ', 'UTC'],
    ['SSL_CERT_FILE', '/etc/ssl/certs/ca-certificates.crt'],
    ['npm_config_cache', '/tmp/npm'],
    ['npm_lifecycle_event', 'start'],
    ['npm_package_json', '/app/package.json'],
    ['LC_ALL', 'C'],
    ['http_proxy', 'http://proxy:3128'],
    ['NO_PROXY', 'localhost'],
    // Kubernetes service links
    ['TACACS_PORT', 'tcp://10.0.0.5:49'],
    ['SWEEPER_PORT_9465_TCP', 'tcp://10.0.0.6:9465'],
    ['REDIS_PORT_6379_TCP_ADDR', '10.0.0.7'],
    ['REDIS_PORT_6379_TCP_PORT', '6379'],
    ['REDIS_PORT_6379_TCP_PROTO', 'tcp'],
    ['TACACS_PORT_49_UDP', 'udp://10.0.0.5:49'],
    ['TACACS_PORT_49_SCTP_ADDR', '10.0.0.5'],
    ['SWEEPER_SERVICE_HOST', '10.0.0.6'],
    ['SWEEPER_SERVICE_PORT', '9465'],
    ['SWEEPER_SERVICE_PORT_METRICS', '9465'],
    ['SWEEPR_PORT', 'tcp://10.0.0.6:9465'],
    // far from every known name, or a per-server key
    ['DATABASE_URL', 'postgres://db'],
    ['AUTH_API_PORT', '8080'],
    ['TACACS_SECRET_B', 'key'],
    // names it knows, and empty values (no effect, so nothing ignored)
    ['TACACS_SERVERS', 'tac:49'],
    ['TACACS_SERVER', ''],
  ])('leaves %s=%s alone', (name, value) => {
    expect(flagged({ [name]: value })).toEqual([]);
  });

  it('flags a bare <NAME>_PORT that is not a service link', () => {
    expect(flagged({ SWEEPR_PORT: '9465' })).toEqual([
      'SWEEPR_PORT: not a setting sessiond knows; did you mean SWEEPER_PORT?',
    ]);
  });

  it('lets HOST and PORT be, but not their one-letter typos', () => {
    expect(flagged({ HOME: '/root', POST: '1' })).toEqual([
      'POST: not a setting sessiond knows; did you mean PORT or HOST?',
    ]);
  });
});

describe('parseEnv and look-alikes', () => {
  const schema = z.object({
    SWEEP_INTERVAL_MS: envInt(1, 10).optional(),
    TACACS_SECRET: z.string().optional(),
  });

  it('knows the schema, the secrets and their _FILE, the pattern secrets and the extra names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'env-config-look-alike-'));
    try {
      writeFileSync(join(dir, 'key'), 'a-key');
      const { problems } = parseEnv(
        schema,
        {
          SWEEP_INTERVAL_MS: '5',
          TACACS_SECRET_FILE: join(dir, 'key'),
          TACACS_SECRET_B: 'b',
          TACACS_SECRET_C_FILE: join(dir, 'key'),
          SWEEP_INTERVAL_MAX: '1',
          PATH: '/bin',
        },
        new Set(['TACACS_SECRET']),
        { secretPatterns: [TACACS_KEY_SECRETS], knownNames: ['SWEEP_INTERVAL_MAX'] },
      );
      expect(problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports look-alikes after the variables it checked', () => {
    const { problems, data } = parseEnv(
      schema,
      { SWEEP_INTERVL_MS: '5', SWEEP_INTERVAL_MS: '50', TACACS_SECRET_B: 'b' },
      new Set(['TACACS_SECRET']),
    );
    expect(data).toBeUndefined();
    expect(problems).toEqual([
      "SWEEP_INTERVAL_MS: must be at most 10 (got '50')",
      'SWEEP_INTERVL_MS: not a setting sessiond knows; did you mean SWEEP_INTERVAL_MS?',
      // without the per-server key pattern, TACACS_SECRET_B is a typo too
      'TACACS_SECRET_B: not a setting sessiond knows; did you mean TACACS_SECRET?',
    ]);
  });
});
