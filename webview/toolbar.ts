/**
 * A toolbar that stays one row: when its items do not fit, the trailing buttons move, in order,
 * into a "More actions" menu (the same button elements, so their listeners and state go with them).
 */

import { h, iconButton } from './dom';

export class OverflowToolbar {
  readonly el: HTMLElement;
  private readonly more: HTMLButtonElement;
  private readonly menu: HTMLElement;
  private fitting = false;

  /** `items` always stay in the row; `buttons` (in order) may overflow, last first. */
  constructor(items: (Node | null)[], private readonly buttons: HTMLButtonElement[]) {
    this.more = iconButton('ellipsis', 'More actions', 'toolbar-more');
    this.more.setAttribute('aria-haspopup', 'menu');
    this.more.setAttribute('aria-expanded', 'false');
    this.more.hidden = true;
    this.menu = h('div', { class: 'overflow-menu', role: 'menu', label: 'More actions' });
    this.menu.hidden = true;
    // Each button carries its name as text for the menu; the row shows only the icon.
    for (const b of buttons) b.appendChild(h('span', { class: 'menu-label', text: b.getAttribute('aria-label') ?? '' }));
    this.el = h('div', { class: 'toolbar', role: 'toolbar', label: 'Waterfall' }, ...items, ...buttons, this.more, this.menu);
    this.more.addEventListener('click', () => this.setOpen(this.menu.hidden));
    this.menu.addEventListener('click', (ev) => {
      if (!(ev.target as HTMLElement).closest('button')) return;
      // The chosen button leaves with the menu: the keyboard goes back to the More button.
      this.setOpen(false);
      this.more.focus();
    });
    this.menu.addEventListener('keydown', (ev) => {
      const items = Array.from(this.menu.querySelectorAll('button:not([hidden])')) as HTMLElement[];
      const at = items.indexOf(document.activeElement as HTMLElement);
      let to = -1;
      if (ev.key === 'Escape' || ev.key === 'Tab') {
        this.setOpen(false);
        this.more.focus();
        if (ev.key === 'Escape') {
          // Escape closes only the menu (elsewhere it sends the keyboard back to the list).
          ev.preventDefault();
          ev.stopPropagation();
        }
        return;
      } else if (ev.key === 'ArrowDown') to = (at + 1) % items.length;
      else if (ev.key === 'ArrowUp') to = (at - 1 + items.length) % items.length;
      else if (ev.key === 'Home') to = 0;
      else if (ev.key === 'End') to = items.length - 1;
      else return;
      ev.preventDefault();
      items[to]?.focus();
    });
    document.addEventListener('pointerdown', (ev) => {
      if (!this.menu.hidden && !this.el.contains(ev.target as Node)) this.setOpen(false);
    });
    new ResizeObserver(() => this.fit()).observe(this.el);
  }

  private setOpen(open: boolean): void {
    this.menu.hidden = !open;
    this.more.setAttribute('aria-expanded', String(open));
    if (open) (this.menu.querySelector('button:not([hidden])') as HTMLElement | null)?.focus();
  }

  /** Puts every button back in the row, then moves the last ones to the menu until the row fits. */
  fit(): void {
    if (this.fitting) return;
    this.fitting = true;
    try {
      for (const b of this.buttons) {
        b.removeAttribute('role');
        this.el.insertBefore(b, this.more);
      }
      this.more.hidden = true;
      const overflows = () => this.el.scrollWidth > this.el.clientWidth + 1;
      if (!overflows()) {
        this.setOpen(false);
        return;
      }
      this.more.hidden = false;
      for (let k = this.buttons.length - 1; k >= 0 && overflows(); k--) {
        const b = this.buttons[k];
        b.setAttribute('role', 'menuitem');
        this.menu.insertBefore(b, this.menu.firstChild);
      }
    } finally {
      this.fitting = false;
    }
  }
}
