// @ts-check
/**
 * Certificates for `TACACS_TLS=true npm start` (RFC 9887 TACACS+ over TLS 1.3 on the local stack):
 * a private CA, a server certificate for 127.0.0.1 / localhost and a client certificate (mutual TLS),
 * made with the openssl command line into the data folder on the first start and kept. Nothing here
 * is ever committed: the folder is .data/ (git-ignored), keys are written 0600.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// EC P-256 keys: quick to make, and what a modern deployment uses.
const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const DAYS = '365';

/**
 * The PEM files in `dir` (made when one is missing).
 * @param {string} dir
 * @returns {{ caFile: string, serverCertFile: string, serverKeyFile: string, clientCertFile: string, clientKeyFile: string }}
 */
export function tacacsTlsCertificates(dir) {
  const path = (/** @type {string} */ name) => join(dir, name);
  const files = {
    caFile: path('ca.crt'),
    serverCertFile: path('server.crt'),
    serverKeyFile: path('server.key'),
    clientCertFile: path('client.crt'),
    clientKeyFile: path('client.key'),
  };
  if (Object.values(files).every((file) => existsSync(file))) return files;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const openssl = (/** @type {string[]} */ args) => {
    try {
      execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      const code = /** @type {NodeJS.ErrnoException} */ (error).code;
      throw new Error(
        code === 'ENOENT'
          ? 'TACACS_TLS=true needs the openssl command line to make the local certificates (Debian/Ubuntu: sudo apt-get install openssl)'
          : `openssl ${args[0] ?? ''} failed: ${String(/** @type {{ stderr?: unknown }} */ (error).stderr ?? error)}`,
      );
    }
  };
  // prettier-ignore
  openssl(['req', '-x509', '-new', ...KEY, '-days', DAYS, '-subj', '/CN=sessiond local TACACS CA', '-keyout', path('ca.key'), '-out', files.caFile]);
  const leaf = (
    /** @type {string} */ name,
    /** @type {string} */ subject,
    /** @type {string} */ extensions,
  ) => {
    writeFileSync(path(`${name}.ext`), extensions);
    // prettier-ignore
    openssl(['req', '-new', ...KEY, '-subj', subject, '-keyout', path(`${name}.key`), '-out', path(`${name}.csr`)]);
    // prettier-ignore
    openssl(['x509', '-req', '-in', path(`${name}.csr`), '-CA', files.caFile, '-CAkey', path('ca.key'), '-CAcreateserial', '-days', DAYS, '-extfile', path(`${name}.ext`), '-out', path(`${name}.crt`)]);
    rmSync(path(`${name}.csr`));
    rmSync(path(`${name}.ext`));
  };
  leaf('server', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf('client', '/CN=sessiond', 'extendedKeyUsage=clientAuth\n');
  for (const key of ['ca.key', 'server.key', 'client.key']) chmodSync(path(key), 0o600);
  return files;
}
