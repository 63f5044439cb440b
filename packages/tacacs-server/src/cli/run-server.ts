import { readFile } from 'node:fs/promises';
import { TacacsConfigError } from '@sessiond/tacacs-plus';
import type { RequestLogEntry } from '../server/handler-types';
import { TacacsServer } from '../server/tacacs-server';
import type { TacacsServerTlsOptions } from '../server/tls-listener';
import type { ServerCliOptions } from './parse-args';

/** One log line per finished request: time, kind, user, result. Never a password or the key. */
export function formatLogLine(entry: RequestLogEntry): string {
  const detail = entry.detail !== undefined ? ` detail=${JSON.stringify(entry.detail)}` : '';
  return `${entry.time} ${entry.kind} user=${JSON.stringify(entry.username)} result=${entry.result} remote=${entry.remote}${detail}`;
}

/** The TLS options of --tls-cert / --tls-key / --tls-ca (PEM files read once, at start). */
async function readTls(tls: NonNullable<ServerCliOptions['tls']>): Promise<TacacsServerTlsOptions> {
  const read = async (flag: string, file: string): Promise<Buffer> => {
    try {
      return await readFile(file);
    } catch (error) {
      throw new TacacsConfigError(
        `${flag}: cannot read '${file}' (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  };
  return {
    cert: await read('--tls-cert', tls.certFile),
    key: await read('--tls-key', tls.keyFile),
    ...(tls.caFile !== undefined ? { ca: await read('--tls-ca', tls.caFile), requestClientCert: true } : {}),
    requireClientCert: tls.requireClientCert,
  };
}

async function readKey(options: ServerCliOptions): Promise<string> {
  if (options.key !== undefined) return options.key;
  const text = await readFile(options.keyFile ?? '', 'utf8');
  const key = text.replace(/\r?\n$/, '');
  if (key === '') throw new TacacsConfigError('the key file is empty');
  return key;
}

/** Starts the server the CLI describes; `log` receives the start line and one line per request. */
export async function startServerFromCli(
  options: ServerCliOptions,
  log: (line: string) => void,
): Promise<TacacsServer> {
  const server = new TacacsServer({
    ...(options.tls !== undefined ? { tls: await readTls(options.tls) } : { key: await readKey(options) }),
    users: options.usersFile,
    host: options.host,
    port: options.port,
    singleConnect: options.singleConnect,
    ...(options.singleConnectMode !== undefined ? { singleConnectMode: options.singleConnectMode } : {}),
    ...(options.accountingFile !== undefined ? { accountingFile: options.accountingFile } : {}),
    ...(options.quiet ? {} : { onRequest: (entry: RequestLogEntry) => log(formatLogLine(entry)) }),
  });
  await server.listen();
  log(
    `sessiond-tacacs-server listening on ${server.address}${options.tls !== undefined ? ' (TLS 1.3, RFC 9887)' : ''}`,
  );
  return server;
}
