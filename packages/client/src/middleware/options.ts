import { COOKIE_NAME } from '@sessiond/protocol';
import { InvalidOptionsError } from '../errors';
import { integer, type SessionClientOptions } from '../options';
import type { SessionClient } from '../session-client';
import type { CacheOptions } from './cache';
import { resolveCommand, type CommandOf, type CommandOption } from './command-check';

/** The options every mode shares. */
export interface CommonOptions {
  /** Refuse sessions below this TACACS+ privilege level with 403 insufficient_privilege (0–15; default none). */
  readonly requiredPrivLvl?: number;
  /**
   * A cookie to read the token from when neither X-auth-token nor Authorization: Bearer is sent
   * (browser-facing routes; the auth-api's FORWARD_AUTH_COOKIE does the same). Default: none.
   */
  readonly tokenCookie?: string;
  /** Count each validation as activity, sliding the idle deadline like the auth-api's own routes (default true). */
  readonly touch?: boolean;
  /** Positive cache, off by default. A revoked token stays accepted until its entry expires (ttlMs). */
  readonly cache?: CacheOptions;
  /**
   * A command the route requires, as a command line (`'show running-config'`) or a function of the
   * request giving one. Once the session is valid, the auth-api asks TACACS+ whether its user may
   * run it (POST /api/v1/auth/authorize): 403 command_denied when not, 503 when it cannot tell.
   * Needs introspection credentials (introspection mode: the client's; direct mode: `authorizeClient`).
   */
  readonly command?: CommandOption;
  /**
   * Called with the cause whenever the middleware answers 503, and with the connection errors of a
   * Redis client it built itself. Never given a token. Default: nothing (the 503 is the signal).
   */
  readonly onError?: (error: Error) => void;
}

/** Introspection mode with a SessionClient built with clientId / clientSecret. */
export interface IntrospectionClientOptions extends CommonOptions {
  readonly mode: 'introspection';
  readonly client: SessionClient;
}

/** Introspection mode: the SessionClient options (baseUrl, clientId, clientSecret, timeoutMs, …). */
export interface IntrospectionUrlOptions extends CommonOptions, SessionClientOptions {
  readonly mode: 'introspection';
  readonly client?: never;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Introspection mode (`@sessiond/client`); direct mode is `@sessiond/client/direct`'s requireSession. */
export type RequireSessionOptions = IntrospectionClientOptions | IntrospectionUrlOptions;

export interface ResolvedCommon {
  readonly requiredPrivLvl: number | undefined;
  readonly tokenCookie: string | undefined;
  readonly touch: boolean;
  readonly cache:
    { readonly ttlMs: number; readonly maxEntries: number; readonly now: () => number } | undefined;
  readonly onError: (error: Error) => void;
  readonly command: CommandOf | undefined;
}

export const CACHE_DEFAULTS = Object.freeze({ maxEntries: 10_000 });
const MAX_CACHE_TTL_MS = 3_600_000;

/** Checks the options every mode shares; errors name the option. */
export function resolveCommon(options: CommonOptions): ResolvedCommon {
  const { requiredPrivLvl, touch = true, cache, onError, tokenCookie } = options;
  if (tokenCookie !== undefined && (typeof tokenCookie !== 'string' || !COOKIE_NAME.test(tokenCookie))) {
    throw new InvalidOptionsError(
      'tokenCookie',
      'must be a cookie name (RFC 6265 token, at most 64 characters)',
    );
  }
  if (typeof touch !== 'boolean') throw new InvalidOptionsError('touch', 'must be true or false');
  if (onError !== undefined && typeof onError !== 'function') {
    throw new InvalidOptionsError('onError', 'must be a function');
  }
  if (cache !== undefined && (typeof cache !== 'object' || cache === null)) {
    throw new InvalidOptionsError('cache', 'must be { ttlMs, maxEntries? } (leave it out for no cache)');
  }
  if (cache?.now !== undefined && typeof cache.now !== 'function') {
    throw new InvalidOptionsError('cache.now', 'must be a function returning ms since the epoch');
  }
  return {
    requiredPrivLvl:
      requiredPrivLvl === undefined ? undefined : integer('requiredPrivLvl', requiredPrivLvl, 0, 15),
    tokenCookie,
    touch,
    cache:
      cache === undefined
        ? undefined
        : {
            ttlMs: integer('cache.ttlMs', cache.ttlMs, 1, MAX_CACHE_TTL_MS),
            maxEntries: integer(
              'cache.maxEntries',
              cache.maxEntries ?? CACHE_DEFAULTS.maxEntries,
              1,
              1_000_000,
            ),
            now: cache.now ?? Date.now,
          },
    command: resolveCommand(options.command),
    // A throwing log hook must never turn a 503 into a crash (it also runs inside ioredis events).
    onError: (error) => {
      try {
        onError?.(error);
      } catch {
        // ignored on purpose
      }
    },
  };
}
