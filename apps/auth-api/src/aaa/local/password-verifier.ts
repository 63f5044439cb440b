import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { HashResult, HashTask } from './hash-worker';

/**
 * CPU priority of the hashing threads (LOCAL_HASH_PRIORITY), on Linux:
 * - `idle`: SCHED_IDLE (util-linux `chrt`; nice 19 without it): only CPU time nothing else wants, so
 *   token validations lose the least, but while other processes keep every core busy a check can wait
 *   without bound;
 * - `low`: nice 19: validations still come first, and a check always progresses (about 1.5 % of a
 *   core against each busy process at nice 0);
 * - `normal`: the process's own priority: checks share the CPU evenly with validations.
 */
export const HASH_PRIORITIES = ['idle', 'low', 'normal'] as const;
export type HashPriority = (typeof HASH_PRIORITIES)[number];

/**
 * The defaults of LOCAL_HASH_PRIORITY and LOCAL_HASH_QUEUE_MAX. 64 checks of ~60-100 ms (ln=14) on
 * one thread drain in a few seconds, well inside the default AAA_DEADLINE_MS of 15 s.
 */
export const HASH_DEFAULTS = { priority: 'low', queueMax: 64 } as const satisfies {
  priority: HashPriority;
  queueMax: number;
};

/** What a hashing thread is started with. */
export interface HashWorkerData {
  readonly priority: HashPriority;
}

export interface PasswordVerifierOptions {
  /** Threads checking passwords at once (LOCAL_HASH_CONCURRENCY). */
  readonly size: number;
  /** Checks that may wait for a thread (LOCAL_HASH_QUEUE_MAX); beyond it verify() refuses at once. */
  readonly queueMax?: number;
  /** LOCAL_HASH_PRIORITY (HASH_DEFAULTS.priority by default). */
  readonly priority?: HashPriority;
  /** Called with the number of waiting checks whenever it changes (the queue-depth gauge). */
  readonly onQueueChange?: (queued: number) => void;
  /** Called each time a thread starts a check (the hashes-started counter): its CPU is spent. */
  readonly onStart?: () => void;
  /** The worker script (tests give their own); the compiled hash-worker.js by default. */
  readonly file?: string;
}

/**
 * verify() gave no verdict: `queue-full` (refused at once, nothing hashed), or `aborted` (a signal
 * fired: before a thread started the check, which then never runs, or while it ran, whose verdict is
 * then dropped). `retryAfterMs` estimates when the queue will have drained.
 */
export class HashRefusedError extends Error {
  constructor(
    readonly reason: 'queue-full' | 'aborted',
    /** Whether a thread had started the check (its CPU was spent). */
    readonly started: boolean,
    readonly retryAfterMs: number,
  ) {
    super(reason === 'queue-full' ? 'too many password checks waiting' : 'password check aborted');
    this.name = 'HashRefusedError';
  }
}

interface Pending {
  readonly task: HashTask;
  readonly settle: (outcome: { ok: boolean } | { error: Error }) => void;
  started: boolean;
  startedAt: number;
}

/** The first checks' duration estimate, until real ones are measured (ln=14 on one core). */
const INITIAL_ESTIMATE_MS = 100;
/** Weight of the newest duration in the running estimate. */
const ESTIMATE_WEIGHT = 0.2;

/**
 * Checks local passwords (scrypt) on `size` worker threads at a chosen CPU priority, one check per
 * thread at a time, at most `queueMax` waiting in arrival order: beyond that a check is refused at
 * once, so a burst of logins gets a fast 503 instead of unbounded latency. A check whose signals
 * fire while it waits (the login's AAA deadline, its HTTP client gone) leaves the queue and is never
 * hashed. Hashing never blocks the event loop. Threads start on first use and are replaced if one dies.
 */
export class PasswordVerifier {
  readonly size: number;
  readonly queueMax: number;
  readonly priority: HashPriority;
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  /** Waiting checks in arrival order (a Set: one that gives up leaves in O(1)). */
  private readonly queue = new Set<Pending>();
  private readonly file: string;
  private readonly onQueueChange: (queued: number) => void;
  private readonly onStart: () => void;
  private started = 0;
  private nextId = 0;
  private closed = false;
  private estimateMs = INITIAL_ESTIMATE_MS;

