import { StoreReplyError, StoreUnavailableError, SessionStoreError } from './errors';

// Redis replies that mean "not now" rather than "wrong": the store is unavailable, not broken.
const TRANSIENT_REPLY = /^(LOADING|BUSY|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|READONLY|NOREPLICAS|MOVED|ASK|OOM)\b/;

/**
 * Runs one Redis operation and settles within `timeoutMs` whatever Redis does: a slow or absent
 * Redis becomes StoreUnavailableError, never a hang (the ioredis client is also configured without an
 * offline queue and with a command timeout; this is the last line).
 */
export function guarded<T>(operation: string, timeoutMs: number, run: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new StoreUnavailableError(`${operation}: Redis did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    run().then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(toStoreError(operation, error));
      },
    );
  });
}

export function toStoreError(operation: string, error: unknown): SessionStoreError {
  if (error instanceof SessionStoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const isReply = error instanceof Error && error.name === 'ReplyError';
  if (isReply && !TRANSIENT_REPLY.test(message)) {
    return new StoreReplyError(`${operation}: Redis refused the command: ${message}`, { cause: error });
  }
  return new StoreUnavailableError(`${operation}: Redis unavailable: ${message}`, { cause: error });
}
