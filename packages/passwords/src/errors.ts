/**
 * The package's errors: one base class, subclasses with a literal `code` (stable across releases),
 * `cause` kept when wrapping. No message ever contains a password or the content of a users file.
 */
export abstract class PasswordsError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A malformed `$scrypt$…` string, or scrypt parameters out of their bounds. */
export class InvalidHashError extends PasswordsError {
  readonly code = 'invalid_password_hash';
}

/** A users document or file that is not valid (the message names the first bad entry). */
export class UsersFileError extends PasswordsError {
  readonly code = 'invalid_users_file';
}
