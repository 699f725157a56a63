/**
 * DOM building with text only. Span names, attributes and ids are untrusted: they reach the page
 * through `textContent`, `title` and `aria-label`, never through HTML parsing, and no helper
 * here sets URLs or event-handler attributes.
 */

export interface ElementOptions {
  class?: string;
  text?: string;
  title?: string;
  label?: string;
  role?: string;
  id?: string;
}

/** Creates an element; `text` becomes its textContent. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  o: ElementOptions = {},
  ...children: (Node | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (o.class) el.className = o.class;
  if (o.text !== undefined) el.textContent = o.text;
  if (o.title !== undefined) el.title = o.title;
  if (o.label !== undefined) el.setAttribute('aria-label', o.label);
  if (o.role) el.setAttribute('role', o.role);
  if (o.id) el.id = o.id;
  for (const c of children) if (c) el.appendChild(c);
  return el;
}

/** A codicon, hidden from screen readers (the control carries the label). */
export function icon(name: string, extra = ''): HTMLSpanElement {
  const el = document.createElement('span');
  el.className = `codicon codicon-${name}${extra ? ' ' + extra : ''}`;
  el.setAttribute('aria-hidden', 'true');
  return el;
}

/** An icon button with an accessible name and tooltip. */
export function iconButton(name: string, label: string, extraClass = ''): HTMLButtonElement {
  const b = h('button', { class: `icon-button${extraClass ? ' ' + extraClass : ''}`, title: label, label });
  b.type = 'button';
  b.appendChild(icon(name));
  return b;
}

/** Sets textContent only when it changes (avoids needless layout work on re-render). */
export function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Toggles a class only when it changes. */
export function setClass(el: HTMLElement, cls: string, on: boolean): void {
  if (el.classList.contains(cls) !== on) el.classList.toggle(cls, on);
}

/** Cuts very long text for places that can only show a line (rows, labels); the detail pane shows it whole. */
export function clip(text: string, max = 300): string {
  return text.length > max ? text.slice(0, max) + '…' : text;
}
