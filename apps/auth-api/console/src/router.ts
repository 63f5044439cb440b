// Hash routing between the three views (#sessions, #health, #refusals): the nav links are plain
// anchors, so the browser's history, bookmarks and keyboard work as for any link.

export const VIEW_NAMES = ['sessions', 'health', 'refusals'] as const;
export type ViewName = (typeof VIEW_NAMES)[number];

const DEFAULT_VIEW: ViewName = 'sessions';

function isViewName(name: string): name is ViewName {
  return (VIEW_NAMES as readonly string[]).includes(name);
}

/** The view the address names; an unknown or empty hash means the default view. */
export function currentView(): ViewName {
  const name = location.hash.slice(1);
  return isViewName(name) ? name : DEFAULT_VIEW;
}

/** Calls `onChange` with the named view whenever the hash changes. */
export function watchRoute(onChange: (view: ViewName) => void): void {
  window.addEventListener('hashchange', () => onChange(currentView()));
}

/** Marks the nav link of `view` as the current page (aria-current, which the CSS also styles). */
export function markCurrent(nav: HTMLElement, view: ViewName): void {
  for (const link of nav.querySelectorAll<HTMLAnchorElement>('a[href^="#"]')) {
    if (link.getAttribute('href') === `#${view}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}
