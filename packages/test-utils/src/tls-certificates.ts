import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findBinary } from './binaries';

const run = promisify(execFile);

/** PEM files made at test time: a CA, a server certificate signed by it, a client one, and a stranger CA. */
export interface TestCertificates {
  readonly dir: string;
  /** The CA that signed the server and client certificates. */
  readonly caFile: string;
  /** The server's certificate and key, for 127.0.0.1 and localhost. */
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  /** A client certificate and key signed by the same CA (for `tls-auth-clients yes`). */
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  /** A server certificate (same CA) naming only DNS `tacacs.test`: reached by IP, only a servername override verifies. */
  readonly namedServerCertFile: string;
  readonly namedServerKeyFile: string;
  /** A CA that signed nothing here: trusting it instead of caFile must fail the handshake. */
  readonly otherCaFile: string;
  /** The files' contents, for a test's own connections. */
  read(file: string): Buffer;
  destroy(): void;
}

// EC keys: quick to make, and what a modern deployment uses.
const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Makes the certificates with the `openssl` command line into a new temporary folder. */
export async function createTestCertificates(): Promise<TestCertificates> {
  const openssl = findBinary('openssl');
  const dir = mkdtempSync(join(tmpdir(), 'sessiond-tls-'));
  const path = (name: string): string => join(dir, name);
  try {
    const ca = async (name: string, subject: string): Promise<void> => {
      await run(openssl, [
        'req',
        '-x509',
        '-new',
        ...KEY,
        '-days',
        '2',
        '-subj',
        subject,
        '-keyout',
        path(`${name}.key`),
        '-out',
        path(`${name}.crt`),
      ]);
    };
    const leaf = async (name: string, subject: string, extensions: string): Promise<void> => {
      writeFileSync(path(`${name}.ext`), extensions);
      await run(openssl, [
        'req',
        '-new',
        ...KEY,
        '-subj',
        subject,
        '-keyout',
        path(`${name}.key`),
        '-out',
        path(`${name}.csr`),
      ]);
      await run(openssl, [
        'x509',
        '-req',
        '-in',
        path(`${name}.csr`),
        '-CA',
        path('ca.crt'),
        '-CAkey',
        path('ca.key'),
        '-CAcreateserial',
        '-days',
        '2',
        '-extfile',
        path(`${name}.ext`),
        '-out',
        path(`${name}.crt`),
      ]);
    };
    await ca('ca', '/CN=sessiond test CA');
    await ca('other-ca', '/CN=sessiond stranger CA');
    await leaf(
      'server',
      '/CN=localhost',
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n',
    );
    await leaf('client', '/CN=sessiond', 'extendedKeyUsage=clientAuth\n');
    await leaf('named', '/CN=tacacs.test', 'subjectAltName=DNS:tacacs.test\nextendedKeyUsage=serverAuth\n');
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    caFile: path('ca.crt'),
    serverCertFile: path('server.crt'),
    serverKeyFile: path('server.key'),
    clientCertFile: path('client.crt'),
    clientKeyFile: path('client.key'),
    namedServerCertFile: path('named.crt'),
    namedServerKeyFile: path('named.key'),
    otherCaFile: path('other-ca.crt'),
    read: (file) => readFileSync(file),
    destroy: () => rmSync(dir, { recursive: true, force: true }),
  };
}
