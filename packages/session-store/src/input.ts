import { isIP } from 'node:net';
import { InvalidSessionInputError } from './errors';
import type { NewSession } from './types';

const MAX_USERNAME_BYTES = 255; // the TACACS+ user field is at most 255 bytes (RFC 8907 §5.1)
// Stored values stay within 64 bytes so Redis keeps each user's hash in its compact encoding.
const MAX_USER_AGENT_BYTES = 64;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_ALL = /[\u0000-\u001f\u007f]/g;

export interface CheckedSession {
  readonly username: string;
  readonly privLvl: number;
  readonly aaa: string;
  readonly sourceIp: string;
  readonly userAgent: string;
}

/** Checks create() input; usernames and addresses end up in logs, so control characters are refused. */
export function checkNewSession(input: NewSession): CheckedSession {
  const { username, privLvl, aaa, sourceIp } = input;
  if (typeof username !== 'string' || username.length === 0) {
    throw new InvalidSessionInputError('username', 'must be a non-empty string');
  }
  if (Buffer.byteLength(username, 'utf8') > MAX_USERNAME_BYTES || CONTROL.test(username)) {
    throw new InvalidSessionInputError(
      'username',
      `at most ${MAX_USERNAME_BYTES} bytes, no control characters`,
    );
  }
  if (!Number.isInteger(privLvl) || privLvl < 0 || privLvl > 15) {
    throw new InvalidSessionInputError('privLvl', 'must be an integer from 0 to 15');
  }
  if (typeof aaa !== 'string' || !/^[a-z0-9+._-]{1,16}$/.test(aaa)) {
    throw new InvalidSessionInputError('aaa', 'must be 1-16 characters of a-z 0-9 + . _ -');
  }
  if (typeof sourceIp !== 'string' || (sourceIp !== '' && isIP(sourceIp) === 0)) {
    throw new InvalidSessionInputError('sourceIp', "must be an IPv4 or IPv6 address, or '' when unknown");
  }
  const userAgent = truncateUtf8((input.userAgent ?? '').replace(CONTROL_ALL, ' '), MAX_USER_AGENT_BYTES);
  return { username, privLvl, aaa, sourceIp, userAgent };
}

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, never splitting a character. */
function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char, 'utf8');
    if (bytes > maxBytes) break;
    end += char.length;
  }
  return text.slice(0, end);
}
