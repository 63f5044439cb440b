import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { HashResult, HashTask } from './hash-worker';

interface Pending {
  readonly task: HashTask;
  readonly resolve: (ok: boolean) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Checks local passwords (scrypt) on `size` worker threads running at the lowest CPU priority, one
 * check per thread at a time, the rest queued in arrival order. Hashing never blocks the event loop,
 * and while logins run flat out the token validations keep the CPU (a login waits instead).
 * Threads start on first use and are replaced if one dies.
 */
export class PasswordVerifier {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private started = 0;
  private nextId = 0;
  private closed = false;

  constructor(
    readonly size: number,
    private readonly file: string = workerFile(),
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError('size must be a positive integer');
  }

  verify(password: string, encoded: string): Promise<boolean> {
    if (this.closed) return Promise.reject(new Error('password verifier closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ task: { id: (this.nextId += 1), password, encoded }, resolve, reject });
      this.dispatch();
    });
  }

  /** Checks waiting for a thread. */
  get queued(): number {
    return this.queue.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('password verifier closed'));
    const workers = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.started < this.size ? this.spawn() : undefined);
      if (worker === undefined) return;
      const pending = this.queue.shift() as Pending;
      this.busy.set(worker, pending);
      worker.postMessage(pending.task);
    }
  }

  private spawn(): Worker {
    this.started += 1;
    const worker = new Worker(this.file);
    worker.unref();
    worker.on('message', (result: HashResult) => {
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      if (!this.closed) this.idle.push(worker);
      if (pending?.task.id === result.id) {
        if (result.error !== undefined) pending.reject(new Error(result.error));
        else pending.resolve(result.ok);
      }
      this.dispatch();
    });
    worker.on('error', (error) => this.lose(worker, error));
    worker.on('exit', (code) => this.lose(worker, new Error(`password worker exited with code ${code}`)));
    return worker;
  }

  private lose(worker: Worker, error: Error): void {
    const pending = this.busy.get(worker);
    this.busy.delete(worker);
    const index = this.idle.indexOf(worker);
    if (index >= 0) this.idle.splice(index, 1);
    if (pending === undefined && index < 0) return;
    this.started -= 1;
    if (!this.closed) pending?.reject(error);
    if (!this.closed) this.dispatch();
  }
}

/**
 * The compiled worker beside this file; from the TypeScript sources (jest), the build's copy:
 * `npm test` builds first.
 */
function workerFile(): string {
  const beside = join(__dirname, 'hash-worker.js');
  if (existsSync(beside)) return beside;
  const built = join(__dirname, '..', '..', '..', 'dist', 'aaa', 'local', 'hash-worker.js');
  if (existsSync(built)) return built;
  throw new Error(`no compiled password worker (${built}): run npm run build`);
}
