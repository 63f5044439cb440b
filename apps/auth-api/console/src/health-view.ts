import type { Api } from './api';
import { describeError, isAborted } from './api-error';
import type { AaaSource, StatusAnswer } from './api-types';
import { facts, stateBadge } from './badges';
import { byId, h } from './dom';
import { clockTime, errorRate, milliseconds } from './format';
import { Poller } from './poller';
import type { StatusLine } from './status';
import type { View } from './view';

/** GET /status this often while the view is open. */
const POLL_MS = 2000;

/** How each AAA method's heading reads. */
const METHOD_NAMES: Readonly<Record<string, string>> = { 'tacacs+': 'TACACS+', local: 'Local users' };

/** Health: each AAA method's sources with their state, latency and error rate; Redis. */
export class HealthView implements View {
  readonly heading = byId('health-heading', HTMLElement);
  readonly #section = byId('view-health', HTMLElement);
  readonly #updated = byId('health-updated', HTMLElement);
  readonly #redis = byId('redis-state', HTMLElement);
  readonly #methods = byId('aaa-methods', HTMLElement);
  readonly #poller = new Poller(POLL_MS, () => this.#poll());
  #lastUpdate: string | undefined;

  constructor(
    private readonly api: Api,
    private readonly status: StatusLine,
  ) {}

  show(): void {
    this.#section.hidden = false;
    this.#poller.start();
  }

  hide(): void {
    this.#section.hidden = true;
    this.#poller.stop();
  }

  reset(): void {
    this.#lastUpdate = undefined;
    this.#updated.textContent = '';
    this.#redis.replaceChildren();
    delete this.#redis.dataset['state'];
    this.#methods.replaceChildren();
  }

  async #poll(): Promise<void> {
    try {
      const answer = await this.api.status();
      this.#render(answer);
      this.#lastUpdate = answer.now;
      this.#updated.textContent = `Updated ${clockTime(answer.now)}, every ${POLL_MS / 1000} s.`;
      delete this.#updated.dataset['stale'];
    } catch (error) {
      if (isAborted(error)) return;
      const since = this.#lastUpdate === undefined ? '' : ` Shown as of ${clockTime(this.#lastUpdate)}.`;
      this.#updated.textContent = `Could not read the status: ${describeError(error)}.${since}`;
      this.#updated.dataset['stale'] = 'true';
      this.status.sayOnce(`Health: ${describeError(error)}`, 'error');
    }
  }

  #render(answer: StatusAnswer): void {
    const redis = answer.redis;
    this.#redis.dataset['state'] = redis.status;
    this.#redis.replaceChildren(
      stateBadge(redis.status),
      facts([
        ['Latency', redis['latency-ms'] === undefined ? undefined : milliseconds(redis['latency-ms'])],
        ['Mode', redis.mode],
        ['Master', redis.master],
        ['Error', redis.error],
      ]),
    );
    this.#methods.replaceChildren(
      ...answer.aaa.map(({ method, sources }) =>
        h(
          'section',
          { className: 'method', attrs: { 'data-method': method } },
          h('h4', { text: METHOD_NAMES[method] ?? method }),
          h('ul', { className: 'sources' }, ...sources.map(sourceCard)),
        ),
      ),
    );
  }
}

function sourceCard(source: AaaSource): HTMLLIElement {
  return h(
    'li',
    { className: 'source card', attrs: { 'data-source': source.source } },
    h(
      'div',
      { className: 'card-head' },
      h('strong', { text: source.source }),
      ' ',
      stateBadge(source.state, source.until),
    ),
    facts([
      ['Last latency', milliseconds(source['last-latency-ms'])],
      ['Errors, last 5 min', errorRate(source['error-rate'], source.errors, source.requests)],
      ['Since', source.since === undefined ? undefined : clockTime(source.since)],
      ['Detail', source.detail],
    ]),
  );
}
