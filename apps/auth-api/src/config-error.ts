/**
 * A bad configuration: the message names every bad variable (never a secret's value). main.ts exits
 * with code 2 on it, whether config.ts found it or a start-up step reading a named file did.
 */
export class ConfigError extends Error {
  readonly code = 'invalid_config';

  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
