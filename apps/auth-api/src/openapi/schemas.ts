import {
  COMMAND_DENIED,
  COMMAND_LINE_LIMITS,
  PROBLEMS,
  SERVER_PROBLEM_CODES,
  TOKEN_REFUSALS,
  type ProblemCode,
} from '@sessiond/protocol';
import { AAA_METHOD_NAMES } from '../aaa/registry';
import { CONSOLE_SCHEMAS } from './console-schemas';

const dateTime = { type: 'string', format: 'date-time' } as const;
const privLvl = { type: 'integer', minimum: 0, maximum: 15 } as const;
/** The AAA method names, from the registry (aaa/registry.ts). */
const aaaMethod = { type: 'string', enum: [...AAA_METHOD_NAMES] } as const;
const fallback = {
  type: 'object',
  required: ['method', 'result'],
  description:
    'the method tried after the outage, and why it did not let the user in (the same for unknown users and wrong passwords)',
  properties: {
    method: aaaMethod,
    result: { type: 'string', enum: ['rejected', 'throttled', 'unavailable'] },
  },
  additionalProperties: false,
} as const;

/** One problem code's schema: the RFC 9457 members, its code, and its extension members. */
function problem(
  codes: readonly ProblemCode[],
  extras: Record<string, unknown> = {},
  required: string[] = [],
): Record<string, unknown> {
  return {
    type: 'object',
    required: ['type', 'title', 'status', 'detail', 'code', ...required],
    properties: {
      type: { type: 'string', enum: codes.map((c) => `urn:sessiond:problem:${c}`) },
      title: { type: 'string' },
      status: { type: 'integer', enum: [...new Set(codes.map((c) => PROBLEMS[c].status))] },
      detail: { type: 'string' },
      code: { type: 'string', enum: codes },
      ...extras,
    },
    additionalProperties: false,
  };
}

/** Who and what a command decision is about (POST /authorize). */
const authorizeSubject = {
  username: { type: 'string' },
  'priv-lvl': { ...privLvl, description: 'the session’s level, at which the command was authorized' },
  command: { type: 'string', description: 'the command line as authorized: words joined by single spaces' },
  'session-id': { type: 'string' },
  cached: {
    type: 'boolean',
    description: 'true when the decision came from the cache (AUTHORIZE_CACHE_TTL_MS)',
  },
} as const;

const sessionItem = {
  type: 'object',
  required: [
    'kind',
    'session-id',
    'link',
    'created-at',
    'last-access-at',
    'expires-at',
    'absolute-expires-at',
    'expiry-time',
    'source-ip',
    'aaa',
    'current',
  ],
  properties: {
    kind: { const: 'object#session-token' },
    'session-id': { type: 'string', description: 'public handle of the session (not a secret)' },
    link: {
      type: 'string',
      format: 'uri-reference',
      description: 'absolute under PUBLIC_BASE_URL, else a relative reference (never from the Host header)',
    },
    username: { type: 'string' },
    'created-at': dateTime,
    'last-access-at': dateTime,
    'expires-at': { ...dateTime, description: 'when the session idles out unless used' },
    'absolute-expires-at': dateTime,
    'expiry-time': {
      type: 'string',
      pattern: '^\\d{2,}:\\d{2}:\\d{2}$',
      description: 'idle timeout, hh:mm:ss',
    },
    'source-ip': { type: 'string' },
    'user-agent': { type: 'string' },
    aaa: aaaMethod,
    'priv-lvl': privLvl,
    current: { type: 'boolean', description: 'true for the session whose token made the request' },
    'token-id': { type: 'string', description: 'only on the caller’s current session' },
  },
  additionalProperties: false,
} as const;

