import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from '../logger';

/** Waits this long after the last change event before reading (editors write in several steps). */
const SETTLE_MS = 100;

/**
 * A file the service reads at start-up and again whenever it changes (the local users file, the
 * introspection clients file). The folder is watched, since editors and config tools replace files
 * rather than write them in place. A new version that fails to load is reported and the previous
 * content stays in force, so a typo never locks everyone out.
 */
export class WatchedFile<T> {
  private content: T;
  private loadedAt: Date;
  private generation = 1;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    readonly path: string,
    private readonly load: (path: string) => Promise<T>,
    private readonly logger: Logger,
    private readonly what: string,
    first: T,
  ) {
    this.content = first;
    this.loadedAt = new Date();
  }

  /** Loads the file (throwing if it is unusable: start-up fails) and starts watching it. */
  static async open<T>(
    path: string,
    load: (path: string) => Promise<T>,
    logger: Logger,
    what: string,
  ): Promise<WatchedFile<T>> {
    const file = new WatchedFile(path, load, logger, what, await load(path));
    file.watcher = watch(dirname(path), { persistent: false }, (_event, name) => {
      if (name === null || name.toString() === basename(path)) file.scheduleReload();
    });
    file.watcher.on('error', (error) => logger.error({ err: error, file: path }, `${what}: watch failed`));
    return file;
  }

  get current(): T {
    return this.content;
  }

  /** How many times the file was read successfully (tests wait for a change to land). */
  get reloads(): number {
    return this.generation;
  }

  get lastLoaded(): Date {
    return this.loadedAt;
  }

  /** Reads the file now; keeps the previous content and throws if the new one is unusable. */
  async reload(): Promise<void> {
    this.content = await this.load(this.path);
    this.loadedAt = new Date();
    this.generation += 1;
  }

  close(): void {
    this.watcher?.close();
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  private scheduleReload(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.reload().then(
        () => this.logger.info({ file: this.path }, `${this.what} reloaded`),
        (error: unknown) =>
          this.logger.error(
            { file: this.path, error: (error as Error).message },
            `${this.what} not reloaded; keeping the previous version`,
          ),
      );
    }, SETTLE_MS);
    this.timer.unref();
  }
}
