import type { IncomingMessage } from 'node:http';
import type { AaaStep } from '../aaa/types';

/** The decisions that get an audit record (one line each, at info). */
export type AuditEvent =
  /** POST /token-services: every login attempt, whatever its outcome. */
  | 'login'
  /** The caller ended one of their own sessions, or all of them. */
  | 'logout'
  | 'logout-all'
  /** An admin ended another user's session, or all of a user's sessions. */
  | 'revoke'
  | 'revoke-all'
  /** An admin listed a user's sessions. */
  | 'admin-list'
  /** An admin cleared a user's failed-login counts at an address (issue 16: unlock a throttled user). */
  | 'unlock'
  /** A login pushed an older session out (policy evict-oldest): one line per evicted session. */
  | 'evict'
  /** An introspection that was refused (bad client credentials or request) or found the token dead. */
  | 'introspect'
  /** POST /authorize: every command decision, and every refusal of the request. */
  | 'authorize';

/** What a handler learned about the decision; trackRequest writes it as the request's one line. */
export interface AuditFields {
  event: AuditEvent;
  username?: string;
  /** For admin actions: whose sessions (or failed logins). */
  targetUser?: string;
  /** An unlock: the address whose failed-login counts were cleared. */
  address?: string;
  /** An unlock: how many counts existed. */
  cleared?: number;
  /** The introspection client (its id, never its secret). */
  clientId?: string;
  aaa?: AuditAaa;
  /** Sessions a logout-all or revoke-all ended. */
  revoked?: readonly string[];
  /** Why a token was refused (introspection): the store's reason. */
  reason?: string;
  /** The command line a service asked about (POST /authorize). */
  command?: string;
  /** Whether the command was permitted; `cached` when the decision cache gave it. */
  permit?: boolean;
  cached?: boolean;
}

/** The AAA part of a login's record: the method and server that answered, and each that failed. */
export interface AuditAaa {
  readonly method?: string;
  readonly server?: string;
  /** The outage the answer reports, or the one a fallback went around. */
  readonly outage?: { readonly method: string; readonly status: string };
  readonly fallback?: { readonly method: string; readonly result: string };
  readonly steps: readonly AaaStep[];
}

/** The longest user agent kept in a record. */
const MAX_USER_AGENT = 256;

export function userAgentOf(req: IncomingMessage): string {
  const value = req.headers['user-agent'];
  return (typeof value === 'string' ? value : '').slice(0, MAX_USER_AGENT);
}

/** The record's members for a line (snake_case, absent members left out). */
export function auditMembers(fields: AuditFields): Record<string, unknown> {
  return {
    event: fields.event,
    ...(fields.username !== undefined ? { username: fields.username } : {}),
    ...(fields.targetUser !== undefined ? { target_user: fields.targetUser } : {}),
    ...(fields.address !== undefined ? { address: fields.address } : {}),
    ...(fields.cleared !== undefined ? { cleared: fields.cleared } : {}),
    ...(fields.clientId !== undefined ? { client_id: fields.clientId } : {}),
    ...(fields.aaa !== undefined ? { aaa: fields.aaa } : {}),
    ...(fields.revoked !== undefined ? { revoked: fields.revoked } : {}),
    ...(fields.reason !== undefined ? { reason: fields.reason } : {}),
    ...(fields.command !== undefined ? { command: fields.command } : {}),
    ...(fields.permit !== undefined ? { permit: fields.permit } : {}),
    ...(fields.cached !== undefined ? { cached: fields.cached } : {}),
  };
}
