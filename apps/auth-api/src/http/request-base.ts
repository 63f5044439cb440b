/** Express's compiled TRUST_PROXY decision: trust the hop at `index` coming from `address`? */
export type TrustProxy = (address: string, index: number) => boolean;

/**
 * The base of `link`s and `Location`: PUBLIC_BASE_URL when set (set it in production, to the URL
 * clients use), else nothing: links are then relative (`/api/v1/auth/token-services/…`, RFC 3986
 * relative references, resolved against the request's URL). Never the request's `Host` or
 * `X-Forwarded-Host`, which a client or a misconfigured proxy could set to anything (links pointing
 * elsewhere, poisoned caches).
 */
export function linkBase(configured: string | undefined): string {
  return configured ?? '';
}
