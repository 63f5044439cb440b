import { REFUSAL_CAUSES, SERVER_PROBLEM_CODES, TOP_USERS_LIMIT } from '@sessiond/protocol';
import { AAA_METHOD_NAMES } from '../aaa/registry';
import { AAA_SOURCE_STATES } from '../aaa/types';

// The schemas of the operator console's admin routes (issue 16); schemas.ts holds the others.

const dateTime = { type: 'string', format: 'date-time' } as const;
const count = { type: 'integer', minimum: 0 } as const;
const sessionLimit = { type: 'integer', minimum: 0, description: 'SESSION_LIMIT_PER_USER (0: no limit)' };
const cause = { type: 'string', enum: [...REFUSAL_CAUSES] } as const;
const countsByCause = {
  type: 'object',
  propertyNames: cause,
  additionalProperties: { type: 'integer', minimum: 1 },
  description: 'the causes with at least one refusal',
} as const;

export const CONSOLE_SCHEMAS: Record<string, unknown> = {
  UserSessionCollection: {
    type: 'object',
    required: ['kind', 'items', 'session-limit', 'limit-policy'],
    properties: {
      kind: { const: 'collection#auth-token' },
      items: { type: 'array', items: { $ref: '#/components/schemas/SessionItem' } },
      'session-limit': sessionLimit,
      'limit-policy': {
        type: 'string',
        enum: ['reject', 'evict-oldest'],
        description: 'SESSION_LIMIT_POLICY',
      },
    },
    additionalProperties: false,
  },
  UserCollection: {
    type: 'object',
    required: ['kind', 'items', 'session-limit', 'users-scanned', 'complete'],
    properties: {
      kind: { const: 'collection#user' },
      items: {
        type: 'array',
        maxItems: TOP_USERS_LIMIT.max,
        description: 'the users with the most live sessions, most first, ties by username',
        items: {
          type: 'object',
          required: ['username', 'sessions'],
          properties: { username: { type: 'string' }, sessions: { type: 'integer', minimum: 1 } },
          additionalProperties: false,
        },
      },
      'session-limit': sessionLimit,
      'users-scanned': { ...count, description: 'users looked at in the expiry indexes' },
      complete: {
        type: 'boolean',
        description:
          'false when the work was bounded (over 100,000 users with sessions, or over 1,000 exact counts): a user may be missing from the list',
      },
    },
    additionalProperties: false,
  },
  Cleared: {
    type: 'object',
    required: ['cleared'],
    properties: { cleared: { ...count, description: 'how many failure counts existed' } },
    additionalProperties: false,
  },
  Status: {
    type: 'object',
    required: ['redis', 'aaa', 'now'],
    properties: {
      redis: {
        type: 'object',
        required: ['status', 'mode'],
        properties: {
          status: { type: 'string', enum: ['up', 'down'] },
          'latency-ms': { type: 'number', minimum: 0, description: 'the PING round trip' },
          mode: { type: 'string', enum: ['standalone', 'cluster', 'sentinel'] },
          master: { type: 'string', description: 'under Sentinel: the master in use now (host:port)' },
          error: { type: 'string', description: 'why Redis is down' },
        },
        additionalProperties: false,
      },
      aaa: {
        type: 'array',
        description: 'each method of AAA_METHODS, in order',
        items: {
          type: 'object',
          required: ['method', 'sources'],
          properties: {
            method: { type: 'string', enum: [...AAA_METHOD_NAMES] },
            sources: { type: 'array', items: { $ref: '#/components/schemas/AaaSourceStatus' } },
          },
          additionalProperties: false,
        },
      },
      now: dateTime,
    },
    additionalProperties: false,
  },
  AaaSourceStatus: {
    type: 'object',
    required: ['source', 'state'],
    properties: {
      source: { type: 'string', description: 'host:port of a server, or the method (`local`)' },
      state: { type: 'string', enum: [...AAA_SOURCE_STATES] },
      since: dateTime,
      until: { ...dateTime, description: 'held-down: when the next probe may be sent' },
      detail: { type: 'string' },
      'last-latency-ms': { type: 'number', minimum: 0, description: 'the last attempt the server answered' },
      requests: { ...count, description: 'attempts over the last 5 minutes (retries included)' },
      errors: { ...count, description: 'attempts over the last 5 minutes that got no usable answer' },
      'error-rate': { type: 'number', minimum: 0, maximum: 1, description: 'errors / requests' },
    },
    additionalProperties: false,
  },
  Refusals: {
    type: 'object',
    required: ['window-minutes', 'bucket-seconds', 'now', 'causes', 'series', 'totals', 'latest'],
    properties: {
      'window-minutes': { type: 'integer', minimum: 1 },
      'bucket-seconds': { type: 'integer', minimum: 1 },
      now: dateTime,
      causes: { type: 'array', items: cause, description: 'every cause, in a fixed order' },
      series: {
        type: 'array',
        description: 'one entry per bucket, oldest first; the last is the current one',
        items: {
          type: 'object',
          required: ['start', 'counts'],
          properties: { start: dateTime, counts: countsByCause },
          additionalProperties: false,
        },
      },
      totals: {
        type: 'object',
        propertyNames: cause,
        additionalProperties: count,
        description: 'every cause over the window',
      },
      latest: {
        type: 'array',
        maxItems: 50,
        description: 'the latest refusals, newest first',
        items: {
          type: 'object',
          required: ['at', 'username', 'address', 'code', 'cause', 'status', 'user-agent'],
          properties: {
            at: dateTime,
            username: { type: 'string', description: 'as the client sent it (at most 256 characters)' },
            address: { type: 'string' },
            code: { type: 'string', enum: [...SERVER_PROBLEM_CODES] },
            cause,
            status: { type: 'integer', minimum: 400, maximum: 599 },
            'user-agent': { type: 'string' },
          },
          additionalProperties: false,
        },
      },
    },
    additionalProperties: false,
  },
};
