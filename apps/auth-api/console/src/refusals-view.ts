import type { Api } from './api';
import { describeError, isAborted } from './api-error';
import type { RefusalsAnswer, Refusal } from './api-types';
import { THROTTLED_CAUSE, causeLabel } from './causes';
import { byId, h, reconcile } from './dom';
import { clockTime } from './format';
import { Poller } from './poller';
import { RefusalsChart } from './refusals-chart';
import type { StatusLine } from './status';
import type { View } from './view';

/** GET /refusals this often while the view is open. */
const POLL_MS = 5000;

/** Refused logins: the chart of the last hour by cause, the totals, the latest refusals with Unlock. */
export class RefusalsView implements View {
  readonly heading = byId('refusals-heading', HTMLElement);
  readonly #section = byId('view-refusals', HTMLElement);
  readonly #canvas = byId('refusals-chart', HTMLCanvasElement);
  readonly #updated = byId('refusals-updated', HTMLElement);
  readonly #totals = byId('refusal-totals', HTMLElement);
  readonly #latest = byId('latest-refusals', HTMLTableSectionElement);
  readonly #labels = Array.from(
    this.#latest.closest('table')?.tHead?.rows[0]?.cells ?? [],
    (cell) => cell.textContent ?? '',
  );
  readonly #rowOf = new Map<string, HTMLTableRowElement>();
  readonly #poller = new Poller(POLL_MS, () => this.#poll());
  /** Made when first shown: Chart.js sizes itself from its visible container. */
  #chart: RefusalsChart | undefined;

  constructor(
    private readonly api: Api,
    private readonly status: StatusLine,
  ) {}

  show(): void {
    this.#section.hidden = false;
    this.#chart ??= new RefusalsChart(this.#canvas);
    this.#poller.start();
  }

  hide(): void {
    this.#section.hidden = true;
    this.#poller.stop();
  }

  reset(): void {
    this.#chart?.destroy();
    this.#chart = undefined;
    this.#updated.textContent = '';
    this.#totals.replaceChildren();
    this.#rowOf.clear();
    this.#latest.replaceChildren();
  }

  async #poll(): Promise<void> {
    try {
      const answer = await this.api.refusals();
      this.#chart?.update(answer);
      this.#renderTotals(answer);
      this.#renderLatest(answer.latest);
      this.#updated.textContent = `Updated ${clockTime(answer.now)}, every ${POLL_MS / 1000} s.`;
      delete this.#updated.dataset['stale'];
    } catch (error) {
      if (isAborted(error)) return;
      this.#updated.textContent = `Could not read the refusals: ${describeError(error)}.`;
      this.#updated.dataset['stale'] = 'true';
      this.status.sayOnce(`Refusals: ${describeError(error)}`, 'error');
    }
  }

  #renderTotals(answer: RefusalsAnswer): void {
    this.#totals.replaceChildren(
      ...answer.causes.map((cause) => {
        const count = answer.totals[cause] ?? 0;
        return h(
          'li',
          { attrs: { 'data-cause': cause }, className: count > 0 ? 'seen' : '' },
          h('span', { className: 'cause', text: causeLabel(cause) }),
          ' ',
          h('span', { className: 'total', text: String(count) }),
        );
      }),
    );
  }

  #renderLatest(latest: readonly Refusal[]): void {
    // Rows are keyed so that a poll only adds the new ones at the top (an Unlock button keeps its
    // focus); identical refusals are told apart by their rank counted from the oldest.
    const seen = new Map<string, number>();
    const keyed = [...latest].reverse().map((refusal) => {
      const base = [refusal.at, refusal.username, refusal.address, refusal.code].join('\u0000');
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      return { key: `${base}\u0000${n}`, refusal };
    });
    keyed.reverse();
    const byKey = new Map(keyed.map(({ key, refusal }) => [key, refusal]));
    reconcile(
      this.#latest,
      keyed.map(({ key }) => key),
      this.#rowOf,
      (key) => this.#row(byKey.get(key)),
    );
  }

  #row(refusal: Refusal | undefined): HTMLTableRowElement {
    const row = h('tr');
    if (refusal === undefined) return row;
    const cells: (string | Node)[] = [
      h('time', { text: clockTime(refusal.at), attrs: { datetime: refusal.at } }),
      refusal.username === '' ? '–' : refusal.username,
      refusal.address,
      causeLabel(refusal.cause),
      h('code', { text: refusal.code }),
      refusal.cause === THROTTLED_CAUSE ? this.#unlockButton(refusal) : '',
    ];
    cells.forEach((content, index) =>
      row.append(
        h('td', { attrs: { 'data-label': this.#labels[index] ?? '' } }, ...(content === '' ? [] : [content])),
      ),
    );
    row.dataset['cause'] = refusal.cause;
    row.title = refusal['user-agent'];
    return row;
  }

  #unlockButton(refusal: Refusal): HTMLButtonElement {
    const { username, address } = refusal;
    const button = h('button', {
      className: 'unlock',
      text: 'Unlock',
      attrs: { type: 'button', 'aria-label': `Unlock ${username} at ${address}` },
    });
    button.addEventListener('click', () => {
      button.disabled = true;
      void this.api.unlock(username, address).then(
        ({ cleared }) => {
          button.disabled = false;
          button.textContent = 'Unlocked';
          this.status.say(`Unlocked ${username} at ${address} (${cleared} failure counts cleared).`);
        },
        (error: unknown) => {
          button.disabled = false;
          if (!isAborted(error)) this.status.say(`Unlock: ${describeError(error)}`, 'error');
        },
      );
    });
    return button;
  }
}
