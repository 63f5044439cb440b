import { isIP } from 'node:net';
import { z } from 'zod';
import { hostProblem } from './hosts';

export interface HostPort {
  /** A DNS name, an IPv4 address, or an IPv6 address without its brackets. */
  readonly host: string;
  readonly port: number;
}

/** What an entry parser returns: the value, or one sentence saying what is wrong with the entry. */
export type EntryResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

export interface HostPortEntryOptions {
  /** The port of an entry that names none; without it, every entry must name its port. */
  readonly defaultPort?: number;
}

// RFC 6335 §6: port 0 is reserved, so a server listens on 1-65535.
const MIN_PORT = 1;
const MAX_PORT = 65_535;
const PORT_RANGE = `${MIN_PORT}-${MAX_PORT}`;

/** `host:port` (or `host` when options.defaultPort is set); IPv6 literals in brackets: `[2001:db8::1]:49`. */
export function parseHostPortEntry(entry: string, options: HostPortEntryOptions = {}): EntryResult<HostPort> {
  const split = splitHostPort(entry, options.defaultPort);
  if (typeof split === 'string') return { ok: false, problem: split };
  const { host, portText } = split;
  if (host === '') return { ok: false, problem: `'${entry}' has no host` };
  if (portText === undefined) {
    return options.defaultPort === undefined
      ? { ok: false, problem: `'${entry}' has no port: write host:port` }
      : { ok: true, value: { host, port: options.defaultPort } };
  }
  if (portText === '') return { ok: false, problem: `'${entry}' has no port after ':'` };
  const port = /^\d+$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= MIN_PORT && port <= MAX_PORT)) {
    const shown = Number.isNaN(port) ? `'${portText}'` : portText;
    return { ok: false, problem: `port ${shown} of '${entry}' is not ${PORT_RANGE}` };
  }
  return { ok: true, value: { host, port } };
}

/** `host:port` with the port required; undefined when the entry is not one (see parseHostPortEntry). */
export function parseHostPort(entry: string): HostPort | undefined {
  const result = parseHostPortEntry(entry);
  return result.ok ? result.value : undefined;
}

/** `host:port` as a person writes it: IPv6 addresses in brackets. */
export function formatHostPort({ host, port }: HostPort): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function splitHostPort(
  entry: string,
  defaultPort: number | undefined,
): { host: string; portText: string | undefined } | string {
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    if (close < 0) return `'${entry}' has no ']' to close its IPv6 address`;
    const host = entry.slice(1, close);
    const rest = entry.slice(close + 1);
    if (isIP(host) === 4) return `'[${host}]': brackets are for IPv6 addresses only`;
    if (isIP(host) !== 6) return `'[${host}]' is not an IPv6 address`;
    if (rest === '') return { host, portText: undefined };
    if (!rest.startsWith(':')) return `'${entry}' has '${rest}' after ']': write [address]:port`;
    return { host, portText: rest.slice(1) };
  }
  const colon = entry.indexOf(':');
  if (colon !== entry.lastIndexOf(':')) return ipv6Hint(entry, defaultPort);
  const host = colon < 0 ? entry : entry.slice(0, colon);
  const problem = host === '' ? undefined : hostProblem(host);
  if (problem !== undefined) return problem;
  return { host, portText: colon < 0 ? undefined : entry.slice(colon + 1) };
}

/** Several ':' without brackets: most likely an IPv6 address, so show how to write it. */
function ipv6Hint(entry: string, defaultPort: number | undefined): string {
  const colon = entry.lastIndexOf(':');
  const head = entry.slice(0, colon);
  const tail = entry.slice(colon + 1);
  if (/^\d+$/.test(tail) && isIP(head) === 6) return `IPv6 addresses need brackets: [${head}]:${tail}`;
  if (isIP(entry) === 6) return `IPv6 addresses need brackets: [${entry}]:${defaultPort ?? 'port'}`;
  return `'${entry}' has more than one ':' (IPv6 addresses need brackets: [2001:db8::1]:49)`;
}

export interface ListFormat<T> {
  /** What the list holds, for messages: `list ${noun} as host:port,host:port`. */
  readonly noun: string;
  /** One entry's syntax, for messages. */
  readonly format: string;
  readonly parse: (entry: string) => EntryResult<T>;
  /** Two entries with the same identity are the same target, listed twice. */
  readonly identity: (value: T) => string;
}

/**
 * A comma-separated list (spaces allowed around each comma): one issue per bad entry, or one for
 * the whole value when it is not comma-separated at all (`a:1;b:2`, `a:1 b:2`).
 */
export function envList<T>({ noun, format, parse, identity }: ListFormat<T>) {
  const howTo = `list ${noun} as ${format},${format}`;
  return z
    .string()
    .trim()
    .transform((value, ctx) => {
      const fail = (message: string): typeof z.NEVER => {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      };
      if (value.includes(';')) return fail(`';' is not a separator: ${howTo}`);
      const entries = value.split(/\s*,\s*/);
      if (entries.some((entry) => /\s/.test(entry)))
        return fail(`looks like a space-separated list: ${howTo}`);
      if (entries.some((entry) => entry === '')) {
        return fail(`has an empty entry (a comma at an end, or two in a row): ${howTo}`);
      }
      const values: T[] = [];
      const seen = new Set<string>();
      for (const entry of entries) {
        const result = parse(entry);
        if (!result.ok) {
          ctx.addIssue({ code: 'custom', message: result.problem });
          continue;
        }
        const id = identity(result.value);
        if (seen.has(id)) ctx.addIssue({ code: 'custom', message: `'${entry}' is listed twice` });
        seen.add(id);
        values.push(result.value);
      }
      return values.length === entries.length && seen.size === entries.length ? values : z.NEVER;
    });
}

/** Names and IPv6 addresses compare case-insensitively. */
export function hostPortIdentity(node: HostPort): string {
  return formatHostPort({ host: node.host.toLowerCase(), port: node.port });
}

/** `host:port[,host:port…]`, each port required; IPv6 hosts in brackets. */
export const envHostPorts = envList<HostPort>({
  noun: 'them',
  format: 'host:port',
  parse: (entry) => parseHostPortEntry(entry),
  identity: hostPortIdentity,
});
