import type { IncomingMessage } from 'node:http';
import type { TrustProxy } from './request-base';

/** The longest client address kept (an IPv6 address with a zone is well under it). */
const MAX_ADDRESS = 64;

/**
 * The client's address with TRUST_PROXY applied, the way Express computes `req.ip` (proxy-addr):
 * walk X-Forwarded-For from the nearest hop while each hop is trusted; IPv4-mapped IPv6 shown as
 * IPv4. The same function serves Express routes and the node:http fast routes, so both agree.
 */
export function clientAddress(req: IncomingMessage, trust: TrustProxy): string {
  const socketAddress = req.socket.remoteAddress ?? '';
  let address = socketAddress;
  const header = req.headers['x-forwarded-for'];
  if (header !== undefined && trust(socketAddress, 0)) {
    const hops = (Array.isArray(header) ? header.join(',') : header)
      .split(',')
      .map((hop) => hop.trim())
      .filter((hop) => hop !== '')
      .reverse();
    for (const [index, hop] of hops.entries()) {
      address = hop;
      if (!trust(hop, index + 1)) break;
    }
  }
  const plain = address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
  return plain.slice(0, MAX_ADDRESS);
}
