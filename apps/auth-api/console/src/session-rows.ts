import type { SessionItem } from './api-types';
import { withConfirm } from './confirm';
import { countdownTo } from './countdown';
import { h, type Child } from './dom';
import { clockTime, shortSessionId } from './format';

/** The cells of a session row, in the order of the table's header (index.html). */
const CELLS = 10;
const ACTIONS = CELLS - 1;

/** A `tr[data-session-id]` with its cells labelled for the narrow layout and a Revoke button. */
export function sessionRow(
  sessionId: string,
  labels: readonly string[],
  revoke: (sessionId: string) => Promise<void>,
): HTMLTableRowElement {
  const row = h('tr', { attrs: { 'data-session-id': sessionId } });
  for (let index = 0; index < CELLS; index++) {
    // On a phone each row is a card and each cell shows its header's text (console.css, attr()).
    row.append(h('td', { attrs: { 'data-label': labels[index] ?? '' } }));
  }
  const button = h('button', {
    className: 'revoke danger',
    text: 'Revoke',
    attrs: { type: 'button', 'aria-label': `Revoke session ${shortSessionId(sessionId)}` },
  });
  withConfirm(button, {
    label: () => 'Yes, revoke',
    description: () => `Confirm: revoke session ${shortSessionId(sessionId)}`,
    action: () => revoke(sessionId),
  });
  row.cells[ACTIONS]?.append(button);
  return row;
}

/** Writes `item` into its row (all cells but the actions, so an open confirm step survives). */
export function fillSessionRow(row: HTMLTableRowElement, item: SessionItem): void {
  const id = h('code', { text: shortSessionId(item['session-id']), attrs: { title: item['session-id'] } });
  const session: Child[] = item.current
    ? [id, ' ', h('span', { className: 'tag', text: 'this console' })]
    : [id];
  const contents: Child[][] = [
    session,
    [text(item['source-ip'])],
    [h('span', { className: 'ua', text: item['user-agent'] || '–', attrs: { title: item['user-agent'] } })],
    [nowrap(item.aaa)],
    [text(String(item['priv-lvl']))],
    [nowrap(clockTime(item['created-at']))],
    [nowrap(clockTime(item['last-access-at']))],
    deadline(item['expires-at'], `idle period ${item['expiry-time']}`),
    deadline(item['absolute-expires-at'], 'absolute lifetime'),
  ];
  contents.forEach((nodes, index) => row.cells[index]?.replaceChildren(...nodes));
}

/** A short value (a method name, a clock time) that must not break mid-word in a narrow column. */
function nowrap(value: string): HTMLElement {
  return h('span', { className: 'nowrap', text: value });
}

function text(value: string): Text {
  return document.createTextNode(value);
}

/** "in 29m 12s" counting down, with the deadline's clock time under it. */
function deadline(iso: string, title: string): Child[] {
  const counter = h('time', { className: 'countdown', attrs: { datetime: iso, title } });
  countdownTo(counter, iso);
  return [counter, h('span', { className: 'at', text: clockTime(iso) })];
}
