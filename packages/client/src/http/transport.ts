import { SessiondResponseError, SessiondUnavailableError } from '../errors';
import type { ResolvedClientOptions } from '../options';
import { SessiondProblemError, readProblem } from '../problem-error';
import { parseRetryAfter } from './retry-after';

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path under the base URL, already encoded. Never a token (tokens go in headers or bodies). */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  readonly timeoutMs: number;
}

export interface HttpResponse {
  readonly status: number;
  /** The parsed JSON body (undefined for an empty body). */
  readonly body: unknown;
}

/**
 * The only file that does I/O: one fetch per call, a per-request deadline (AbortSignal.timeout)
 * covering the answer and its body, and a bounded body. Connection failures and timeouts become
 * SessiondUnavailableError; a status ≥ 400 becomes SessiondProblemError (a problem+json body) or
 * SessiondResponseError (anything else). Messages name the method and path, never headers or bodies.
 */
export class Transport {
  constructor(private readonly options: ResolvedClientOptions) {}

  async send(request: HttpRequest): Promise<HttpResponse> {
    const { method, path, timeoutMs } = request;
    const what = `${method} ${path}`;
    const signal = AbortSignal.timeout(timeoutMs);
    let status: number;
    let retryAfter: number | undefined;
    let text: string;
    try {
      const response = await this.options.fetch(`${this.options.baseUrl}${path}`, {
        method,
        headers: {
          Accept: 'application/json, application/problem+json',
          'User-Agent': this.options.userAgent,
          ...(request.json !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...request.headers,
        },
        ...(request.json !== undefined ? { body: JSON.stringify(request.json) } : {}),
        redirect: 'error',
        signal,
      });
      status = response.status;
      retryAfter = parseRetryAfter(response.headers.get('retry-after'));
      text = await readBody(response, this.options.maxResponseBytes, what);
    } catch (error) {
      if (error instanceof SessiondResponseError) throw error;
      if (signal.aborted) {
        throw new SessiondUnavailableError(
          'sessiond_timeout',
          `sessiond did not answer ${what} within ${timeoutMs} ms`,
          error,
        );
      }
      throw new SessiondUnavailableError(
        'sessiond_unreachable',
        `sessiond could not be reached for ${what}: ${describe(error)}`,
        isNetworkFailure(error) ? error : undefined,
      );
    }
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
        if (status < 400) throw new SessiondResponseError(`${what}: the body is not JSON`, { status });
      }
    }
    if (status >= 400) {
      const problem = readProblem(body);
      if (problem !== undefined) throw new SessiondProblemError(status, problem, retryAfter);
      throw new SessiondResponseError(`${what}: sessiond answered ${status} without a problem body`, {
        status,
        retryAfter,
      });
    }
    if (status < 200 || status >= 300) {
      throw new SessiondResponseError(`${what}: unexpected status ${status}`, { status, retryAfter });
    }
    return { status, body };
  }
}

/** Reads at most `limit` bytes of the body as UTF-8. */
async function readBody(response: Response, limit: number, what: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limit || response.body === null) {
    await response.body?.cancel();
    if (declared > limit) throw tooLarge(what, limit, response.status);
    return '';
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(what, limit, response.status);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(what: string, limit: number, status: number): SessiondResponseError {
  return new SessiondResponseError(`${what}: the response body exceeds maxResponseBytes (${limit})`, {
    status,
  });
}

/**
 * The network cause of a fetch failure (undici wraps it: `TypeError: fetch failed`, cause
 * `ECONNREFUSED …`). Only the cause's code and message are shown: a top-level message may quote a
 * header value it refused, which could be a token.
 */
function describe(error: unknown): string {
  // Duck-typed: errors from fetch may come from another realm (vm contexts, test runners).
  const cause = (error as { cause?: unknown } | null)?.cause as
    { code?: unknown; message?: unknown } | undefined;
  if (typeof cause !== 'object' || cause === null || typeof cause.message !== 'string') {
    return 'the request failed';
  }
  return typeof cause.code === 'string' ? `${cause.code} (${cause.message})` : cause.message;
}

/** Whether a fetch rejection is a network failure wrapping its cause (and so safe to keep as cause). */
function isNetworkFailure(error: unknown): boolean {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return typeof cause === 'object' && cause !== null;
}
