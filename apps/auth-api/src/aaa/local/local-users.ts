import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { loadUsersFile, type UserRecord } from '@sessiond/passwords';
import type { Logger } from '../../logger';

/**
 * The local users file, re-read when it changes (editors and config tools replace the file, so the
 * folder is watched). A file that fails to parse is reported and the previous users stay in force.
 */
export class LocalUsers {
  private users: ReadonlyMap<string, UserRecord> = new Map();
  private loadedAt: Date | undefined;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;

  private constructor(
    readonly path: string,
    private readonly logger: Logger,
  ) {}

  /** Loads the file (failing start-up if it is unusable) and starts watching it. */
  static async open(path: string, logger: Logger): Promise<LocalUsers> {
    const local = new LocalUsers(path, logger);
    await local.reload();
    local.watcher = watch(dirname(path), { persistent: false }, (_event, name) => {
      if (name === null || name.toString() === basename(path)) local.scheduleReload();
    });
    local.watcher.on('error', (error) =>
      logger.error({ err: error, file: path }, 'local users file: watch failed'),
    );
    return local;
  }

  get(username: string): UserRecord | undefined {
    return this.users.get(username);
  }

  get size(): number {
    return this.users.size;
  }

  get lastLoaded(): Date | undefined {
    return this.loadedAt;
  }

  /** How many times the file has been read successfully (tests wait for a change to land). */
  get reloads(): number {
    return this.generation;
  }

  async reload(): Promise<void> {
    const { users } = await loadUsersFile(this.path);
    for (const user of users.values()) {
      if (user.scrypt === undefined) {
        throw new Error(
          `local users file ${this.path}: user "${user.username}" has a plain password; use an scrypt hash (npx sessiond-hash-password)`,
        );
      }
    }
    this.users = users;
    this.loadedAt = new Date();
    this.generation += 1;
  }

  close(): void {
    this.watcher?.close();
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  private scheduleReload(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    // Editors write in several steps; read once things settle.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.reload().then(
        () => this.logger.info({ file: this.path, users: this.users.size }, 'local users file reloaded'),
        (error: unknown) =>
          this.logger.error(
            { file: this.path, error: (error as Error).message },
            'local users file not reloaded; keeping the previous users',
          ),
      );
    }, 100);
    this.timer.unref();
  }
}
