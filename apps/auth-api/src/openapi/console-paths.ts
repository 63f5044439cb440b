import {
  REFUSALS_PATH,
  STATUS_PATH,
  TOP_USERS_LIMIT,
  USERS_PATH,
  USER_LOGIN_FAILURES_PATH,
  type ProblemCode,
} from '@sessiond/protocol';

type Json = Record<string, unknown>;

/** What document.ts builds responses with. */
export interface PathBuilders {
  readonly json: (description: string, schema: Json) => Json;
  readonly plain: (description: string, ...codes: ProblemCode[]) => Json;
  readonly ref: (name: string) => Json;
  /** The 400 / 401 / 503 of every route that takes a token. */
  readonly tokenErrors: Json;
  readonly tokenSecurity: readonly Json[];
  readonly usernameParam: Json;
}

/** The operator console's admin routes (issue 16), for document.ts. */
export function consolePaths({
  json,
  plain,
  ref,
  tokenErrors,
  tokenSecurity,
  usernameParam,
}: PathBuilders): Json {
  const forbidden = plain('the caller is not in ADMIN_USERS', 'forbidden');
  const admin = (operationId: string, summary: string, ok: Json, extra: Json = {}): Json => ({
    operationId,
    summary,
    security: tokenSecurity,
    ...extra,
    responses: { '200': ok, ...tokenErrors, '403': forbidden },
  });
  const badInput = (what: string): Json => ({
    '400': plain(
      `${what}, or X-auth-token and Authorization: Bearer carry different tokens`,
      'invalid_request',
    ),
  });
  const withBadInput = (operation: Json, what: string): Json => ({
    ...operation,
    responses: { ...(operation['responses'] as Json), ...badInput(what) },
  });
  return {
    [USERS_PATH]: {
      get: withBadInput(
        admin(
          'adminTopUsers',
          'The users with the most live sessions (admins only)',
          json('most sessions first, ties by username', ref('UserCollection')),
          {
            description:
              'Scans the expiry indexes of the session store: at most 100,000 users, whose live sessions are estimated and then counted exactly for the best candidates; `complete` is false when a bound was reached.',
            parameters: [
              {
                name: 'limit',
                in: 'query',
                required: false,
                description: 'how many users',
                schema: {
                  type: 'integer',
                  minimum: TOP_USERS_LIMIT.min,
                  maximum: TOP_USERS_LIMIT.max,
                  default: TOP_USERS_LIMIT.default,
                },
              },
            ],
          },
        ),
        `limit not an integer from ${TOP_USERS_LIMIT.min} to ${TOP_USERS_LIMIT.max}`,
      ),
    },
    [USER_LOGIN_FAILURES_PATH]: {
      parameters: [usernameParam],
      delete: withBadInput(
        admin(
          'adminUnlock',
          'Unlock a throttled user at an address (admins only)',
          json('how many failure counts existed', ref('Cleared')),
          {
            description:
              'Clears the user’s failed-login counts from the address (LOGIN_MAX_FAILURES, login and fallback), the address’s own counts (LOGIN_MAX_FAILURES_PER_ADDRESS), and what this process remembers of them. Audited as `unlock`.',
            parameters: [
              {
                name: 'address',
                in: 'query',
                required: true,
                description: 'the source address the user is throttled at (IPv4 or IPv6)',
                schema: { type: 'string' },
              },
            ],
          },
        ),
        'address missing or not an IP address',
      ),
    },
    [STATUS_PATH]: {
      get: admin(
        'adminStatus',
        'Redis and each AAA server: state, latency, recent errors (admins only)',
        json('always 200: an outage is reported in the body', ref('Status')),
      ),
    },
    [REFUSALS_PATH]: {
      get: admin(
        'adminRefusals',
        'Refused logins this process saw over the last hour, by cause (admins only)',
        json('per-minute counts, totals and the latest refusals', ref('Refusals')),
      ),
    },
  };
}
