import { z } from 'zod';
import {
  envList,
  formatHostPort,
  hostPortIdentity,
  parseHostPortEntry,
  type EntryResult,
  type HostPort,
} from './host-port';
import { envIpAddress } from './hosts';
import type { ParsedEnv } from './parse-env';
import { FILE_SUFFIX } from './secret-files';
import { TACACS_TLS_DEFAULT_PORT, tacacsTlsEnv, type TacacsTlsSettings } from './tacacs-tls';

/**
 * IANA: TCP port 49 is TACACS+ (RFC 8907 §4). The same fact as @sessiond/tacacs-plus's DEFAULT_PORT,
 * which this package does not depend on; the sweeper's config test ties the two together.
 */
export const TACACS_DEFAULT_PORT = 49;

const DEFAULT_SECRET = 'TACACS_SECRET';
const KEY_SECRET_PREFIX = `${DEFAULT_SECRET}_`;
const KEY_NAME = /^[A-Za-z0-9]{1,32}$/;
// TACACS_SECRET_FILE is TACACS_SECRET's file (secret-files.ts), so no key may be called FILE.
const RESERVED_KEY_NAME = FILE_SUFFIX.slice(1);

/**
 * The per-server keys `TACACS_SECRET_<X>` (X: 1-32 of A-Z 0-9). Pass it to parseEnv as a secret
 * pattern: each may then come from `TACACS_SECRET_<X>_FILE`, is never printed, and is in `present`.
 */
export const TACACS_KEY_SECRETS = new RegExp(`^${KEY_SECRET_PREFIX}(?!${RESERVED_KEY_NAME}$)[A-Z0-9]{1,32}$`);

export interface TacacsServerEntry extends HostPort {
  /** The name after `=`, as written (case-insensitive); undefined when the server uses TACACS_SECRET. */
  readonly keyName: string | undefined;
  /** True when the entry names no port (then 49, or 300 with TACACS_TLS=true); absent otherwise. */
  readonly portDefaulted?: true;
}

export interface TacacsServer extends Omit<TacacsServerEntry, 'portDefaulted'> {
  /** Empty with TACACS_TLS=true: no obfuscation, so no key (RFC 9887 §4). */
  readonly key: string;
  /**
   * Where the key came from (TACACS_SECRET or TACACS_SECRET_<X>): for logs, which never show the key.
   * Empty with TACACS_TLS=true.
   */
  readonly secretVariable: string;
}

/** The variable holding the key of servers listed with `=keyName` (TACACS_SECRET without one). */
export function tacacsSecretVariable(keyName: string | undefined): string {
  return keyName === undefined ? DEFAULT_SECRET : `${KEY_SECRET_PREFIX}${keyName.toUpperCase()}`;
}

/** One entry of TACACS_SERVERS: `host[:port][=keyname]`, port 49 by default, IPv6 hosts in brackets. */
export function parseTacacsServerEntry(entry: string): EntryResult<TacacsServerEntry> {
  const equals = entry.indexOf('=');
  const address = equals < 0 ? entry : entry.slice(0, equals);
  const keyName = equals < 0 ? undefined : entry.slice(equals + 1);
  if (keyName !== undefined && !KEY_NAME.test(keyName)) {
    return { ok: false, problem: `key name '${keyName}' of '${entry}' must be 1-32 letters or digits` };
  }
  if (keyName?.toUpperCase() === RESERVED_KEY_NAME) {
    return {
      ok: false,
      problem: `key name '${keyName}' of '${entry}' is reserved: ${DEFAULT_SECRET}${FILE_SUFFIX} is the file of ${DEFAULT_SECRET}`,
    };
  }
  if (address === '') return { ok: false, problem: `'${entry}' has no host` };
  const explicit = parseHostPortEntry(address);
  if (explicit.ok) return { ok: true, value: { ...explicit.value, keyName } };
  const hostPort = parseHostPortEntry(address, { defaultPort: TACACS_DEFAULT_PORT });
  return hostPort.ok ? { ok: true, value: { ...hostPort.value, keyName, portDefaulted: true } } : hostPort;
}

/** TACACS_SERVERS: `host[:port][=keyname][,…]`, tried in order. */
export const envTacacsServers = envList<TacacsServerEntry>({
  noun: 'servers',
  format: 'host:port',
  parse: parseTacacsServerEntry,
  identity: hostPortIdentity,
});

/**
 * The TACACS+ variables both apps read, with this one definition: the auth-api's START and the
 * sweeper's STOP must carry the same port name, and reach the servers the same way.
 */
