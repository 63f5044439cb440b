import type { Api } from './api';
import { describeError, isAborted } from './api-error';
import type { SessionList } from './api-types';
import { withConfirm } from './confirm';
import { Countdown } from './countdown';
import { byId, reconcile } from './dom';
import { shortSessionId } from './format';
import { Poller } from './poller';
import { fillSessionRow, sessionRow } from './session-rows';
import type { StatusLine } from './status';
import { TopUsers } from './top-users';
import type { View } from './view';

/** The top users, and the shown user's sessions, are read again this often. */
const POLL_MS = 10_000;

/** "3 of 5 sessions", or "3 sessions (no limit)" when SESSION_LIMIT_PER_USER is 0. */
export function sessionCount(count: number, limit: number): string {
  if (limit > 0) return `${count} of ${limit} sessions`;
  return `${count} ${count === 1 ? 'session' : 'sessions'} (no limit)`;
}

/** Sessions: search a user, their live sessions with countdowns, revoke one or all; the top users beside. */
export class SessionsView implements View {
  readonly heading = byId('sessions-heading', HTMLElement);
  readonly #section = byId('view-sessions', HTMLElement);
  readonly #form = byId('user-search-form', HTMLFormElement);
  readonly #search = byId('user-search', HTMLInputElement);
  readonly #result = byId('sessions-result', HTMLElement);
  readonly #resultHeading = byId('sessions-user-heading', HTMLElement);
  readonly #user = byId('sessions-user', HTMLElement);
  readonly #count = byId('session-count', HTMLElement);
  readonly #policy = byId('session-policy', HTMLElement);
  readonly #revokeAll = byId('revoke-all', HTMLButtonElement);
  readonly #table = byId('sessions-table', HTMLTableElement);
  readonly #rows = byId('sessions-rows', HTMLTableSectionElement);
  readonly #empty = byId('sessions-empty', HTMLElement);
  readonly #labels = Array.from(this.#table.tHead?.rows[0]?.cells ?? [], (cell) => cell.textContent ?? '');
  readonly #rowOf = new Map<string, HTMLTableRowElement>();
  readonly #countdown = new Countdown(this.#rows, () => void this.#reload());
  readonly #topUsers: TopUsers;
  readonly #poller = new Poller(POLL_MS, () => this.#poll());
  /** The user whose sessions are shown. */
  #username: string | undefined;
  #shownCount = 0;

  constructor(
    private readonly api: Api,
    private readonly status: StatusLine,
    /** The page's own session was revoked from this view: it is logged out. */
    private readonly onOwnSessionEnded: () => void,
  ) {
    this.#topUsers = new TopUsers(api, status, (username) => void this.open(username, true));
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      const username = this.#search.value.trim();
      if (username !== '') void this.open(username, true);
    });
    withConfirm(this.#revokeAll, {
      label: () => `Yes, revoke all ${this.#shownCount}`,
      description: () => `Confirm: revoke all ${this.#shownCount} sessions of ${this.#username ?? ''}`,
      action: () => this.#revokeEverything(),
      confirmId: 'revoke-all-confirm',
    });
  }

  show(): void {
    this.#section.hidden = false;
    this.#countdown.start();
    this.#poller.start();
  }

  hide(): void {
    this.#section.hidden = true;
    this.#countdown.stop();
    this.#poller.stop();
  }

  reset(): void {
    this.#username = undefined;
    this.#search.value = '';
    this.#result.hidden = true;
    this.#rowOf.clear();
    this.#rows.replaceChildren();
    this.#topUsers.reset();
  }

  /** Shows `username`'s sessions; `focus` moves focus to the result (after a search or a pick). */
  async open(username: string, focus: boolean): Promise<void> {
    this.#search.value = username;
    if (username !== this.#username) {
      this.#username = username;
      this.#rowOf.clear();
      this.#rows.replaceChildren();
    }
    const loaded = await this.#reload();
    if (loaded && focus) {
      this.status.say(`${username}: ${this.#count.textContent ?? ''}`);
      this.#resultHeading.focus();
    }
  }

  async #poll(): Promise<void> {
    await Promise.all([this.#topUsers.refresh(), this.#reload()]);
  }

  /** Reads the shown user's sessions again; false if that failed (the error is on the status line). */
  async #reload(): Promise<boolean> {
    const username = this.#username;
    if (username === undefined) return false;
    try {
      const list = await this.api.sessions(username);
      if (username === this.#username) this.#render(username, list);
      return true;
    } catch (error) {
      if (!isAborted(error)) this.status.sayOnce(`Sessions of ${username}: ${describeError(error)}`, 'error');
      return false;
    }
  }

  #render(username: string, list: SessionList): void {
    this.#result.hidden = false;
    this.#user.textContent = username;
    this.#shownCount = list.items.length;
    this.#count.textContent = sessionCount(list.items.length, list['session-limit']);
    this.#count.toggleAttribute(
      'data-full',
      list['session-limit'] > 0 && list.items.length >= list['session-limit'],
    );
    this.#policy.textContent =
      list['session-limit'] > 0 ? `At the limit, ${policyText(list['limit-policy'])}.` : '';
    reconcile(
      this.#rows,
      list.items.map((item) => item['session-id']),
      this.#rowOf,
      (sessionId) => sessionRow(sessionId, this.#labels, (id) => this.#revokeOne(id)),
    );
    for (const item of list.items) {
      const row = this.#rowOf.get(item['session-id']);
      if (row !== undefined) fillSessionRow(row, item);
    }
    this.#table.hidden = list.items.length === 0;
    this.#empty.hidden = list.items.length > 0;
    this.#revokeAll.disabled = list.items.length === 0;
  }

  async #revokeOne(sessionId: string): Promise<void> {
    try {
      await this.api.revoke(sessionId);
      this.status.say(`Revoked session ${shortSessionId(sessionId)} of ${this.#username ?? ''}.`);
      if (sessionId === this.api.sessionId) return this.onOwnSessionEnded();
    } catch (error) {
      if (isAborted(error)) return;
      this.status.say(`Revoke: ${describeError(error)}`, 'error');
    }
    await this.#afterChange();
  }

  async #revokeEverything(): Promise<void> {
    const username = this.#username;
    if (username === undefined) return;
    try {
      const { revoked } = await this.api.revokeAll(username);
      this.status.say(`Revoked ${revoked} ${revoked === 1 ? 'session' : 'sessions'} of ${username}.`);
      if (username === this.api.username) return this.onOwnSessionEnded();
    } catch (error) {
      if (isAborted(error)) return;
      this.status.say(`Revoke all: ${describeError(error)}`, 'error');
    }
    await this.#afterChange();
  }

  /** After a revoke: the list, the count and the top users again; focus on the result's heading. */
  async #afterChange(): Promise<void> {
    await Promise.all([this.#reload(), this.#topUsers.refresh()]);
    this.#resultHeading.focus();
  }
}

function policyText(policy: SessionList['limit-policy']): string {
  switch (policy) {
    case 'reject':
      return 'a new login is refused (session_limit_reached)';
    case 'evict-oldest':
      return 'a new login ends the oldest session';
  }
}
