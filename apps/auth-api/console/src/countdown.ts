import { serverNow } from './clock';
import { remaining } from './format';

const TICK_MS = 1000;

/** Marks `element` as counting down to `deadline` (ISO); the Countdown over its root updates it. */
export function countdownTo(element: HTMLElement, deadline: string): void {
  element.dataset['deadline'] = deadline;
  element.textContent = remaining(Date.parse(deadline), serverNow());
}

/**
 * Every second, rewrites the `[data-deadline]` elements under `root` as "in 4m 05s" / "expired"
 * (against the server's clock), and calls `onExpired` when one of them has just passed.
 */
export class Countdown {
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly onExpired: () => void = () => undefined,
  ) {}

  start(): void {
    if (this.#timer === undefined) this.#timer = setInterval(() => this.tick(), TICK_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  tick(): void {
    const now = serverNow();
    let expired = false;
    for (const element of this.root.querySelectorAll<HTMLElement>('[data-deadline]')) {
      const text = remaining(Date.parse(element.dataset['deadline'] ?? ''), now);
      if (text === element.textContent) continue;
      if (text === 'expired') expired = true;
      element.textContent = text;
    }
    if (expired) this.onExpired();
  }
}
