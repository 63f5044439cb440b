/** One tab of the console: shown (and polling) only while its hash is current and someone is logged in. */
export interface View {
  /** Focused when the view opens after a login, so keyboard and screen reader users land in it. */
  readonly heading: HTMLElement;
  show(): void;
  hide(): void;
  /** Forgets what the last user saw (on logout). */
  reset(): void;
}
