import { readFile } from 'node:fs/promises';
import { parseUsers, UsersFileError, type UsersDatabase } from '@sessiond/passwords';
import { parseCommandRules, type CommandRules } from './command-rules';

/** The server's users: the shared users file of @sessiond/passwords plus per-user command rules. */
export interface ServerUsers {
  readonly database: UsersDatabase;
  /** Users with a `commands` entry; the others may run every command. */
  readonly commands: ReadonlyMap<string, CommandRules>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a users document whose users may carry `commands` (this server's extension). The rules
 * are taken out before @sessiond/passwords validates the rest, which stays strict about properties.
 */
export function parseServerUsers(document: unknown): ServerUsers {
  if (!isObject(document) || !Array.isArray(document['users']))
    return { database: parseUsers(document), commands: new Map() };
  const rules: (CommandRules | undefined)[] = [];
  const stripped = (document['users'] as unknown[]).map((raw, index) => {
    if (!isObject(raw) || !('commands' in raw)) {
      rules.push(undefined);
      return raw;
    }
    const { commands, ...user } = raw;
    rules.push(parseCommandRules(commands, `users file: users[${index}]`));
    return user;
  });
  const database = parseUsers({ ...document, users: stripped });
  const commands = new Map<string, CommandRules>();
  stripped.forEach((raw, index) => {
    const rule = rules[index];
    if (rule !== undefined && isObject(raw) && typeof raw['username'] === 'string') {
      commands.set(raw['username'], rule);
    }
  });
  return { database, commands };
}

/** Reads a users file (JSON) with optional per-user `commands`. */
export async function loadServerUsersFile(path: string): Promise<ServerUsers> {
  const text = await readFile(path, 'utf8');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    // The parser's message may quote file content (a password): keep it out of the error.
    throw new UsersFileError(`users file ${path}: not valid JSON`);
  }
  return parseServerUsers(document);
}
