// The only DOM-building helpers of the console. Data reaches the page through textContent and
// attributes, never through innerHTML, so a username or user agent cannot inject markup.

export type Child = Node | string;

export interface Props {
  readonly className?: string;
  readonly text?: string;
  /** Plain attributes (never `style`: the CSP allows no inline style, and console.css has the classes). */
  readonly attrs?: Readonly<Record<string, string>>;
}

/** `document.createElement` with text, class and attributes set safely. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className !== undefined) element.className = props.className;
  if (props.text !== undefined) element.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** The element with this id, checked to be of the expected kind: the page and the code must agree. */
export function byId<T extends HTMLElement>(id: string, kind: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof kind)) throw new Error(`console: #${id} is missing or not a ${kind.name}`);
  return element;
}

/**
 * Makes `parent`'s children the keyed nodes in `keys` order: existing nodes are reused (so focus and
 * an open confirm step survive a poll), new ones made by `create`, the rest removed. Nodes already in
 * order are not moved, since moving a node would drop its focus.
 */
export function reconcile<T extends HTMLElement>(
  parent: HTMLElement,
  keys: readonly string[],
  existing: Map<string, T>,
  create: (key: string) => T,
): void {
  const wanted = new Set(keys);
  for (const [key, node] of existing) {
    if (!wanted.has(key)) {
      node.remove();
      existing.delete(key);
    }
  }
  keys.forEach((key, index) => {
    let node = existing.get(key);
    if (node === undefined) {
      node = create(key);
      existing.set(key, node);
    }
    const at = parent.children.item(index);
    if (at !== node) parent.insertBefore(node, at);
  });
}
