import { UsersFileError } from '@sessiond/passwords';

/**
 * Per-user command rules of the server's users file: `"commands": { "permit": [...], "deny": [...] }`,
 * regular expressions anchored at both ends and matched against the command line (cmd and its
 * cmd-args joined by single spaces). Deny rules are checked first; a user with `commands` is denied
 * what no permit rule matches; a user without `commands` may run every command.
 */
export interface CommandRules {
  readonly permit: readonly CommandRule[];
  readonly deny: readonly CommandRule[];
}

/** One rule: the pattern as written in the file, and its anchored expression. */
export interface CommandRule {
  readonly pattern: string;
  readonly regex: RegExp;
}

export interface CommandDecision {
  readonly permit: boolean;
  /** The rule that decided (`deny /reload/`), or why none did. */
  readonly reason: string;
}

/** Keeps a pathological rule file from building huge expressions (the file is operator-written). */
const MAX_PATTERN_LENGTH = 1024;
const RULE_LISTS = ['permit', 'deny'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compile(pattern: unknown, where: string): CommandRule {
  if (typeof pattern !== 'string' || pattern === '' || pattern.length > MAX_PATTERN_LENGTH) {
    throw new UsersFileError(
      `${where} must be a non-empty string of at most ${MAX_PATTERN_LENGTH} characters`,
    );
  }
  try {
    return { pattern, regex: new RegExp(`^(?:${pattern})$`) };
  } catch (error) {
    throw new UsersFileError(`${where} is not a valid regular expression`, { cause: error });
  }
}

/** Validates one user's `commands` value; `where` names it in errors (`users file: users[2]`). */
export function parseCommandRules(raw: unknown, where: string): CommandRules {
  if (!isObject(raw)) throw new UsersFileError(`${where}: "commands" must be an object`);
  for (const key of Object.keys(raw)) {
    if (!(RULE_LISTS as readonly string[]).includes(key)) {
      throw new UsersFileError(`${where}: "commands" has an unknown property "${key}"`);
    }
  }
  const lists = RULE_LISTS.map((name) => {
    const list = raw[name] ?? [];
    if (!Array.isArray(list)) throw new UsersFileError(`${where}: "commands.${name}" must be an array`);
    return list.map((pattern, index) => compile(pattern, `${where}: "commands.${name}[${index}]"`));
  });
  return { permit: lists[0] ?? [], deny: lists[1] ?? [] };
}

/** Deny first, then permit; with rules, no match is a deny; without rules, everything is permitted. */
export function decideCommand(rules: CommandRules | undefined, line: string): CommandDecision {
  if (rules === undefined) return { permit: true, reason: 'no command rules' };
  const deny = rules.deny.find((rule) => rule.regex.test(line));
  if (deny !== undefined) return { permit: false, reason: `deny ${deny.pattern}` };
  const permit = rules.permit.find((rule) => rule.regex.test(line));
  if (permit !== undefined) return { permit: true, reason: `permit ${permit.pattern}` };
  return { permit: false, reason: 'no permit rule matched' };
}
