import { isIP } from 'node:net';
import { z } from 'zod';
import { hostProblem } from './hosts';
import { envBool } from './parsers';
import { envReadableFile } from './readable-file';

/**
 * IANA "tacacss": TACACS+ over TLS listens on TCP port 300 (RFC 9887 §3.1, §7). The same fact as
 * @sessiond/tacacs-plus's TLS_DEFAULT_PORT, which this package does not depend on.
 */
export const TACACS_TLS_DEFAULT_PORT = 300;

/** The files and name of TACACS+ over TLS 1.3 (RFC 9887), with TACACS_TLS=true. */
export interface TacacsTlsSettings {
  /** TACACS_TLS_CA_FILE: PEM CA(s) the servers' certificates must chain to. */
  readonly caFile: string;
  /** TACACS_TLS_CERT_FILE / TACACS_TLS_KEY_FILE: the client certificate for mutual TLS (both or neither). */
  readonly certFile: string | undefined;
  readonly keyFile: string | undefined;
  /** TACACS_TLS_SERVERNAME: the name for SNI and certificate checks instead of each server's host. */
  readonly servername: string | undefined;
}

/** A DNS name or an IP address, as a certificate can name it. */
const envServerName = z
  .string()
  .trim()
  .superRefine((name, ctx) => {
    const problem = isIP(name) === 6 ? undefined : hostProblem(name);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

/** The TLS variables of tacacsEnv (tacacs-servers.ts). */
export const tacacsTlsEnv = {
  /** Every server of TACACS_SERVERS speaks TACACS+ over TLS 1.3 (default port 300; no shared key). */
  TACACS_TLS: envBool.default(false),
  TACACS_TLS_CA_FILE: envReadableFile.optional(),
  TACACS_TLS_CERT_FILE: envReadableFile.optional(),
  TACACS_TLS_KEY_FILE: envReadableFile.optional(),
  TACACS_TLS_SERVERNAME: envServerName.optional(),
};

const FILES = [
  'TACACS_TLS_CA_FILE',
  'TACACS_TLS_CERT_FILE',
  'TACACS_TLS_KEY_FILE',
  'TACACS_TLS_SERVERNAME',
] as const;

/**
 * The TLS settings when TACACS_TLS is true (undefined otherwise), from the raw values: pushes one
 * problem per rule broken across the variables (TACACS_TLS_CA_FILE missing, a certificate without its
 * key, TLS variables without TACACS_TLS=true). Bad single values (an unreadable file) are parseEnv's.
 */
export function resolveTacacsTls(
  present: Readonly<Record<string, string>>,
  problems: string[],
): TacacsTlsSettings | undefined {
  const on = envBool.safeParse(present['TACACS_TLS'] ?? 'false');
  if (!on.success) return undefined; // reported by parseEnv
  const value = (name: (typeof FILES)[number]): string | undefined => {
    const raw = present[name]?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };
  if (!on.data) {
    const set = FILES.filter((name) => value(name) !== undefined);
    if (set.length > 0) {
      problems.push(
        `${set.join(', ')}: set TACACS_TLS=true to reach the TACACS+ servers over TLS, or remove them`,
      );
    }
    return undefined;
  }
  const caFile = value('TACACS_TLS_CA_FILE');
  const certFile = value('TACACS_TLS_CERT_FILE');
  const keyFile = value('TACACS_TLS_KEY_FILE');
  if (caFile === undefined) {
    problems.push(
      "TACACS_TLS_CA_FILE: required when TACACS_TLS is true (PEM CA that signs the servers' certificates)",
    );
  }
  if ((certFile === undefined) !== (keyFile === undefined)) {
    problems.push(
      'TACACS_TLS_CERT_FILE, TACACS_TLS_KEY_FILE: set both (a client certificate for mutual TLS) or neither',
    );
  }
  // Returned even with a problem (start-up stops on it anyway), so the servers are checked as TLS
  // servers too: a TACACS_SECRET set alongside is reported in the same message.
  return { caFile: caFile ?? '', certFile, keyFile, servername: value('TACACS_TLS_SERVERNAME') };
}
