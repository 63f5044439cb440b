import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DETAILS } from '@sessiond/protocol';
import { ReplicationTimeoutError, StoreUnavailableError } from '@sessiond/session-store';
import type { Logger } from '../logger';
import { ProblemError } from './problem-error';
import { contextOf } from './request-context';
import { sendProblem } from './respond';

/** Unknown routes and methods: 404 not_found (the contract lists no 405). */
export const notFound: RequestHandler = (req) => {
  throw new ProblemError('not_found', `no route for ${req.method} ${req.path.slice(0, 200)}`);
};

/** Express's last handler: every error as RFC 9457 problem+json (see problemFor). */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    sendProblem(res, problemFor(error, logger, contextOf(res).reqId));
  };
}

/**
 * The problem an error becomes: store outages 503 (never 401), body and URL decoding errors their
 * 4xx, and only a genuine bug a 500, logged with its stack (never sent to the client).
 */
export function problemFor(error: unknown, logger: Logger, reqId: string): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error instanceof ReplicationTimeoutError) {
    return new ProblemError(
      'session_store_unavailable',
      `the change reached Redis but only ${error.confirmed} of the ${error.replicas} replicas REDIS_WAIT_REPLICAS asks for confirmed it in time, so it is not acknowledged (a login leaves no session behind); retry shortly`,
      {},
      { 'Retry-After': '2' },
    );
  }
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
  if (status === 413) return new ProblemError('payload_too_large', 'the request body is too large');
  if (status === 415)
    return new ProblemError('unsupported_media_type', 'unsupported body encoding or charset');
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Undecodable URLs (URIError) and other request-reading failures are the client's errors.
    return new ProblemError('invalid_request', 'the request could not be read');
  }
  logger.error({ err: error, req_id: reqId }, 'unhandled error');
  return new ProblemError('internal_error', 'an unexpected error occurred; it has been logged');
}
