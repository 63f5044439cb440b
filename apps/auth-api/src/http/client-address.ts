import type { Request } from 'express';

/** The client's address as Express sees it (TRUST_PROXY applies), IPv4-mapped IPv6 shown as IPv4. */
export function clientAddress(req: Request): string {
  const ip = req.ip ?? req.socket.remoteAddress ?? '';
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice('::ffff:'.length) : ip;
}
