import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCertificates, type TestCertificates } from '@sessiond/test-utils';
import { TacacsClient, TacacsConfigError, tlsTransportFromFiles } from '@sessiond/tacacs-plus';
import { parseServerArgs } from '../src/cli/parse-args';
import { startServerFromCli } from '../src/cli/run-server';
import { USERS } from './helpers/fixtures';

// The CLI's RFC 9887 flags: --tls-cert / --tls-key / --tls-ca / --tls-require-client-cert.

let dir: string;
let usersFile: string;
let certs: TestCertificates;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tacacs-tls-cli-'));
  usersFile = join(dir, 'users.json');
  await writeFile(usersFile, JSON.stringify(USERS));
  certs = await createTestCertificates();
});

afterAll(async () => {
  certs.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe('TLS arguments', () => {
  test('--tls-cert and --tls-key replace the key', () => {
    expect(
      parseServerArgs([
        '--users',
        'u',
        '--tls-cert',
        'c.pem',
        '--tls-key',
        'k.pem',
        '--tls-ca',
        'ca.pem',
        '--tls-require-client-cert',
      ]),
    ).toMatchObject({
      usersFile: 'u',
      tls: { certFile: 'c.pem', keyFile: 'k.pem', caFile: 'ca.pem', requireClientCert: true },
    });
  });

  test.each([
    [['--tls-cert', 'c.pem'], '--tls-cert needs --tls-key'],
    [['--tls-key', 'k.pem'], '--tls-key, --tls-ca and --tls-require-client-cert need --tls-cert'],
    [
      ['--tls-cert', 'c', '--tls-key', 'k', '--tls-require-client-cert'],
      '--tls-require-client-cert needs --tls-ca',
    ],
    [['--tls-cert', 'c', '--tls-key', 'k', '--key', 's'], '--key / --key-file are not used with --tls-cert'],
  ])('%j is refused', (args, message) => {
    expect(() => parseServerArgs(['--users', 'u', ...args])).toThrow(TacacsConfigError);
    expect(() => parseServerArgs(['--users', 'u', ...args])).toThrow(message);
  });

  test('a TLS server from the CLI answers a TLS client; mutual TLS refuses a client without a certificate', async () => {
    const lines: string[] = [];
    const options = parseServerArgs([
      '--users',
      usersFile,
      '--port',
      '0',
      '--tls-cert',
      certs.serverCertFile,
      '--tls-key',
      certs.serverKeyFile,
      '--tls-ca',
      certs.caFile,
      '--tls-require-client-cert',
      '--quiet',
    ]);
    if (options === 'help') throw new Error('unexpected help');
    const server = await startServerFromCli(options, (line) => lines.push(line));
    const withCert = new TacacsClient({
      servers: [{ host: '127.0.0.1', port: server.port }],
      transport: tlsTransportFromFiles({
        caFile: certs.caFile,
        certFile: certs.clientCertFile,
        keyFile: certs.clientKeyFile,
      }),
    });
    const withoutCert = new TacacsClient({
      servers: [{ host: '127.0.0.1', port: server.port }],
      transport: tlsTransportFromFiles({ caFile: certs.caFile }),
      retries: 0,
    });
    try {
      expect(lines[0]).toMatch(/listening on 127\.0\.0\.1:\d+ \(TLS 1\.3, RFC 9887\)/);
      await expect(withCert.authenticate({ username: 'alice', password: 'alice-pw' })).resolves.toMatchObject(
        {
          status: 'pass',
        },
      );
      await expect(
        withoutCert.authenticate({ username: 'alice', password: 'alice-pw' }),
      ).resolves.toMatchObject({
        status: 'unavailable',
        reason: 'tls',
      });
    } finally {
      await withCert.close();
      await withoutCert.close();
      await server.close();
    }
  });

  test('an unreadable certificate file is a clear error', async () => {
    const options = parseServerArgs([
      '--users',
      usersFile,
      '--tls-cert',
      join(dir, 'nope.pem'),
      '--tls-key',
      'k',
    ]);
    if (options === 'help') throw new Error('unexpected help');
    await expect(startServerFromCli(options, () => undefined)).rejects.toThrow(
      /--tls-cert: cannot read '.*nope\.pem' \(ENOENT\)/,
    );
  });
});