export const tacacsEnv = {
  TACACS_SERVERS: envTacacsServers.optional(),
  TACACS_SECRET: z.string().optional(),
  /** The local address TACACS+ connections come from (servers often allow only the NAS's). */
  TACACS_SOURCE_ADDRESS: envIpAddress.optional(),
  /** The `port` field of accounting and authentication records (RFC 8907 §5.1): printable ASCII. */
  TACACS_PORT_NAME: z
    .string()
    .trim()
    .regex(/^[!-~]{1,64}$/, 'use 1-64 printable ASCII characters, no spaces')
    .default('sessiond'),
  ...tacacsTlsEnv,
};

/**
 * Gives each server its key: TACACS_SECRET, or TACACS_SECRET_<X> for `=x`, from `parsed.present`
 * (parseEnv's values after reading `_FILE`s; pass TACACS_KEY_SECRETS as a secret pattern). Pushes
 * one problem per key a server needs but nobody set, and one per TACACS_SECRET_<X> no server uses;
 * keys whose `_FILE` failed (`parsed.unresolved`) are reported already. Never puts a key in a message.
 * `servers` undefined (TACACS_SERVERS unset or invalid, reported elsewhere): checks nothing, returns [].
 * With `tls` (TACACS_TLS=true, resolveTacacsTls): no key is needed nor allowed, and a server without
 * a port gets 300 (RFC 9887).
 */
export function resolveTacacsServers(
  servers: readonly TacacsServerEntry[] | undefined,
  parsed: Pick<ParsedEnv<unknown>, 'present' | 'unresolved'>,
  problems: string[],
  tls?: TacacsTlsSettings,
): TacacsServer[] {
  if (servers === undefined) return [];
  if (tls !== undefined) return tlsServers(servers, parsed, problems);
  const users = new Map<string, TacacsServerEntry[]>();
  for (const server of servers) {
    const variable = tacacsSecretVariable(server.keyName);
    users.set(variable, [...(users.get(variable) ?? []), server]);
  }
  for (const [variable, [first, ...others] = []] of users) {
    if ((parsed.present[variable] ?? '') !== '' || parsed.unresolved.has(variable) || first === undefined) {
      continue;
    }
    const listed = [first, ...others].map(formatHostPort).join(', ');
    const key = first.keyName === undefined ? 'the default key' : `key '${first.keyName}'`;
    const who = others.length === 0 ? `server ${listed} uses` : `servers ${listed} use`;
    problems.push(`TACACS_SERVERS: ${who} ${key} but ${variable} (or ${variable}${FILE_SUFFIX}) is not set`);
  }
  for (const name of Object.keys(parsed.present)) {
    if (TACACS_KEY_SECRETS.test(name) && !users.has(name)) {
      const keyName = name.slice(KEY_SECRET_PREFIX.length).toLowerCase();
      problems.push(`${name}: no server in TACACS_SERVERS uses it (write host:port=${keyName} to use it)`);
    }
  }
  return servers.flatMap((server) => {
    const secretVariable = tacacsSecretVariable(server.keyName);
    const key = parsed.present[secretVariable] ?? '';
    const { host, port, keyName } = server;
    return key === '' ? [] : [{ host, port, keyName, key, secretVariable }];
  });
}

/** TACACS_TLS=true: RFC 9887 §4 uses no obfuscation, so a key anywhere is a mistake worth stopping on. */
function tlsServers(
  servers: readonly TacacsServerEntry[],
  parsed: Pick<ParsedEnv<unknown>, 'present'>,
  problems: string[],
): TacacsServer[] {
  for (const name of Object.keys(parsed.present)) {
    if (name === DEFAULT_SECRET || TACACS_KEY_SECRETS.test(name)) {
      problems.push(
        `${name}: not used with TACACS_TLS=true (TLS replaces the shared-key obfuscation); remove it`,
      );
    }
  }
  const resolved = servers.map(({ host, port, keyName, portDefaulted }) => ({
    host,
    port: portDefaulted === true ? TACACS_TLS_DEFAULT_PORT : port,
    keyName,
    key: '',
    secretVariable: '',
  }));
  const named = resolved.filter((server) => server.keyName !== undefined);
  if (named.length > 0) {
    problems.push(
      `TACACS_SERVERS: ${named.map((s) => `${formatHostPort(s)}=${s.keyName ?? ''}`).join(', ')} name a key, but TACACS_TLS=true uses none; remove '=<key>'`,
    );
  }
  return resolved;
}
