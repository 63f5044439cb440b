import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../src/errors';
import { loadConfig } from '../src/config';

// The sweeper sends the STOPs with its own TacacsClient: TACACS_TLS reaches it the same way (RFC 9887).

let dir: string;
let ca: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sweeper-tacacs-tls-'));
  ca = join(dir, 'ca.pem');
  writeFileSync(ca, 'PEM\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  return '';
}

describe('sweeper with TACACS_TLS=true', () => {
  it('needs no TACACS_SECRET; servers without a port get 300', () => {
    const config = loadConfig({
      TACACS_ACCOUNTING: 'true',
      TACACS_TLS: 'true',
      TACACS_TLS_CA_FILE: ca,
      TACACS_TLS_SERVERNAME: 'tacacs.example.net',
      TACACS_SERVERS: 'tac1,tac2:4949',
    });
    expect(config.accounting.tls).toEqual({
      caFile: ca,
      certFile: undefined,
      keyFile: undefined,
      servername: 'tacacs.example.net',
    });
    expect(config.accounting.servers).toEqual([
      { host: 'tac1', port: 300, key: '', secretVariable: '' },
      { host: 'tac2', port: 4949, key: '', secretVariable: '' },
    ]);
  });

  it('names the missing CA file and a secret that TLS does not use', () => {
    const message = problems({
      TACACS_ACCOUNTING: 'true',
      TACACS_TLS: 'true',
      TACACS_SERVERS: 'tac1',
      TACACS_SECRET: 'a-shared-secret-123',
    });
    expect(message).toMatch(/TACACS_TLS_CA_FILE: required when TACACS_TLS is true/);
    expect(message).toMatch(/TACACS_SECRET: not used with TACACS_TLS=true/);
    expect(message).not.toContain('a-shared-secret-123');
  });

  it('refuses TLS files without TACACS_TLS=true', () => {
    expect(problems({ TACACS_TLS_CA_FILE: ca })).toMatch(/TACACS_TLS_CA_FILE: set TACACS_TLS=true/);
  });
});
