import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DETAILS } from '@sessiond/protocol';
import { StoreUnavailableError } from '@sessiond/session-store';
import type { Logger } from '../logger';
import { ProblemError } from './problem-error';

/** Unknown routes and methods: 404 not_found (the contract lists no 405). */
export const notFound: RequestHandler = (req) => {
  throw new ProblemError('not_found', `no route for ${req.method} ${req.path.slice(0, 200)}`);
};

/**
 * Renders every error as RFC 9457 problem+json. Store outages become 503 (never 401), body-parser
 * errors their 4xx, and only a genuine bug a 500, logged with its stack (never sent to the client).
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const problem = toProblem(error);
    if (problem.code === 'internal_error') {
      logger.error({ err: error, req_id: res.locals['reqId'] as unknown }, 'unhandled error');
    }
    res.locals['code'] = problem.code;
    res
      .status(problem.status)
      .set(problem.headers)
      .type('application/problem+json')
      .send(JSON.stringify(problem.body()));
  };
}

function toProblem(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error instanceof StoreUnavailableError) {
    return new ProblemError(
      'session_store_unavailable',
      DETAILS.storeUnavailable,
      {},
      { 'Retry-After': '2' },
    );
  }
  const status =
    typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined;
  const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
  if (status === 413) return new ProblemError('payload_too_large', 'the request body is too large');
  if (status === 415)
    return new ProblemError('unsupported_media_type', 'unsupported body encoding or charset');
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Body parsing (entity.parse.failed, …) and undecodable URLs (URIError) are the client's errors.
    return new ProblemError(
      'invalid_request',
      type === 'entity.parse.failed' ? 'the body is not valid JSON' : 'the request could not be read',
    );
  }
  return new ProblemError('internal_error', 'an unexpected error occurred; it has been logged');
}
