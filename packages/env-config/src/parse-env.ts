import type { z } from 'zod';

export interface ParsedEnv<T> {
  /** The parsed values, when every variable passed its own check. */
  readonly data: T | undefined;
  /** The schema's variables that are set (an empty value counts as unset, as a shell's `VAR=` means). */
  readonly present: Readonly<Record<string, string>>;
  /** One line per bad variable: `NAME: what is wrong (got 'value')`, never a secret's value. */
  readonly problems: string[];
}

/**
 * Checks the variables of `schema` in `env` (the caller's process.env: only apps/*\/src/config.ts
 * reads it). Callers add their cross-variable rules to `problems`, then refuse to start on any.
 */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
  secrets: ReadonlySet<string>,
): ParsedEnv<z.infer<S>> {
  const present = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] =>
        entry[0] in schema.shape && entry[1] !== undefined && entry[1] !== '',
    ),
  );
  const parsed = schema.safeParse(present);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '?');
        const value = present[name];
        const got = secrets.has(name) || value === undefined ? '' : ` (got '${value}')`;
        return `${name}: ${issue.message}${got}`;
      });
  return { data: parsed.success ? parsed.data : undefined, present, problems };
}

/** Freezes a configuration object and everything in it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
