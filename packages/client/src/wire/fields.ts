import { SessiondResponseError } from '../errors';

/**
 * Reads members of a JSON body, checking each one's type. A wrong body is a SessiondResponseError
 * naming the member, never echoing a value (a body may hold a token).
 */
export class Fields {
  private readonly object: Readonly<Record<string, unknown>>;

  constructor(
    value: unknown,
    private readonly what: string,
  ) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new SessiondResponseError(`${what}: expected a JSON object`);
    }
    this.object = value as Record<string, unknown>;
  }

  has(name: string): boolean {
    return this.object[name] !== undefined;
  }

  raw(name: string): unknown {
    return this.object[name];
  }

  string(name: string): string {
    const value = this.object[name];
    if (typeof value !== 'string') throw this.wrong(name, 'a string');
    return value;
  }

  optionalString(name: string): string | undefined {
    return this.has(name) ? this.string(name) : undefined;
  }

  integer(name: string): number {
    const value = this.object[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw this.wrong(name, 'an integer');
    return value;
  }

  optionalInteger(name: string): number | undefined {
    return this.has(name) ? this.integer(name) : undefined;
  }

  boolean(name: string): boolean {
    const value = this.object[name];
    if (typeof value !== 'boolean') throw this.wrong(name, 'a boolean');
    return value;
  }

  /** An RFC 3339 date-time string. */
  date(name: string): Date {
    const date = new Date(this.string(name));
    if (Number.isNaN(date.getTime())) throw this.wrong(name, 'a date-time');
    return date;
  }

  /** Whole seconds since the epoch (RFC 7662 `iat` / `exp`). */
  epochSeconds(name: string): Date {
    return new Date(this.integer(name) * 1000);
  }

  array(name: string): readonly unknown[] {
    const value = this.object[name];
    if (!Array.isArray(value)) throw this.wrong(name, 'an array');
    return value;
  }

  private wrong(name: string, expected: string): SessiondResponseError {
    return new SessiondResponseError(`${this.what}: member "${name}" is missing or not ${expected}`);
  }
}