  constructor(options: PasswordVerifierOptions) {
    const { size, queueMax = HASH_DEFAULTS.queueMax, priority = HASH_DEFAULTS.priority } = options;
    if (!Number.isInteger(size) || size < 1) throw new RangeError('size must be a positive integer');
    if (!Number.isInteger(queueMax) || queueMax < 0) throw new RangeError('queueMax must be an integer ≥ 0');
    if (!HASH_PRIORITIES.includes(priority))
      throw new RangeError(`priority must be ${HASH_PRIORITIES.join(', ')}`);
    this.size = size;
    this.queueMax = queueMax;
    this.priority = priority;
    this.file = options.file ?? workerFile();
    this.onQueueChange = options.onQueueChange ?? (() => undefined);
    this.onStart = options.onStart ?? (() => undefined);
  }

  /**
   * Whether `password` matches `encoded`. Rejects with HashRefusedError when the queue is full or a
   * signal fires before the verdict, and with an Error for a malformed hash.
   */
  verify(password: string, encoded: string, signals: readonly AbortSignal[] = []): Promise<boolean> {
    if (this.closed) return Promise.reject(new Error('password verifier closed'));
    if (signals.some((s) => s.aborted)) return Promise.reject(new HashRefusedError('aborted', false, 0));
    const free = this.idle.length + (this.size - this.started);
    if (free === 0 && this.queue.size >= this.queueMax) {
      return Promise.reject(new HashRefusedError('queue-full', false, this.drainEstimateMs()));
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        if (this.queue.delete(pending)) this.onQueueChange(this.queue.size);
        pending.settle({ error: new HashRefusedError('aborted', pending.started, this.drainEstimateMs()) });
      };
      let settled = false;
      const pending: Pending = {
        task: { id: (this.nextId += 1), password, encoded },
        started: false,
        startedAt: 0,
        settle: (outcome) => {
          if (settled) return;
          settled = true;
          for (const signal of signals) signal.removeEventListener('abort', onAbort);
          if ('ok' in outcome) resolve(outcome.ok);
          else reject(outcome.error);
        },
      };
      for (const signal of signals) signal.addEventListener('abort', onAbort, { once: true });
      this.queue.add(pending);
      this.dispatch();
      this.onQueueChange(this.queue.size);
    });
  }

  /** Checks waiting for a thread. */
  get queued(): number {
    return this.queue.size;
  }

  /** Checks a thread is running now (including ones whose caller has given up). */
  get running(): number {
    return this.busy.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    const closed = new Error('password verifier closed');
    const waiting = [...this.queue];
    this.queue.clear();
    for (const pending of [...waiting, ...this.busy.values()]) pending.settle({ error: closed });
    this.onQueueChange(0);
    const workers = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  /** How long until the queue has drained, from the running estimate of one check's duration. */
  private drainEstimateMs(): number {
    return Math.ceil(((this.queue.size + this.busy.size) / this.size) * this.estimateMs);
  }

  private dispatch(): void {
    let changed = false;
    for (const pending of this.queue) {
      const worker = this.idle.pop() ?? (this.started < this.size ? this.spawn() : undefined);
      if (worker === undefined) break;
      this.queue.delete(pending);
      changed = true;
      pending.started = true;
      pending.startedAt = performance.now();
      this.busy.set(worker, pending);
      worker.postMessage(pending.task);
      this.onStart();
    }
    if (changed) this.onQueueChange(this.queue.size);
  }

  private spawn(): Worker {
    this.started += 1;
    const workerData: HashWorkerData = { priority: this.priority };
    const worker = new Worker(this.file, { workerData });
    worker.unref();
    worker.on('message', (result: HashResult) => {
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      if (!this.closed) this.idle.push(worker);
      if (pending?.task.id === result.id) {
        const ms = performance.now() - pending.startedAt;
        this.estimateMs += (ms - this.estimateMs) * ESTIMATE_WEIGHT;
        pending.settle(result.error !== undefined ? { error: new Error(result.error) } : { ok: result.ok });
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
    if (!this.closed) pending?.settle({ error });
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
