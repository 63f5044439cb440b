import { createHash, timingSafeEqual } from 'node:crypto';
import { verifyPassword, type UserRecord } from '@sessiond/passwords';
import { CHAP_ID_LENGTH, CHAP_RESPONSE_LENGTH } from '@sessiond/tacacs-plus';

const sha256 = (value: string | Buffer): Buffer => createHash('sha256').update(value).digest();

/** Constant-time equality of two secrets of any length (compares digests). */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/** PAP and ASCII: the plain password or the scrypt hash. */
export async function checkPassword(user: UserRecord | undefined, password: string): Promise<boolean> {
  if (user === undefined) return false;
  if (user.password !== undefined) return sameSecret(user.password, password);
  if (user.scrypt !== undefined) return verifyPassword(password, user.scrypt);
  return false;
}

/**
 * CHAP (RFC 8907 §5.4.2.3, RFC 1994): data = id ‖ challenge ‖ MD5(id ‖ secret ‖ challenge). Needs the
 * plain password: a user with only a scrypt hash cannot use CHAP (real servers need a reversible secret).
 */
export function checkChap(user: UserRecord | undefined, data: Buffer): boolean {
  if (user?.password === undefined) return false;
  if (data.length <= CHAP_ID_LENGTH + CHAP_RESPONSE_LENGTH) return false;
  const id = data.subarray(0, CHAP_ID_LENGTH);
  const challenge = data.subarray(CHAP_ID_LENGTH, data.length - CHAP_RESPONSE_LENGTH);
  const response = data.subarray(data.length - CHAP_RESPONSE_LENGTH);
  const expected = createHash('md5').update(id).update(user.password, 'utf8').update(challenge).digest();
  return timingSafeEqual(expected, response);
}
