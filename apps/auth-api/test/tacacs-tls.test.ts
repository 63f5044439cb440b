import { readFileSync } from 'node:fs';
import { createTestCertificates, waitFor, type TestCertificates } from '@sessiond/test-utils';
import { ConfigError, loadConfig } from '../src/config';
import { startHarness, stopSharedRedis, type Harness } from './support/harness';

// TACACS_TLS=true end to end (RFC 9887): the real config parser, the TACACS+ method and the project's
// server over TLS 1.3. A certificate that does not verify is a misconfiguration (502), never a 401.

let certs: TestCertificates;
let harness: Harness | undefined;

beforeAll(async () => {
  certs = await createTestCertificates();
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});
afterAll(async () => {
  certs.destroy();
  await stopSharedRedis();
});

async function start(caFile: string, methods = 'tacacs,local'): Promise<Harness> {
  harness = await startHarness({
    tacacsTls: { cert: readFileSync(certs.serverCertFile), key: readFileSync(certs.serverKeyFile) },
    env: { TACACS_TLS: 'true', TACACS_TLS_CA_FILE: caFile, AAA_METHODS: methods, TACACS_ACCOUNTING: 'true' },
  });
  return harness;
}

describe('auth-api with TACACS_TLS=true', () => {
  it('logs in over TLS 1.3 without a shared secret, with accounting', async () => {
    const h = await start(certs.caFile);
    const ok = await h.login('alice', 'alice-pw');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ 'priv-lvl': 15 });
    expect(h.tacacs[0]?.stats().results['pass']).toBeGreaterThanOrEqual(1);
    const wrong = await h.login('bob', 'not-bob-pw');
    expect(wrong.status).toBe(401);
    await waitFor(() => (h.tacacs[0]?.stats().accountingRecords ?? 0) >= 1, {
      message: 'the START record over TLS',
    });
  });

  it.each(['tacacs', 'tacacs,local'])(
    'an untrusted server certificate (AAA_METHODS=%s): 502 aaa_misconfigured saying TLS verification failed, never 401',
    async (methods) => {
      const h = await start(certs.otherCaFile, methods);
      // alice is a TACACS+ user with the right password; the local fallback does not know this one.
      const res = await h.login('alice', 'alice-pw');
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({
        code: 'aaa_misconfigured',
        aaa: { method: 'tacacs+', status: 'misconfigured' },
      });
      expect((res.body as { detail: string }).detail).toMatch(/^TLS verification failed/);
      const ready = await h.management().get('/readyz');
      expect(JSON.stringify(ready.body)).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/);
      expect(h.logs.join('')).toContain('tacacs.tls-failed');
    },
  );
});

describe('TACACS_TLS configuration (auth-api)', () => {
  const base = {
    USER_TAG_SECRET: 'test-user-tag-secret-0123456789',
    AAA_METHODS: 'tacacs',
    TACACS_SERVERS: '127.0.0.1',
  };

  function problems(env: Record<string, string>): string {
    try {
      loadConfig({ ...base, ...env });
    } catch (error) {
      if (error instanceof ConfigError) return error.problems.join('\n');
      throw error;
    }
    return '';
  }

  it('gives the TACACS+ method the TLS files, port 300 and no key', () => {
    const config = loadConfig({ ...base, TACACS_TLS: 'true', TACACS_TLS_CA_FILE: certs.caFile });
    expect(config.aaa.settings.tacacs?.tls).toMatchObject({ caFile: certs.caFile });
    expect(config.aaa.settings.tacacs?.servers).toEqual([
      { host: '127.0.0.1', port: 300, keyName: undefined, key: '', secretVariable: '' },
    ]);
  });

  it.each([
    [{ TACACS_TLS: 'true' }, /TACACS_TLS_CA_FILE: required/],
    [{ TACACS_TLS: 'true', TACACS_TLS_CA_FILE: '/nonexistent/ca.pem' }, /TACACS_TLS_CA_FILE.*ENOENT/],
    [{ TACACS_TLS_CERT_FILE: '/etc/hostname' }, /TACACS_TLS_CERT_FILE: set TACACS_TLS=true/],
  ])('refuses %o', (env, problem) => {
    expect(problems(env)).toMatch(problem);
  });

  it('without TACACS_TLS, TACACS_SECRET is still required', () => {
    expect(problems({})).toMatch(/TACACS_SECRET/);
  });
});
