import { TacacsConnectionError, TacacsTimeoutError } from '../errors';
import { onAbort } from './abort-watch';

interface Waiter<T> {
  grant(value: T): void;
}

/**
 * The bounded FIFO of sessions waiting for a connection to one server. A waiter leaves it when it is
 * granted, when its wait exceeds `timeoutMs` (a `queue` timeout) or when the caller's signal aborts
 * (a `deadline`); each waiter holds one timer and shares its signal's single abort listener.
 */
export class SessionQueue<T> {
  // A Set keeps insertion order: the first entry is the longest waiter, and leaving is O(1).
  private readonly waiters = new Set<Waiter<T>>();
  private readonly rejecters = new Map<Waiter<T>, (error: Error) => void>();

  constructor(private readonly maxLength: number) {}

  get length(): number {
    return this.waiters.size;
  }

  wait(timeoutMs: number, signal: AbortSignal | undefined): Promise<T> {
    if (signal?.aborted === true) return Promise.reject(new TacacsTimeoutError('deadline', undefined));
    if (this.waiters.size >= this.maxLength) {
      return Promise.reject(
        new TacacsConnectionError('busy', `${this.maxLength} sessions already wait for a connection`),
      );
    }
    return new Promise<T>((resolve, reject) => {
      let unwatch = (): void => undefined;
      const leave = (): void => {
        clearTimeout(timer);
        unwatch();
        this.waiters.delete(waiter);
        this.rejecters.delete(waiter);
      };
      const waiter: Waiter<T> = {
        grant: (value) => {
          leave();
          resolve(value);
        },
      };
      const timer = setTimeout(() => {
        leave();
        reject(new TacacsTimeoutError('queue', timeoutMs));
      }, timeoutMs);
      if (signal !== undefined) {
        unwatch = onAbort(signal, () => {
          leave();
          reject(new TacacsTimeoutError('deadline', undefined));
        });
      }
      this.waiters.add(waiter);
      this.rejecters.set(waiter, (error) => {
        leave();
        reject(error);
      });
    });
  }

  /** Hands `value` to the longest waiter; false when nobody waits. */
  grant(value: T): boolean {
    const first = this.waiters.values().next();
    if (first.done === true) return false;
    first.value.grant(value);
    return true;
  }

  rejectAll(error: Error): void {
    for (const reject of [...this.rejecters.values()]) reject(error);
  }
}
