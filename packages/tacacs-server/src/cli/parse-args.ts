import { parseArgs } from 'node:util';
import { TacacsConfigError } from '@sessiond/tacacs-plus';

export interface ServerCliOptions {
  readonly usersFile: string;
  /** Exactly one of `key` (visible in the process list) or `keyFile`. */
  readonly key?: string;
  readonly keyFile?: string;
  readonly host: string;
  readonly port: number;
  readonly accountingFile?: string;
  readonly singleConnect: boolean;
  /** No per-request log lines (benchmarks). */
  readonly quiet: boolean;
}

export const USAGE = `Usage: sessiond-tacacs-server --users users.json (--key-file FILE | --key SECRET) [options]

A small RFC 8907 TACACS+ server for tests and local stacks.

  --users FILE             users file: { "users": [ { "username", "password" | "scrypt", "priv-lvl" } ] }
  --key-file FILE          read the shared secret from FILE (a trailing newline is ignored)
  --key SECRET             the shared secret (visible in the process list: prefer --key-file)
  --host ADDRESS           address to bind (default 127.0.0.1)
  --port PORT              TCP port (default 4949; 0 picks a free one)
  --accounting-file FILE   append accounting records to FILE as JSON lines
  --no-single-connect      refuse single-connect mode
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
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new TacacsConfigError((error as Error).message);
  }
  if (values.help === true) return 'help';
  if (values.users === undefined) throw new TacacsConfigError('--users is required');
  if ((values.key === undefined) === (values['key-file'] === undefined)) {
    throw new TacacsConfigError('give exactly one of --key-file or --key');
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
    quiet: values.quiet === true,
  };
}
