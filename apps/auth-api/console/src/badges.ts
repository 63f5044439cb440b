import type { SourceState } from './api-types';
import { h } from './dom';
import { clockTime } from './format';

/** How a state reads; `until` completes "held down until …". */
function stateText(state: SourceState, until: string | undefined): string {
  switch (state) {
    case 'held-down':
      return until === undefined ? 'held down' : `held down until ${clockTime(until)}`;
    case 'key-mismatch':
      return 'key mismatch';
    case 'not-configured':
      return 'not configured';
    case 'up':
    case 'down':
    case 'unknown':
    case 'loaded':
      return state;
  }
}

/** A `span.badge[data-state]`: the state name for tests and CSS colours, its words for people. */
export function stateBadge(state: SourceState, until?: string): HTMLSpanElement {
  return h('span', { className: 'badge', text: stateText(state, until), attrs: { 'data-state': state } });
}

/** A description list of the pairs whose value is known. */
export function facts(pairs: readonly (readonly [string, string | undefined])[]): HTMLDListElement {
  const list = h('dl', { className: 'facts' });
  for (const [term, value] of pairs) {
    if (value !== undefined) list.append(h('div', {}, h('dt', { text: term }), h('dd', { text: value })));
  }
  return list;
}
