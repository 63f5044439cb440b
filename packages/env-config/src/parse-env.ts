import type { z } from 'zod';
import { lookAlikeProblems } from './look-alike';
import { FILE_SUFFIX, readSecretFiles } from './secret-files';

export interface ParseEnvOptions {
  /**
   * Secrets known by a pattern rather than by name (TACACS_KEY_SECRETS): like the `secrets` set,
   * each may come from `<NAME>_FILE` and is never printed; they are in `present` though not in the schema.
   */
  readonly secretPatterns?: readonly RegExp[];
  /** Variables the app reads besides the schema's (the look-alike check must know them). */
  readonly knownNames?: readonly string[];
}

export interface ParsedEnv<T> {
  /** The parsed values, when every variable passed its own check. */
  readonly data: T | undefined;
  /**
   * The values the checks saw, for the caller's cross-variable rules: the schema's variables that
   * are set (an empty value counts as unset, as a shell's `VAR=` means) and the pattern secrets,
   * each secret read from its `<NAME>_FILE` when that is set instead.
   */
  readonly present: Readonly<Record<string, string>>;
  /** Secrets whose `_FILE` was set but not used: reported already, so no rule should call them unset. */
  readonly unresolved: ReadonlySet<string>;
  /** One line per bad variable: `NAME: what is wrong (got 'value')`, never a secret's value. */
  readonly problems: string[];
}

/**
 * Checks the variables of `schema` in `env` (the caller's process.env: only apps/*\/src/config.ts
 * reads it). Each secret (`secrets`, and names matching options.secretPatterns) may instead be read
 * from the file that `<NAME>_FILE` names. Variables that look like a typo of a known name are
 * problems too (see lookAlikeProblems). Callers add their cross-variable rules to `problems`, then
 * refuse to start on any.
 */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
  secrets: ReadonlySet<string>,
  options: ParseEnvOptions = {},
): ParsedEnv<z.infer<S>> {
  const inSchema = (name: string): boolean => Object.hasOwn(schema.shape, name);
  const patterns = options.secretPatterns ?? [];
  const isPatternSecret = (name: string): boolean => patterns.some((p) => p.test(name));
  const isPatternSecretFile = (name: string): boolean =>
    name.endsWith(FILE_SUFFIX) && isPatternSecret(name.slice(0, -FILE_SUFFIX.length));
  const secretNames = new Set(secrets);
  for (const name of Object.keys(env)) {
    if (isPatternSecret(name)) secretNames.add(name);
    if (isPatternSecretFile(name)) secretNames.add(name.slice(0, -FILE_SUFFIX.length));
  }
  const files = readSecretFiles(env, secretNames);

  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    if (inSchema(name) || isPatternSecret(name)) present[name] = value;
  }
  Object.assign(present, files.values);
  const parsed = schema.safeParse(
    Object.fromEntries(Object.entries(present).filter(([name]) => inSchema(name))),
  );
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '?');
        return `${name}: ${issue.message}${origin(name, issue.message)}`;
      });

  // How a message says where the bad value came from, unless it is a secret or quoted already.
  function origin(name: string, message: string): string {
    if (Object.hasOwn(files.values, name)) return ` (read from ${name}${FILE_SUFFIX})`;
    const value = present[name];
    if (secretNames.has(name) || value === undefined || message.includes(`'${value}'`)) return '';
    return ` (got '${value}')`;
  }

  const known = [
    ...Object.keys(schema.shape),
    ...secrets,
    ...[...secrets].map((name) => `${name}${FILE_SUFFIX}`),
    ...(options.knownNames ?? []),
  ];
  problems.push(
    ...files.problems,
    ...lookAlikeProblems(env, known, [...patterns, { test: isPatternSecretFile }]),
  );
  return {
    data: parsed.success ? parsed.data : undefined,
    present,
    unresolved: files.unresolved,
    problems,
  };
}

/** Freezes a configuration object and everything in it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
