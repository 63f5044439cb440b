import { byId } from './dom';

export type Tone = 'info' | 'error';

/**
 * The page's one aria-live region (#status): results of actions and errors, read out by screen
 * readers. Polls report here only when their message changes, so a dead server is said once, not
 * every two seconds.
 */
export class StatusLine {
  readonly #element = byId('status', HTMLElement);
  #last = '';

  say(message: string, tone: Tone = 'info'): void {
    this.#last = message;
    this.#element.dataset['tone'] = tone;
    // A live region announces changes: clear first so the same message twice is read twice.
    this.#element.textContent = '';
    this.#element.textContent = message;
  }

  /** Says `message` unless it is what the region already holds. */
  sayOnce(message: string, tone: Tone = 'info'): void {
    if (message !== this.#last) this.say(message, tone);
  }

  clear(): void {
    this.#last = '';
    this.#element.textContent = '';
    delete this.#element.dataset['tone'];
  }
}
