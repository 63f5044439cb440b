import { readFileSync } from 'node:fs';
import { TacacsConfigError } from '../errors';
import type { TacacsTransport } from './transport';
import { tlsTransport } from './tls-transport';

/** PEM files of a TLS transport, as an application's configuration names them. */
export interface TlsTransportFiles {
  readonly caFile: string;
  readonly certFile?: string | undefined;
  readonly keyFile?: string | undefined;
  readonly servername?: string | undefined;
}

function read(what: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new TacacsConfigError(`cannot read the TLS ${what} file '${file}' (${code})`, { cause: error });
  }
}

/** tlsTransport() with its CA, certificate and key read from PEM files once, now (at start-up). */
export function tlsTransportFromFiles(files: TlsTransportFiles): TacacsTransport {
  return tlsTransport({
    ca: read('CA', files.caFile),
    ...(files.certFile !== undefined ? { cert: read('certificate', files.certFile) } : {}),
    ...(files.keyFile !== undefined ? { key: read('key', files.keyFile) } : {}),
    ...(files.servername !== undefined ? { servername: files.servername } : {}),
  });
}
