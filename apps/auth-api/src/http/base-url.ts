import type { Request } from 'express';

const SAFE_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The base of `link`s: PUBLIC_BASE_URL when set (recommended behind a proxy), else the request's
 * scheme and Host. A Host header that is not a plain host[:port] is not echoed into links.
 */
export function baseUrl(req: Request, configured: string | undefined): string {
  if (configured !== undefined) return configured;
  const host = req.get('host') ?? '';
  return `${req.protocol}://${SAFE_HOST.test(host) ? host : 'localhost'}`;
}
