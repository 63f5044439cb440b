import { isIP } from 'node:net';
import type { IRouter, Request, RequestHandler } from 'express';
import { USER_LOGIN_FAILURES_PATH, routePattern } from '@sessiond/protocol';
import type { AddressLimits, LoginThrottle } from '../auth/login-throttle';
import type { AdminAuth } from '../auth/require-admin';
import { currentSession } from '../auth/require-session';
import type { AuditFields } from '../http/audit';
import { ProblemError } from '../http/problem-error';
import { queryParam } from '../http/query';
import { contextOf } from '../http/request-context';
import { noStore } from './token-services';

/** The longest address accepted (an IPv6 address with a zone is well under it). */
const MAX_ADDRESS = 64;

/**
 * DELETE /api/v1/auth/users/{username}/login-failures?address=<ip> (admins): unlocks a throttled
 * user at an address. Clears the user's login and fallback failure counts from that address and the
 * address's own counts (LOGIN_MAX_FAILURES_PER_ADDRESS) in Redis, and what this process remembers of
 * them; answers how many counts existed. Audited as `unlock`.
 */
export function unlockRoute(
  router: IRouter,
  deps: { readonly throttle: LoginThrottle; readonly addressLimits: AddressLimits },
  auth: AdminAuth,
): void {
  const { throttle, addressLimits } = deps;
  router.delete(
    routePattern(USER_LOGIN_FAILURES_PATH),
    auth.session,
    auditUnlock,
    auth.admin,
    async (req: Request<{ username: string }>, res) => {
      const address = addressOf(req);
      const audit = contextOf(res).audit;
      if (audit !== undefined) audit.address = address;
      const counts = await Promise.all([
        throttle.clear(req.params.username, address),
        addressLimits.login.clear(address),
        addressLimits.fallback.clear(address),
      ]);
      const cleared = counts.reduce((sum, n) => sum + n, 0);
      if (audit !== undefined) audit.cleared = cleared;
      noStore(res).status(200).json({ cleared });
    },
  );
}

/** Every unlock attempt with a live token is on the audit record, a non-admin's included. */
const auditUnlock: RequestHandler = (req, res, next) => {
  const audit: AuditFields = {
    event: 'unlock',
    username: currentSession(res).session.username,
    targetUser: String(req.params['username'] ?? '').slice(0, 256),
  };
  contextOf(res).audit = audit;
  next();
};

/** The `address` parameter: an IP address, as the login's records show it (IPv4-mapped as IPv4). */
function addressOf(req: Request): string {
  const value = queryParam(req, 'address');
  if (value === undefined || value === '') {
    throw new ProblemError('invalid_request', 'give the address to unlock: ?address=<ip>');
  }
  const plain = value.startsWith('::ffff:') && value.includes('.') ? value.slice(7) : value;
  if (plain.length > MAX_ADDRESS || isIP(plain) === 0) {
    throw new ProblemError('invalid_request', '"address" must be an IPv4 or IPv6 address');
  }
  return plain;
}
