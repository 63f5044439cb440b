import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  TACACS_KEY_SECRETS,
  TACACS_TLS_DEFAULT_PORT,
  parseEnv,
  resolveTacacsServers,
  resolveTacacsTls,
  tacacsEnv,
} from '@sessiond/env-config';

// TACACS_TLS and its files (RFC 9887): what both apps do with the shared TACACS+ variables.

const schema = z.object({ ...tacacsEnv });
const SECRETS = new Set(['TACACS_SECRET']);

function load(env: Record<string, string>) {
  const parsed = parseEnv(schema, env, SECRETS, { secretPatterns: [TACACS_KEY_SECRETS] });
  const tls = resolveTacacsTls(parsed.present, parsed.problems);
  const entries = parsed.data?.TACACS_SERVERS;
  const servers = entries === undefined ? [] : resolveTacacsServers(entries, parsed, parsed.problems, tls);
  return { ...parsed, tls, servers };
}

let dir: string;
let ca: string;
let cert: string;
let key: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'env-config-tacacs-tls-'));
  ca = join(dir, 'ca.pem');
  cert = join(dir, 'client.pem');
  key = join(dir, 'client.key');
  for (const file of [ca, cert, key]) writeFileSync(file, 'PEM\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TACACS_TLS', () => {
  it('needs no TACACS_SECRET, and gives servers without a port 300', () => {
    const { problems, tls, servers } = load({
      TACACS_TLS: 'true',
      TACACS_TLS_CA_FILE: ca,
      TACACS_SERVERS: 'tac1,tac2:4949,[2001:db8::1]',
    });
    expect(problems).toEqual([]);
    expect(tls).toEqual({ caFile: ca, certFile: undefined, keyFile: undefined, servername: undefined });
    expect(servers.map((s) => [s.host, s.port, s.key])).toEqual([
      ['tac1', TACACS_TLS_DEFAULT_PORT, ''],
      ['tac2', 4949, ''],
      ['2001:db8::1', 300, ''],
    ]);
  });

  it('reads the client certificate, its key and the servername', () => {
    const { problems, tls } = load({
      TACACS_TLS: 'yes',
      TACACS_TLS_CA_FILE: ca,
      TACACS_TLS_CERT_FILE: cert,
      TACACS_TLS_KEY_FILE: key,
      TACACS_TLS_SERVERNAME: ' tacacs.example.net ',
      TACACS_SERVERS: '10.0.0.1',
    });
    expect(problems).toEqual([]);
    expect(tls).toEqual({ caFile: ca, certFile: cert, keyFile: key, servername: 'tacacs.example.net' });
  });

  it('keeps port 49 as the default without TLS', () => {
    const { servers } = load({ TACACS_SERVERS: 'tac1', TACACS_SECRET: 'a-shared-secret-123' });
    expect(servers[0]?.port).toBe(49);
  });

  it.each([
    [{ TACACS_TLS: 'true' }, /TACACS_TLS_CA_FILE: required when TACACS_TLS is true/],
    [
      { TACACS_TLS: 'true', TACACS_TLS_CA_FILE: 'CA', TACACS_TLS_CERT_FILE: 'CERT' },
      /TACACS_TLS_CERT_FILE, TACACS_TLS_KEY_FILE: set both/,
    ],
    [{ TACACS_TLS_CA_FILE: 'CA' }, /TACACS_TLS_CA_FILE: set TACACS_TLS=true/],
    [{ TACACS_TLS: 'false', TACACS_TLS_SERVERNAME: 'x.test' }, /TACACS_TLS_SERVERNAME: set TACACS_TLS=true/],
    [
      { TACACS_TLS: 'true', TACACS_TLS_CA_FILE: '/nonexistent/ca.pem' },
      /TACACS_TLS_CA_FILE.*cannot read '\/nonexistent\/ca.pem' \(ENOENT/,
    ],
    [
      { TACACS_TLS: 'true', TACACS_TLS_CA_FILE: 'CA', TACACS_SECRET: 'a-shared-secret-123' },
      /TACACS_SECRET: not used with TACACS_TLS=true/,
    ],
    [
      { TACACS_TLS: 'true', TACACS_TLS_CA_FILE: 'CA', TACACS_SERVERS: 'tac1=b' },
      /tac1:300=b name a key, but TACACS_TLS=true uses none/,
    ],
    [
      { TACACS_TLS: 'true', TACACS_TLS_CA_FILE: 'CA', TACACS_TLS_SERVERNAME: 'bad name' },
      /TACACS_TLS_SERVERNAME/,
    ],
    [{ TACACS_TLS: 'maybe' }, /TACACS_TLS.*true or false/],
  ])('refuses %o', (env, problem) => {
    const resolved = Object.fromEntries(
      Object.entries(env).map(([name, value]) => [
        name,
        value === 'CA' ? ca : value === 'CERT' ? cert : value,
      ]),
    );
    const { problems } = load({ TACACS_SERVERS: 'tac1', ...resolved });
    expect(problems.join('\n')).toMatch(problem);
    expect(problems.join('\n')).not.toContain('a-shared-secret-123');
  });
});
