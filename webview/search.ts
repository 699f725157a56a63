/**
 * The search box: the query input (applied after a pause in typing, or at once on Enter), the
 * match count, previous/next and the filter toggle. What a query means is query.ts's business;
 * what matches is the waterfall's.
 */

import { h, icon, iconButton, setClass } from './dom';

export interface SearchActions {
  /** Apply the query typed (after a pause, or at once before next/previous). */
  apply(query: string): void;
  /** Go to the next (1) or previous (-1) match. */
  next(dir: 1 | -1): void;
  toggleFilter(): void;
  /** The keyboard leaves the box for the span list (Escape, or Down in an empty box). */
  leave(): void;
}

/** Typing is applied after this pause (ms), so each keystroke does not search a big trace. */
const TYPING_PAUSE_MS = 120;

export class SearchBox {
  readonly el: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly count: HTMLElement;
  private readonly filterBtn: HTMLButtonElement;
  private timer = 0;

  constructor(private readonly actions: SearchActions) {
    this.input = h('input', {
      class: 'search-input',
      label: 'Search spans: words, key=value, key~regex, duration>10ms, status=error, name:text; spaces mean and',
      title:
        'Words match names, services, attributes and events. All must match.\n' +
        'name:cart  service=db  http.route=/checkout  db.statement~^SELECT\n' +
        'duration>10ms  duration<=500us  status=error  kind=client  "two words"',
    });
    this.input.type = 'search';
    this.input.placeholder = 'Search: text, key=value, duration>10ms  (/)';
    this.input.spellcheck = false;
    this.count = h('span', { class: 'match-count' });
    this.count.setAttribute('aria-live', 'polite');
    const prevBtn = iconButton('arrow-up', 'Previous match (Shift+Enter)', 'search-prev');
    const nextBtn = iconButton('arrow-down', 'Next match (Enter)', 'search-next');
    this.filterBtn = iconButton('filter', 'Show only matching spans', 'search-filter');
    this.filterBtn.setAttribute('aria-pressed', 'false');
    this.el = h('div', { class: 'search', role: 'search' }, icon('search', 'search-icon'), this.input, this.count, prevBtn, nextBtn, this.filterBtn);

    this.input.addEventListener('input', () => {
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(() => this.actions.apply(this.input.value), TYPING_PAUSE_MS);
    });
    this.input.addEventListener('keydown', (ev) => this.onKey(ev));
    prevBtn.addEventListener('click', () => this.actions.next(-1));
    nextBtn.addEventListener('click', () => this.actions.next(1));
    this.filterBtn.addEventListener('click', () => this.actions.toggleFilter());
  }

  /** The text in the box now (applied or not). */
  get value(): string {
    return this.input.value;
  }

  /** Shows `query` in the box without applying it (a restored state). */
  set(query: string): void {
    window.clearTimeout(this.timer);
    this.input.value = query;
  }

  /** Empties the box and applies the empty query. */
  clear(): void {
    this.set('');
    this.actions.apply('');
  }

  focus(): void {
    this.input.focus();
    this.input.select();
  }

  /** Records the query the list now shows (tests wait on it: typing is applied after a pause). */
  applied(query: string, error: string): void {
    this.input.dataset.applied = query;
    setClass(this.input, 'invalid', !!error);
    this.input.setAttribute('aria-invalid', String(!!error));
  }

  setFilter(on: boolean): void {
    this.filterBtn.setAttribute('aria-pressed', String(on));
    this.filterBtn.title = on ? 'Show all spans, highlighting matches' : 'Show only matching spans';
  }

  /** The count ("3 of 12", "No results", "Invalid query"), with the query's problem as its tooltip. */
  showCount(text: string, error = ''): void {
    this.count.textContent = text;
    this.count.title = error;
  }

  private onKey(ev: KeyboardEvent): void {
    if (ev.key === 'Enter' || ev.key === 'F3') {
      ev.preventDefault();
      window.clearTimeout(this.timer);
      this.actions.apply(this.input.value);
      this.actions.next(ev.shiftKey ? -1 : 1);
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      this.clear();
      this.actions.leave();
    } else if (ev.key === 'ArrowDown' && !this.input.value) {
      ev.preventDefault();
      this.actions.leave();
    }
  }
}
