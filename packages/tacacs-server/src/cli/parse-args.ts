import { parseArgs } from 'node:util';
import { TacacsConfigError } from '@sessiond/tacacs-plus';
import type { SingleConnectMode } from '../server/server-connection';

const SINGLE_CONNECT_MODES: readonly SingleConnectMode[] = ['multiplex', 'tac-plus'];

export interface ServerCliOptions {
  readonly usersFile: string;
  /** Exactly one of `key` (visible in the process list) or `keyFile`. */
  readonly key?: string;
  readonly keyFile?: string;
  readonly host: string;
  readonly port: number;
  readonly accountingFile?: string;
  readonly singleConnect: boolean;
  /** Present only when --single-connect-mode was given (the server's default is multiplex). */
  readonly singleConnectMode?: SingleConnectMode;
  /** No per-request log lines (benchmarks). */
  readonly quiet: boolean;
  /** TACACS+ over TLS 1.3 (RFC 9887): PEM files; then no key. */
  readonly tls?: {
    readonly certFile: string;
    readonly keyFile: string;
    readonly caFile?: string;
    readonly requireClientCert: boolean;
  };
}

export const USAGE = `Usage: sessiond-tacacs-server --users users.json (--key-file FILE | --key SECRET) [options]
       sessiond-tacacs-server --users users.json --tls-cert FILE --tls-key FILE [--tls-ca FILE] [options]

A small RFC 8907 TACACS+ server for tests and local stacks; RFC 9887 TACACS+ over TLS 1.3 with --tls-cert.

  --users FILE             users file: { "users": [ { "username", "password" | "scrypt", "priv-lvl" } ] }
  --key-file FILE          read the shared secret from FILE (a trailing newline is ignored)
  --key SECRET             the shared secret (visible in the process list: prefer --key-file)
  --host ADDRESS           address to bind (default 127.0.0.1)
  --port PORT              TCP port (default 4949; 0 picks a free one)
  --accounting-file FILE   append accounting records to FILE as JSON lines
  --no-single-connect      refuse single-connect mode
  --single-connect-mode M  multiplex (default; RFC 8907 §4.3: sessions interleave on a connection) or
                           tac-plus (like tac_plus -S: one session at a time; the connection stays
                           open only if the last packet of a session carried the single-connect flag)
  --tls-cert FILE          serve TACACS+ over TLS 1.3 (RFC 9887) with this PEM certificate (chain);
                           no shared key then (no obfuscation over TLS)
  --tls-key FILE           the PEM private key of --tls-cert
  --tls-ca FILE            PEM CA(s) for client certificates (asked for, verified when given)
  --tls-require-client-cert  refuse clients without a certificate signed by --tls-ca (mutual TLS)
  --quiet                  no per-request log lines
  --help                   show this help`;

/** Parses the CLI arguments; `help` when --help was given. Throws TacacsConfigError on bad usage. */
export function parseServerArgs(argv: readonly string[]): ServerCliOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        users: { type: 'string' },
        key: { type: 'string' },
        'key-file': { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '4949' },
        'accounting-file': { type: 'string' },
        'no-single-connect': { type: 'boolean', default: false },
        'single-connect-mode': { type: 'string' },
        quiet: { type: 'boolean', default: false },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-ca': { type: 'string' },
        'tls-require-client-cert': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new TacacsConfigError((error as Error).message);
  }
  if (values.help === true) return 'help';
  if (values.users === undefined) throw new TacacsConfigError('--users is required');
  const tls = tlsArgs(values);
  if (tls !== undefined) {
    if (values.key !== undefined || values['key-file'] !== undefined) {
      throw new TacacsConfigError(
        '--key / --key-file are not used with --tls-cert (RFC 9887: no obfuscation over TLS)',
      );
    }
  } else if ((values.key === undefined) === (values['key-file'] === undefined)) {
    throw new TacacsConfigError('give exactly one of --key-file or --key');
  }
  const mode = values['single-connect-mode'];
  if (mode !== undefined && !SINGLE_CONNECT_MODES.includes(mode as SingleConnectMode)) {
    throw new TacacsConfigError(`--single-connect-mode must be one of ${SINGLE_CONNECT_MODES.join(', ')}`);
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535) throw new TacacsConfigError('--port must be 0..65535');
  return {
    usersFile: values.users,
    ...(values.key !== undefined ? { key: values.key } : {}),
    ...(values['key-file'] !== undefined ? { keyFile: values['key-file'] } : {}),
    host: values.host,
    port,
    ...(values['accounting-file'] !== undefined ? { accountingFile: values['accounting-file'] } : {}),
    singleConnect: values['no-single-connect'] !== true,
    ...(mode !== undefined ? { singleConnectMode: mode as SingleConnectMode } : {}),
    quiet: values.quiet === true,
    ...(tls !== undefined ? { tls } : {}),
  };
}

function tlsArgs(values: {
  readonly 'tls-cert'?: string | undefined;
  readonly 'tls-key'?: string | undefined;
  readonly 'tls-ca'?: string | undefined;
  readonly 'tls-require-client-cert'?: boolean | undefined;
}): ServerCliOptions['tls'] {
  const cert = values['tls-cert'];
  const key = values['tls-key'];
  const ca = values['tls-ca'];
  const require = values['tls-require-client-cert'] === true;
  if (cert === undefined) {
    if (key !== undefined || ca !== undefined || require) {
      throw new TacacsConfigError('--tls-key, --tls-ca and --tls-require-client-cert need --tls-cert');
    }
    return undefined;
  }
  if (key === undefined) throw new TacacsConfigError('--tls-cert needs --tls-key');
  if (require && ca === undefined) throw new TacacsConfigError('--tls-require-client-cert needs --tls-ca');
  return {
    certFile: cert,
    keyFile: key,
    ...(ca !== undefined ? { caFile: ca } : {}),
    requireClientCert: require,
  };
}
