import type { ServerProblemCode } from '@sessiond/protocol';
import { SessiondError } from './errors';
import type { AaaFailure, SessionInfo } from './types';
import { toAaaFailure, toSessionInfo } from './wire/bodies';

/** The RFC 9457 members every problem has; everything else is an extension member. */
const STANDARD_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'code', 'instance']);

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly code: string;
  /** Every member except type, title, status, detail, code and instance, as sent. */
  readonly extensions: Readonly<Record<string, unknown>>;
}

/**
 * sessiond answered with an RFC 9457 problem: it understood the request and said no (4xx), or could
 * not serve it (5xx: `aaa_unavailable`, `session_store_unavailable`, …). `code` is the server's.
 * The extension members of the contract are also offered typed (undefined when absent or malformed).
 */
export class SessiondProblemError extends SessiondError {
  readonly code: ServerProblemCode | (string & Record<never, never>);
  declare readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly extensions: Readonly<Record<string, unknown>>;
  /** session_limit_reached: the user's live sessions (descriptors, no tokens). */
  readonly sessions: readonly SessionInfo[] | undefined;
  /** session_limit_reached: the limit and the number of live sessions, and the policy. */
  readonly limit: number | undefined;
  readonly active: number | undefined;
  readonly policy: string | undefined;
  /** aaa_unavailable, aaa_misconfigured: which method failed and how, and what the fallback said. */
  readonly aaa: AaaFailure | undefined;
  /** insufficient_privilege: the user's level and the level required. */
  readonly privLvl: number | undefined;
  readonly requiredPrivLvl: number | undefined;

  constructor(status: number, problem: ProblemBody, retryAfter: number | undefined) {
    super(`sessiond answered ${status} ${problem.code}: ${problem.detail.slice(0, 500)}`, {
      status,
      retryAfter,
    });
    this.code = problem.code;
    this.type = problem.type;
    this.title = problem.title;
    this.detail = problem.detail;
    const x = problem.extensions;
    this.extensions = x;
    const sessions = x['sessions'];
    this.sessions = Array.isArray(sessions)
      ? attempt(() => (sessions as unknown[]).map(toSessionInfo))
      : undefined;
    this.limit = integer(x['limit']);
    this.active = integer(x['active']);
    this.policy = typeof x['policy'] === 'string' ? x['policy'] : undefined;
    this.aaa = x['aaa'] !== undefined ? attempt(() => toAaaFailure(x['aaa'])) : undefined;
    this.privLvl = integer(x['priv_lvl']);
    this.requiredPrivLvl = integer(x['required_priv_lvl']);
  }
}

/** Reads a problem body; undefined when it is not one (no string `code`). */
export function readProblem(body: unknown): ProblemBody | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const members = body as Record<string, unknown>;
  if (typeof members['code'] !== 'string' || members['code'] === '') return undefined;
  const text = (name: string): string => (typeof members[name] === 'string' ? members[name] : '');
  return {
    type: text('type'),
    title: text('title'),
    detail: text('detail'),
    code: members['code'],
    extensions: Object.fromEntries(Object.entries(members).filter(([name]) => !STANDARD_MEMBERS.has(name))),
  };
}

function integer(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