export const SCHEMAS: Record<string, unknown> = {
  ...CONSOLE_SCHEMAS,
  SessionItem: sessionItem,
  SessionCollection: {
    type: 'object',
    required: ['kind', 'items'],
    properties: {
      kind: { const: 'collection#auth-token' },
      items: { type: 'array', items: { $ref: '#/components/schemas/SessionItem' } },
    },
    additionalProperties: false,
  },
  AuthToken: {
    type: 'object',
    required: [
      'kind',
      'token-id',
      'link',
      'expiry-time',
      'session-id',
      'expires-at',
      'absolute-expires-at',
      'priv-lvl',
    ],
    properties: {
      kind: { const: 'object#auth-token' },
      'token-id': { type: 'string', description: 'the bearer token: send it as X-auth-token' },
      link: { type: 'string', format: 'uri-reference' },
      'expiry-time': { type: 'string', pattern: '^\\d{2,}:\\d{2}:\\d{2}$' },
      'session-id': { type: 'string' },
      'expires-at': dateTime,
      'absolute-expires-at': dateTime,
      'priv-lvl': privLvl,
      evicted: {
        type: 'array',
        items: { type: 'string' },
        description: 'sessions this login ended (policy evict-oldest only)',
      },
    },
    additionalProperties: false,
  },
  Revoked: {
    type: 'object',
    required: ['revoked'],
    properties: { revoked: { type: 'integer', minimum: 0 } },
    additionalProperties: false,
  },
  IntrospectionRequest: {
    type: 'object',
    required: ['token'],
    properties: {
      token: { type: 'string' },
      touch: { type: 'boolean', default: true, description: 'false: check without counting as activity' },
    },
  },
  IntrospectionResponse: {
    oneOf: [
      {
        type: 'object',
        required: ['active'],
        properties: { active: { const: false } },
        additionalProperties: false,
      },
      {
        type: 'object',
        required: ['active', 'username', 'session-id', 'priv-lvl', 'aaa', 'iat', 'exp', 'absolute_exp'],
        properties: {
          active: { const: true },
          username: { type: 'string' },
          'session-id': { type: 'string' },
          'priv-lvl': privLvl,
          aaa: aaaMethod,
          iat: { type: 'integer' },
          exp: { type: 'integer', description: 'idle deadline, seconds since the epoch' },
          absolute_exp: { type: 'integer' },
        },
        additionalProperties: false,
      },
    ],
  },
  AuthorizeRequest: {
    type: 'object',
    required: ['token', 'command'],
    properties: {
      token: { type: 'string', minLength: 1, description: 'the token-id of the session' },
      command: {
        type: 'string',
        minLength: 1,
        maxLength: COMMAND_LINE_LIMITS.maxBytes,
        description: `the command line, words separated by spaces: at most ${COMMAND_LINE_LIMITS.maxBytes} UTF-8 bytes, ${COMMAND_LINE_LIMITS.maxWords} words of ${COMMAND_LINE_LIMITS.maxWordBytes} bytes each, no control characters`,
        examples: ['show running-config'],
      },
    },
  },
  AuthorizeResponse: {
    oneOf: [
      {
        type: 'object',
        description: 'TACACS+ permitted the command',
        required: ['permit', 'username', 'priv-lvl', 'command', 'session-id', 'cached'],
        properties: { permit: { const: true }, ...authorizeSubject },
        additionalProperties: false,
      },
      {
        type: 'object',
        description: 'TACACS+ refused the command',
        required: ['permit', 'code', 'detail', 'username', 'priv-lvl', 'command', 'session-id', 'cached'],
        properties: {
          permit: { const: false },
          code: { const: COMMAND_DENIED },
          detail: { type: 'string', description: 'who was refused, and the server’s message if it sent one' },
          ...authorizeSubject,
        },
        additionalProperties: false,
      },
      {
        type: 'object',
        description: 'the token is unknown or its session ended: nothing was asked of TACACS+',
        required: ['permit', 'code', 'detail', 'command'],
        properties: {
          permit: { const: false },
          code: { type: 'string', enum: Object.keys(TOKEN_REFUSALS) },
          detail: { type: 'string' },
          command: { type: 'string' },
        },
        additionalProperties: false,
      },
    ],
  },
  Health: {
    type: 'object',
    required: ['status'],
    properties: { status: { const: 'ok' } },
    additionalProperties: false,
  },
  Readiness: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['ready', 'not_ready', 'draining'] } },
    additionalProperties: false,
  },
  Problem: problem(SERVER_PROBLEM_CODES, {
    retry_after: {},
    scope: {},
    limit: {},
    active: {},
    policy: {},
    sessions: {},
    aaa: {},
    priv_lvl: {},
    required_priv_lvl: {},
  }),
  LoginThrottledProblem: problem(
    ['login_throttled'],
    {
      retry_after: { type: 'integer', minimum: 1 },
      scope: {
        type: 'string',
        enum: ['user', 'address'],
        description:
          'which count reached its limit: `user`, LOGIN_MAX_FAILURES for this user from this address; `address`, LOGIN_MAX_FAILURES_PER_ADDRESS from this address whatever the username (password spraying)',
      },
    },
    ['retry_after', 'scope'],
  ),
  ClientThrottledProblem: problem(
    ['client_throttled'],
    {
      retry_after: {
        type: 'integer',
        minimum: 1,
        description: 'seconds until the window (INTROSPECTION_FAILURE_WINDOW_S, from the first failure) ends',
      },
    },
    ['retry_after'],
  ),
  AaaOverloadedProblem: problem(
    ['aaa_overloaded'],
    {
      retry_after: {
        type: 'integer',
        minimum: 1,
        description: 'seconds until the waiting local password checks should have drained',
      },
    },
    ['retry_after'],
  ),
  InsufficientPrivilegeProblem: problem(
    ['insufficient_privilege'],
    { priv_lvl: privLvl, required_priv_lvl: privLvl },
    ['priv_lvl', 'required_priv_lvl'],
  ),
  CommandDeniedProblem: problem(
    ['command_denied'],
    { command: { type: 'string', description: 'the command TACACS+ was asked: `<METHOD> <path>`' } },
    ['command'],
  ),
  SessionLimitProblem: problem(
    ['session_limit_reached'],
    {
      limit: { type: 'integer' },
      active: { type: 'integer' },
      policy: { type: 'string', enum: ['reject', 'evict-oldest'] },
      retry_after: {
        type: 'integer',
        minimum: 1,
        description: 'seconds until the soonest live session idles out',
      },
      sessions: { type: 'array', items: { $ref: '#/components/schemas/SessionItem' } },
    },
    ['limit', 'active', 'policy', 'retry_after', 'sessions'],
  ),
  AaaUnavailableProblem: problem(
    ['aaa_unavailable'],
    {
      aaa: {
        type: 'object',
        required: ['method', 'status', 'servers_tried', 'timeout_ms', 'retries'],
        properties: {
          method: aaaMethod,
          status: { type: 'string', enum: ['timeout', 'unreachable', 'error'] },
          servers_tried: { type: 'integer', description: '0 when every server was held down' },
          timeout_ms: { type: 'integer' },
          retries: { type: 'integer' },
          held_down_until: {
            ...dateTime,
            description: 'every server of the method is held down until then (the next probe)',
          },
          fallback,
        },
        additionalProperties: false,
      },
    },
    ['aaa'],
  ),
  AaaMisconfiguredProblem: problem(
    ['aaa_misconfigured'],
    {
      aaa: {
        type: 'object',
        required: ['method', 'status', 'servers_tried'],
        properties: {
          method: aaaMethod,
          status: { const: 'misconfigured' },
          servers_tried: { type: 'integer' },
          fallback,
        },
        additionalProperties: false,
      },
    },
    ['aaa'],
  ),
};

/** Schemas of the plain problems (no extension members), by code. */
export function plainProblem(...codes: ProblemCode[]): Record<string, unknown> {
  return problem(codes);
}
