import { isIP } from 'node:net';
import { z } from 'zod';

/** RFC 1123 §2.1 with RFC 1035 §2.3.4's limits: labels of 1-63 characters, 253 in all. */
const MAX_LABEL_LENGTH = 63;
const MAX_NAME_LENGTH = 253;
const LABEL_CHARACTERS = /^[A-Za-z0-9-]+$/;
const IPV4_OCTET_MAX = 255;

/**
 * Why `host` is neither a DNS name nor an IPv4 address, or undefined when it is one. IPv6 literals
 * are checked by the caller, which sees their brackets (`[2001:db8::1]:49`).
 */
export function hostProblem(host: string): string | undefined {
  if (host === '') return 'the host is empty';
  // All digits and dots: an address, never a name (RFC 1123 §2.1 keeps names from looking numeric).
  if (/^[0-9.]+$/.test(host)) return ipv4Problem(host);
  if (host.length > MAX_NAME_LENGTH) return `'${host}' is longer than ${MAX_NAME_LENGTH} characters`;
  for (const label of host.split('.')) {
    if (label === '') return `'${host}' has an empty label (two dots in a row, or one at an end)`;
    if (label.length > MAX_LABEL_LENGTH) {
      return `label '${label}' of '${host}' is longer than ${MAX_LABEL_LENGTH} characters`;
    }
    if (!LABEL_CHARACTERS.test(label)) {
      const bad = [...label].find((c) => !LABEL_CHARACTERS.test(c)) ?? '';
      return `'${host}' has '${bad}': host names use letters, digits, '-' and '.'`;
    }
    if (label.startsWith('-') || label.endsWith('-')) {
      return `${label === host ? '' : `label '${label}' of `}'${host}' starts or ends with '-'`;
    }
  }
  return undefined;
}

function ipv4Problem(host: string): string | undefined {
  const parts = host.split('.');
  if (parts.length !== 4 || parts.some((p) => p === '')) {
    return `'${host}' is not an IPv4 address: write four numbers 0-${IPV4_OCTET_MAX} separated by dots`;
  }
  const big = parts.find((p) => p.length > 3 || Number(p) > IPV4_OCTET_MAX);
  if (big !== undefined) return `'${host}' is not an IPv4 address: ${big} is more than ${IPV4_OCTET_MAX}`;
  // inet_aton, which getaddrinfo may use, reads 010 as octal 8: refuse rather than guess.
  const padded = parts.find((p) => p.length > 1 && p.startsWith('0'));
  if (padded !== undefined) return `'${host}' is not an IPv4 address: ${padded} has a leading zero`;
  return undefined;
}

/** An IP address literal, v4 or v6 (a `%zone` allowed), as node:net connects from or to it. */
export const envIpAddress = z
  .string()
  .trim()
  .refine((value) => isIP(value) !== 0, 'must be an IPv4 or IPv6 address (no brackets, no port)');
