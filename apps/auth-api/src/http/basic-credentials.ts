/** Longest Authorization header accepted for Basic credentials (the contract: over 1 KiB is a 400). */
export const MAX_BASIC_HEADER = 1024;

export type BasicParse =
  | { readonly kind: 'credentials'; readonly username: string; readonly password: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'malformed'; readonly reason: string };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// eslint-disable-next-line no-control-regex -- control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;
// One decoder for every call (decode() without `stream` keeps no state); one per call cost ~1 µs.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses `Authorization: Basic …` strictly (RFC 7617): canonical base64, UTF-8, the user-id ends at
 * the FIRST colon (passwords may contain colons), no control characters in the user-id.
 * A header with another scheme counts as missing Basic credentials.
 */
export function parseBasicAuthorization(header: string | undefined): BasicParse {
  if (header === undefined || header.trim() === '') return { kind: 'missing' };
  if (header.length > MAX_BASIC_HEADER)
    return { kind: 'malformed', reason: `Authorization header over ${MAX_BASIC_HEADER} bytes` };
  const match = /^\s*([A-Za-z]+)(?:\s+(\S*))?\s*$/.exec(header);
  if (match === null)
    return { kind: 'malformed', reason: 'Authorization header is not "<scheme> <credentials>"' };
  if (match[1]?.toLowerCase() !== 'basic') return { kind: 'missing' };
  const encoded = match[2] ?? '';
  if (!BASE64.test(encoded) || encoded.length % 4 !== 0)
    return { kind: 'malformed', reason: 'Basic credentials are not valid base64' };
  const bytes = Buffer.from(encoded, 'base64');
  let decoded: string;
  try {
    decoded = UTF8.decode(bytes);
  } catch {
    return { kind: 'malformed', reason: 'Basic credentials are not valid UTF-8' };
  }
  const colon = decoded.indexOf(':');
  if (colon < 0)
    return { kind: 'malformed', reason: 'Basic credentials have no colon between user-id and password' };
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  if (username === '' || CONTROL.test(username) || Buffer.byteLength(username) > 255) {
    return { kind: 'malformed', reason: 'the user-id must be 1-255 bytes without control characters' };
  }
  return { kind: 'credentials', username, password };
}
