// Public API of @sessiond/passwords: an explicit list (style.md: no `export *`).

// Errors
export { InvalidHashError, PasswordsError, UsersFileError } from './errors';

// scrypt password hashing (`$scrypt$ln=…,r=…,p=…$salt$hash`)
export {
  hashPassword,
  parseScryptHash,
  verifyPassword,
  verifyPasswordSync,
  type HashPasswordOptions,
  type ScryptHash,
} from './scrypt-hash';

// The users file (`{ "users": [ … ] }`) of the local AAA method and the TACACS+ dev server
export { loadUsersFile, parseUsers, type UserRecord, type UsersDatabase } from './users-file';
