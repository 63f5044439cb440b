import { loadUsersFile, type UserRecord } from '@sessiond/passwords';
import { WatchedFile } from '../../files/watched-file';
import type { Logger } from '../../logger';

/**
 * The local users file (LOCAL_USERS_FILE), re-read when it changes; a version that fails to load is
 * reported and the previous users stay in force (files/watched-file.ts).
 */
export class LocalUsers {
  private constructor(private readonly file: WatchedFile<ReadonlyMap<string, UserRecord>>) {}

  /** Loads the file (failing start-up if it is unusable) and starts watching it. */
  static async open(path: string, logger: Logger): Promise<LocalUsers> {
    return new LocalUsers(await WatchedFile.open(path, loadHashedUsers, logger, 'local users file'));
  }

  get path(): string {
    return this.file.path;
  }

  get(username: string): UserRecord | undefined {
    return this.file.current.get(username);
  }

  get size(): number {
    return this.file.current.size;
  }

  get lastLoaded(): Date {
    return this.file.lastLoaded;
  }

  /** How many times the file has been read successfully (tests wait for a change to land). */
  get reloads(): number {
    return this.file.reloads;
  }

  close(): void {
    this.file.close();
  }
}

/** The users of the file; every one must have an scrypt hash (plain passwords are for the TACACS+ dev server). */
async function loadHashedUsers(path: string): Promise<ReadonlyMap<string, UserRecord>> {
  const { users } = await loadUsersFile(path);
  for (const user of users.values()) {
    if (user.scrypt === undefined) {
      throw new Error(
        `local users file ${path}: user "${user.username}" has a plain password; use an scrypt hash (npm run -s hash-password)`,
      );
    }
  }
  return users;
}
