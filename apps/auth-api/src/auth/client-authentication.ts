import type { IncomingHttpHeaders } from 'node:http';
import type { AuditEvent, AuditFields } from '../http/audit';
import { parseBasicAuthorization } from '../http/basic-credentials';
import { ProblemError, retryAfterSeconds } from '../http/problem-error';
import type { RequestContext } from '../http/request-context';
import type { FailureThrottle } from './failure-throttle';
import type { IntrospectionClients } from './introspection-clients';

/** A service's HTTP Basic client credentials. */
export interface ClientCredentials {
  readonly id: string;
  readonly secret: string;
}

/**
 * Authenticates a service client (introspection and /authorize, through authenticateServiceClient)
 * behind the client throttle: INTROSPECTION_MAX_FAILURES wrong
 * secrets for one client id from one address within INTROSPECTION_FAILURE_WINDOW_S, and the pair is
 * refused (429 client_throttled, Retry-After) until the window ends, even with the right secret.
 * Unknown ids count like wrong secrets, so the answer never tells them apart. The pair is the
 * subject, so an attacker elsewhere cannot lock a real client out, and the address is the one
 * TRUST_PROXY resolves. Resolves when the client is authenticated; otherwise throws the problem
 * (`invalid`, built by the route, for wrong credentials).
 */
export async function authenticateClient(
  throttle: FailureThrottle,
  verify: (id: string, secret: string) => Promise<boolean>,
  { id, secret }: ClientCredentials,
  address: string,
  invalid: () => ProblemError,
): Promise<void> {
  const throttled = throttle.check(id, address);
  if (throttled.throttled) {
    const seconds = retryAfterSeconds(throttled.retryAfterMs);
    throw new ProblemError(
      'client_throttled',
      `too many failed authentications of this client from ${address}; try again in ${seconds} s`,
      { retry_after: seconds },
      { 'Retry-After': String(seconds) },
    );
  }
  if (await verify(id, secret)) return;
  await throttle.recordFailure(id, address);
  throw invalid();
}

export interface ServiceClientDeps {
  readonly introspectionClients: IntrospectionClients;
  /** One instance for every route: a client's failures count once, wherever they happen. */
  readonly clientThrottle: FailureThrottle;
}

/**
 * The routes other services call with the Basic credentials of an INTROSPECTION_CLIENTS_FILE client
 * (POST /introspect, POST /authorize): reads the credentials, starts the request's audit record
 * (`event`, the client id), and authenticates behind the client throttle. `needs` completes the
 * 401's detail ("introspection needs …"). Returns the audit record for the route to fill in.
 */
export async function authenticateServiceClient(
  headers: IncomingHttpHeaders,
  context: RequestContext,
  { introspectionClients, clientThrottle }: ServiceClientDeps,
  event: AuditEvent,
  needs: string,
): Promise<AuditFields> {
  const invalidClient = (): ProblemError =>
    new ProblemError(
      'invalid_client',
      `${needs} needs the Basic credentials of a client in INTROSPECTION_CLIENTS_FILE`,
    );
  const credentials = parseBasicAuthorization(headers.authorization);
  const audit: AuditFields = {
    event,
    ...(credentials.kind === 'credentials' ? { clientId: credentials.username } : {}),
  };
  context.audit = audit;
  if (credentials.kind === 'malformed') throw new ProblemError('invalid_request', credentials.reason);
  if (credentials.kind === 'missing') throw invalidClient();
  await authenticateClient(
    clientThrottle,
    (id, secret) => introspectionClients.verify(id, secret),
    { id: credentials.username, secret: credentials.password },
    context.clientIp,
    invalidClient,
  );
  return audit;
}
