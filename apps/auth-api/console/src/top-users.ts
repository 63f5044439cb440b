import type { Api } from './api';
import { isAborted, describeError } from './api-error';
import type { UserCount } from './api-types';
import { byId, h, reconcile } from './dom';
import type { StatusLine } from './status';

/** How many users the list asks for (GET /users?limit=…). */
export const TOP_USERS_LIMIT = 20;

/** "Users with the most sessions": each name a button that opens that user's sessions. */
export class TopUsers {
  readonly #list = byId('top-users', HTMLOListElement);
  readonly #note = byId('top-users-note', HTMLElement);
  readonly #items = new Map<string, HTMLLIElement>();

  constructor(
    private readonly api: Api,
    private readonly status: StatusLine,
    private readonly onPick: (username: string) => void,
  ) {}

  async refresh(): Promise<void> {
    try {
      const answer = await this.api.topUsers(TOP_USERS_LIMIT);
      reconcile(
        this.#list,
        answer.items.map((item) => item.username),
        this.#items,
        (username) => this.#item(username),
      );
      for (const item of answer.items) this.#fill(item);
      const scanned = `${answer['users-scanned']} users scanned${answer.complete ? '' : ' (partial: the scan stopped early)'}`;
      this.#note.textContent = answer.items.length === 0 ? `No live sessions; ${scanned}.` : `${scanned}.`;
    } catch (error) {
      if (!isAborted(error)) this.status.sayOnce(`Top users: ${describeError(error)}`, 'error');
    }
  }

  reset(): void {
    this.#items.clear();
    this.#list.replaceChildren();
    this.#note.textContent = '';
  }

  #item(username: string): HTMLLIElement {
    const button = h('button', { className: 'link user', text: username, attrs: { type: 'button' } });
    button.addEventListener('click', () => this.onPick(username));
    return h('li', { attrs: { 'data-username': username } }, button, ' ', h('span', { className: 'count' }));
  }

  #fill(item: UserCount): void {
    const count = this.#items.get(item.username)?.querySelector('.count');
    if (count) count.textContent = `${item.sessions} ${item.sessions === 1 ? 'session' : 'sessions'}`;
  }
}
