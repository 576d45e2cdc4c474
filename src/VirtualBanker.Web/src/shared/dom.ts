// Building DOM without a framework. Text always goes in as text nodes, never as HTML: everything
// shown comes from the API and some of it (merchants, messages, agent names) from other people.

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | EventListener | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(parent: Element, ...children: (Child | Child[])[]): void {
  parent.replaceChildren();
  append(parent, children);
}

export function money(amount: number, currency = 'USD'): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount);
}

export function dateTime(iso: string): string {
  return new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
}

/** Reads a form's named fields as strings. */
export function fields(form: HTMLFormElement): Record<string, string> {
  const result: Record<string, string> = {};
  new FormData(form).forEach((value, key) => (result[key] = String(value)));
  return result;
}

/** Shows a message in a live region, so screen readers hear it too. */
export function announce(region: Element, message: string, kind: 'error' | 'info' = 'info'): void {
  region.className = `notice ${kind}`;
  region.textContent = message;
}

/** The first thing a keyboard reaches on every page: straight past the header to the page's <main id="main">. */
export function skipLink(): HTMLAnchorElement {
  return h('a', { class: 'skip-link', href: '#main' }, 'Skip to content');
}
