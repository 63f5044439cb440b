import type { ServerResponse } from 'node:http';
import type { SessionDescriptor } from '@sessiond/session-store';
import type { AuditFields } from './audit';

/** The caller's validated session on a token route. */
export interface CurrentSession {
  readonly session: SessionDescriptor;
  readonly token: string;
}

/** forward-auth: the request a proxy asks about (its headers, bounded and checked). */
export interface OriginalRequest {
  readonly method?: string;
  readonly uri?: string;
  readonly host?: string;
  readonly proto?: string;
}

/** What a request learns on its way, for its log line and metrics (Express or the fast routes). */
export interface RequestContext {
  readonly reqId: string;
  /** The outcome code when the answer was a problem (`ok` otherwise). */
  code?: string;
  /** The session the request created or acted on. */
  sessionId?: string;
  current?: CurrentSession;
  /** The route pattern that answered, once the answer is sent. */
  route?: string;
  /** The client's address (TRUST_PROXY applied). */
  readonly clientIp: string;
  /** Set by the handlers of audited decisions: the request's line becomes an audit record. */
  audit?: AuditFields | undefined;
  /** forward-auth: the original request and the session's user, logged with the decision. */
  original?: OriginalRequest;
  username?: string;
  /** Sessions a login evicted: each gets an `evict` record. */
  evicted?: readonly SessionDescriptor[];
}

// A property of the response rather than a WeakMap entry: a WeakMap set per request costs more
// (and keeps the collector busier) than one more field on an object that is dropped with it.
const CONTEXT = Symbol('sessiond.requestContext');

interface WithContext {
  [CONTEXT]?: RequestContext;
}

export function createContext(res: ServerResponse, reqId: string, clientIp: string): RequestContext {
  const context: RequestContext = { reqId, clientIp };
  (res as WithContext)[CONTEXT] = context;
  return context;
}

export function contextOf(res: ServerResponse): RequestContext {
  const context = (res as WithContext)[CONTEXT];
  if (context === undefined) throw new Error('trackRequest did not run for this response');
  return context;
}
