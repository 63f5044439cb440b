import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** Express's compiled TRUST_PROXY decision: trust the hop at `index` coming from `address`? */
export type TrustProxy = (address: string, index: number) => boolean;

const SAFE_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The base of `link`s: PUBLIC_BASE_URL when set (recommended behind a proxy), else the request's
 * scheme and host, from X-Forwarded-Proto / -Host when the proxy is trusted (as Express decides).
 * A host that is not a plain host[:port] is not echoed into links.
 */
export function baseUrlOf(req: IncomingMessage, trust: TrustProxy, configured: string | undefined): string {
  if (configured !== undefined) return configured;
  const trusted = trust(req.socket.remoteAddress ?? '', 0);
  const forwardedProto = trusted ? firstValue(req.headers['x-forwarded-proto']) : undefined;
  const protocol =
    forwardedProto ?? ((req.socket as Partial<TLSSocket>).encrypted === true ? 'https' : 'http');
  const host = (trusted ? firstValue(req.headers['x-forwarded-host']) : undefined) ?? req.headers.host ?? '';
  return `${protocol === 'https' ? 'https' : 'http'}://${SAFE_HOST.test(host) ? host : 'localhost'}`;
}

function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const first = value?.split(',')[0]?.trim();
  return first === undefined || first === '' ? undefined : first;
}
