/**
 * One 'abort' listener per AbortSignal, however many waits share that signal. A caller may pass one
 * signal to many operations at once (a shutdown signal, a batch deadline); adding a listener per
 * waiting session would pass EventTarget's limit of 10 and log a MaxListenersExceededWarning (issue 13).
 */
interface Watch {
  readonly callbacks: Set<() => void>;
  readonly fire: () => void;
}

const watches = new WeakMap<AbortSignal, Watch>();

/** Calls `callback` once when `signal` aborts; the returned function stops watching (idempotent). */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let watch = watches.get(signal);
  if (watch === undefined) {
    const callbacks = new Set<() => void>();
    const fire = (): void => {
      watches.delete(signal);
      for (const pending of [...callbacks]) pending();
      callbacks.clear();
    };
    watch = { callbacks, fire };
    watches.set(signal, watch);
    signal.addEventListener('abort', fire, { once: true });
  }
  const { callbacks, fire } = watch;
  // A distinct wrapper per call, so the same callback can be watched twice and removed once.
  const entry = (): void => callback();
  callbacks.add(entry);
  return () => {
    if (!callbacks.delete(entry) || callbacks.size > 0) return;
    signal.removeEventListener('abort', fire);
    if (watches.get(signal)?.callbacks === callbacks) watches.delete(signal);
  };
}
