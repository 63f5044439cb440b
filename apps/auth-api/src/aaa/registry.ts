import type { z } from 'zod';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { localDefinition } from './local/definition';
import { tacacsDefinition } from './tacacs/definition';
import type { AaaMethod } from './types';

/** What every method's settings may use besides its own variables. */
export interface CommonAaaSettings {
  /** AAA_TIMEOUT_MS: one attempt's budget at one server. */
  readonly timeoutMs: number;
  /** AAA_RETRIES: attempts after the first at a server that timed out or refused. */
  readonly retries: number;
}

/** What config.ts hands a method to build its settings from. */
export interface MethodEnvironment<Values> {
  /** The method's variables, parsed by its `env` parsers (defaults applied). */
  readonly values: Values;
  /** The variables that are set, as text (an empty value counts as unset; secrets read from `_FILE`s). */
  readonly present: Readonly<Record<string, string>>;
  /** Secrets whose `_FILE` could not be used (reported already). */
  readonly unresolved: ReadonlySet<string>;
  readonly common: CommonAaaSettings;
  /** Whether AAA_METHODS lists the method, and whether it is the only one. */
  readonly listed: boolean;
  readonly only: boolean;
}

/** What a method's factory gets at start-up. */
export interface MethodContext {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * One AAA method, everything the service needs to know of it: its name in AAA_METHODS and the name
 * clients see, its environment variables (config.ts merges them into its schema, so validation and
 * the unknown-variable check cover them), the rules across them, and the factory services.ts calls.
 * A new method (RADIUS, LDAP) is one file defining this, plus a line in AAA_METHODS below.
 */
export interface AaaMethodDefinition<Key extends string, Shape extends z.ZodRawShape, Settings> {
  readonly key: Key;
  readonly name: string;
  /** One line for docs and error messages. */
  readonly summary: string;
  readonly env: Shape;
  /** Variables that hold secrets: never echoed, and each may come from `<NAME>_FILE`. */
  readonly secretVariables: readonly string[];
  /** Secrets known by a pattern (TACACS_SECRET_<X>), likewise. */
  readonly secretPatterns: readonly RegExp[];
  /** Whether the method's settings are needed: listed in AAA_METHODS, or used by another feature. */
  isUsed(listed: boolean, present: Readonly<Record<string, string>>): boolean;
  /** Checks the rules across its variables (pushing one problem per bad variable) and builds its settings. */
  settings(input: MethodEnvironment<z.infer<z.ZodObject<Shape>>>, problems: string[]): Settings;
  create(settings: Settings, context: MethodContext): Promise<AaaMethod & { readonly name: string }>;
}

/** Every AAA method the service can use, in the order the docs list them. */
export const AAA_METHODS = [tacacsDefinition, localDefinition] as const;

type Definition = (typeof AAA_METHODS)[number];

/** A name AAA_METHODS may list. */
export type AaaMethodKey = Definition['key'];

/** Each used method's settings, by key. */
export type AaaSettings = {
  readonly [D in Definition as D['key']]?: ReturnType<D['settings']>;
};

/** The names clients see in `aaa` members (sessions, introspection, problems, audit records). */
export const AAA_METHOD_NAMES: readonly string[] = AAA_METHODS.map((d) => d.name);

export const AAA_METHOD_KEYS: readonly AaaMethodKey[] = AAA_METHODS.map((d) => d.key);

/** Every method's variables, for config.ts's schema. */
export const AAA_ENV = Object.assign(
  {},
  ...AAA_METHODS.map((d) => d.env),
) as Definition['env'] extends infer E ? UnionToIntersection<E> : never;

export const AAA_SECRET_VARIABLES: readonly string[] = AAA_METHODS.flatMap((d) => d.secretVariables);

export const AAA_SECRET_PATTERNS: readonly RegExp[] = AAA_METHODS.flatMap((d) => d.secretPatterns);

export function definitionOf(key: AaaMethodKey): Definition {
  const definition = AAA_METHODS.find((d) => d.key === key);
  if (definition === undefined) throw new Error(`unknown AAA method ${key}`);
  return definition;
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;
