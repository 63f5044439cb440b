/**
 * An answer the console could not use: an RFC 9457 problem of the auth-api (its `code` and `detail`
 * shown as they are), or a failure that never reached it. The console's own codes are the
 * `CONSOLE_CODES` below; every other code is the server's.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'ApiError';
  }
}

/** Codes the console makes up for failures that have no problem body. */
export const CONSOLE_CODES = {
  /** fetch rejected: the auth-api is not reachable (or the connection dropped). */
  network: 'network_error',
  /** The request was cancelled by a logout; nothing to show. */
  aborted: 'aborted',
  /** A non-problem error status (a proxy's HTML page, say). */
  unexpected: 'unexpected_response',
} as const;

/** What the page shows for any error: `code: detail`. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return `${CONSOLE_CODES.unexpected}: ${error instanceof Error ? error.message : String(error)}`;
}

export function isAborted(error: unknown): boolean {
  return error instanceof ApiError && error.code === CONSOLE_CODES.aborted;
}

/** The error a problem+json (or any JSON error) body describes; other bodies keep their status text. */
export function errorFromBody(status: number, statusText: string, body: unknown): ApiError {
  if (typeof body === 'object' && body !== null) {
    const { code, detail, title } = body as Record<string, unknown>;
    if (typeof code === 'string') {
      const text = typeof detail === 'string' ? detail : typeof title === 'string' ? title : statusText;
      return new ApiError(status, code, text);
    }
  }
  return new ApiError(status, CONSOLE_CODES.unexpected, `HTTP ${status} ${statusText}`.trim());
}
