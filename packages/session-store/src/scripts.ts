import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster, Redis, RedisValue, Result } from 'ioredis';

/**
 * Lua scripts live in ../lua as `camelName-<numKeys>.lua`, or `camelName-n.lua` for a script whose
 * key count varies (the caller passes it first); `-- @include "x"` inlines lua/includes/x.lua.
 */
const LUA_DIR = join(__dirname, '..', 'lua');

export const SCRIPT_FILES = {
  sessiondCreateSession: 'createSession-5.lua',
  sessiondRecordLoginFailure: 'recordLoginFailure-1.lua',
  sessiondValidateSession: 'validateSession-2.lua',
  sessiondGetSession: 'getSession-1.lua',
  sessiondListSessions: 'listSessions-1.lua',
  sessiondRevokeSession: 'revokeSession-4.lua',
  sessiondRevokeAllSessions: 'revokeAllSessions-4.lua',
  sessiondCountDue: 'countDue-1.lua',
  sessiondDueInBucket: 'dueInBucket-n.lua',
  sessiondSweepUsers: 'sweepUsers-n.lua',
} as const;

export type ScriptName = keyof typeof SCRIPT_FILES;

type ScriptCommand = (...args: RedisValue[]) => Result<unknown, { type: 'default' }>;

// Typed by augmenting ioredis's command interface, as BullMQ does (src/commands/).
declare module 'ioredis' {
  interface RedisCommander<Context> {
    sessiondCreateSession(...args: RedisValue[]): Result<unknown, Context>;
    sessiondRecordLoginFailure(...args: RedisValue[]): Result<unknown, Context>;
    sessiondValidateSession(...args: RedisValue[]): Result<unknown, Context>;
    sessiondGetSession(...args: RedisValue[]): Result<unknown, Context>;
    sessiondListSessions(...args: RedisValue[]): Result<unknown, Context>;
    sessiondRevokeSession(...args: RedisValue[]): Result<unknown, Context>;
    sessiondRevokeAllSessions(...args: RedisValue[]): Result<unknown, Context>;
    sessiondCountDue(...args: RedisValue[]): Result<unknown, Context>;
    sessiondDueInBucket(numKeys: number, ...args: RedisValue[]): Result<unknown, Context>;
    sessiondSweepUsers(numKeys: number, ...args: RedisValue[]): Result<unknown, Context>;
  }
}

interface LoadedScript {
  readonly lua: string;
  /** Undefined for a variable key count (`-n.lua`): the caller passes it first. */
  readonly numberOfKeys: number | undefined;
}

let cache: Map<ScriptName, LoadedScript> | undefined;

/** Reads every script once per process, expanding includes. */
export function loadScripts(): ReadonlyMap<ScriptName, LoadedScript> {
  if (cache !== undefined) return cache;
  const loaded = new Map<ScriptName, LoadedScript>();
  for (const [name, file] of Object.entries(SCRIPT_FILES) as [ScriptName, string][]) {
    const keys = /-(\d+|n)\.lua$/.exec(file)?.[1];
    if (keys === undefined) throw new Error(`script file ${file} does not end in -<numKeys>.lua or -n.lua`);
    const lua = expandIncludes(readFileSync(join(LUA_DIR, file), 'utf8'));
    loaded.set(name, { lua, numberOfKeys: keys === 'n' ? undefined : Number(keys) });
  }
  cache = loaded;
  return loaded;
}

function expandIncludes(source: string): string {
  return source.replace(/^-- @include "([a-z-]+)"$/gm, (_, include: string) =>
    readFileSync(join(LUA_DIR, 'includes', `${include}.lua`), 'utf8'),
  );
}

/**
 * Registers the scripts on a client (EVALSHA, with ioredis falling back to EVAL after a restart
 * emptied the script cache). Safe to call again for the same client.
 */
export function defineScripts(redis: Redis | Cluster): void {
  for (const [name, { lua, numberOfKeys }] of loadScripts()) {
    if (typeof (redis as unknown as Record<string, ScriptCommand | undefined>)[name] !== 'function') {
      redis.defineCommand(name, numberOfKeys === undefined ? { lua } : { lua, numberOfKeys });
    }
  }
}
