import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster, Redis, RedisValue, Result } from 'ioredis';

/** Lua scripts live in ../lua as `camelName-<numKeys>.lua`; `-- @include "x"` inlines lua/includes/x.lua. */
const LUA_DIR = join(__dirname, '..', 'lua');

export const SCRIPT_FILES = {
  sessiondCreateSession: 'createSession-4.lua',
  sessiondValidateSession: 'validateSession-2.lua',
  sessiondGetSession: 'getSession-1.lua',
  sessiondListSessions: 'listSessions-1.lua',
  sessiondRevokeSession: 'revokeSession-4.lua',
  sessiondRevokeAllSessions: 'revokeAllSessions-4.lua',
  sessiondDueUsers: 'dueUsers-1.lua',
  sessiondCountDue: 'countDue-1.lua',
  sessiondSweepUser: 'sweepUser-4.lua',
} as const;

export type ScriptName = keyof typeof SCRIPT_FILES;

type ScriptCommand = (...args: RedisValue[]) => Result<unknown, { type: 'default' }>;

// Typed by augmenting ioredis's command interface, as BullMQ does (src/commands/).
declare module 'ioredis' {
  interface RedisCommander<Context> {
    sessiondCreateSession(...args: RedisValue[]): Result<unknown, Context>;
    sessiondValidateSession(...args: RedisValue[]): Result<unknown, Context>;
    sessiondGetSession(...args: RedisValue[]): Result<unknown, Context>;
    sessiondListSessions(...args: RedisValue[]): Result<unknown, Context>;
    sessiondRevokeSession(...args: RedisValue[]): Result<unknown, Context>;
    sessiondRevokeAllSessions(...args: RedisValue[]): Result<unknown, Context>;
    sessiondDueUsers(...args: RedisValue[]): Result<unknown, Context>;
    sessiondCountDue(...args: RedisValue[]): Result<unknown, Context>;
    sessiondSweepUser(...args: RedisValue[]): Result<unknown, Context>;
  }
}

let cache: Map<ScriptName, { lua: string; numberOfKeys: number }> | undefined;

/** Reads every script once per process, expanding includes. */
export function loadScripts(): ReadonlyMap<ScriptName, { lua: string; numberOfKeys: number }> {
  if (cache !== undefined) return cache;
  const loaded = new Map<ScriptName, { lua: string; numberOfKeys: number }>();
  for (const [name, file] of Object.entries(SCRIPT_FILES) as [ScriptName, string][]) {
    const keys = /-(\d+)\.lua$/.exec(file)?.[1];
    if (keys === undefined) throw new Error(`script file ${file} does not end in -<numKeys>.lua`);
    loaded.set(name, {
      lua: expandIncludes(readFileSync(join(LUA_DIR, file), 'utf8')),
      numberOfKeys: Number(keys),
    });
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
      redis.defineCommand(name, { lua, numberOfKeys });
    }
  }
}
