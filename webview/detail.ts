/**
 * The detail pane for the selected span: attributes, events, links, status, resource, source
 * location and notes. Sensitive values are masked until the user reveals them; every span
 * string is set as text.
 */

import { SpanFlag } from '../src/protocol';
import type { AttrView, SpanDetail } from './data';
import { formatDuration } from '../src/protocol';
import { h, icon, iconButton } from './dom';

/** Longest value text shown before a "Show all" button. */
const VALUE_PREVIEW = 2000;

export interface DetailActions {
  /** Go to the span's source. */
  reveal(index: number): void;
  /** Select another span of the run (a link target). */
  goTo(index: number): void;
  close(): void;
}

export class DetailPane {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private readonly sectionOpen = new Map<string, boolean>();

  constructor(private readonly actions: DetailActions) {
    this.body = h('div', { class: 'detail-body' });
    this.el = h('aside', { class: 'detail', label: 'Span details', role: 'region' }, this.body);
    this.el.hidden = true;
  }

  clear(): void {
    this.body.replaceChildren();
    this.el.hidden = true;
  }

  /** Shows `d`; `traceStart` is the trace's start in run time, so offsets read from the trace start. */
  show(d: SpanDetail, traceStart: number): void {
    const b = this.body;
    b.replaceChildren();
    this.el.hidden = false;

    const close = iconButton('close', 'Close details (Esc)', 'detail-close');
    close.addEventListener('click', () => this.actions.close());
    const title = h('h2', { class: 'detail-title' });
    if (d.flags & SpanFlag.Error) title.appendChild(icon('error', 'error-icon'));
    title.appendChild(h('span', { class: 'bidi-isolate', text: d.name || '(unnamed span)' }));
    b.appendChild(h('div', { class: 'detail-header' }, title, close));

    const noTime = (d.flags & SpanFlag.NoTime) !== 0;
    const meta: string[] = [];
    if (d.service) meta.push(d.service);
    meta.push(d.kind);
    if (!noTime) {
      meta.push(d.flags & SpanFlag.Unended ? `${formatDuration(d.end - d.start)}+ (never ended)` : formatDuration(d.end - d.start));
      meta.push(`starts at +${formatDuration(d.start - traceStart)}`);
    } else meta.push('no timing in this output');
    b.appendChild(h('div', { class: 'detail-meta bidi-isolate', text: meta.join(' · ') }));

    if (d.location) {
      const go = h('button', { class: 'text-button', title: 'Open the line that started this span (Enter)' });
      go.type = 'button';
      go.append(icon('go-to-file'), h('span', { text: `${basename(d.location.file)}:${d.location.line + 1}` }));
      go.addEventListener('click', () => this.actions.reveal(d.index));
      b.appendChild(h('div', { class: 'detail-actions' }, go));
    }

    const status = d.flags & SpanFlag.Error ? 'ERROR' : d.flags & SpanFlag.StatusOk ? 'OK' : 'UNSET';
    const statusRows: [string, string][] = [['code', status]];
    if (d.statusMessage) statusRows.push(['message', d.statusMessage]);
    b.appendChild(this.section('status', 'Status', this.plainTable(statusRows), true, d.flags & SpanFlag.Error ? 'error' : ''));

    b.appendChild(this.section('attributes', `Attributes (${d.attrs.length})`, this.attrTable(d.attrs), true));

    if (d.events.length) {
      const list = h('div', { class: 'event-list' });
      for (const e of d.events) {
        const head = h('div', { class: 'event-head' }, icon('symbol-event'));
        if (!noTime) head.appendChild(h('span', { class: 'event-time', text: `+${formatDuration(e.time - traceStart)}` }));
        head.appendChild(h('span', { class: 'event-name bidi-isolate', text: e.name }));
        list.appendChild(h('div', { class: 'event' }, head, e.attrs.length ? this.attrTable(e.attrs) : null));
      }
      b.appendChild(this.section('events', `Events (${d.events.length})`, list, true));
    }

    if (d.links.length) {
      const list = h('div', { class: 'link-list' });
      for (const l of d.links) {
        const row = h('div', { class: 'link-head' }, icon('link'));
        row.appendChild(h('span', { class: 'mono', text: `${l.traceId} / ${l.spanId}` }));
        if (l.target >= 0) {
          const go = h('button', { class: 'text-button', text: 'Go to span' });
          go.type = 'button';
          go.addEventListener('click', () => this.actions.goTo(l.target));
          row.appendChild(go);
        } else row.appendChild(h('span', { class: 'muted', text: '(not in this run)' }));
        list.appendChild(h('div', { class: 'link' }, row, l.attrs.length ? this.attrTable(l.attrs) : null));
      }
      b.appendChild(this.section('links', `Links (${d.links.length})`, list, true));
    }

    if (d.location) {
      const loc: [string, string][] = [
        ['file', d.location.file],
        ['line', String(d.location.line + 1)],
        ['column', String(d.location.column + 1)],
      ];
      if (d.location.function) loc.push(['function', d.location.function]);
      b.appendChild(this.section('source', 'Source location', this.plainTable(loc), false));
    }

    b.appendChild(this.section('resource', `Resource (${d.resource.length})`, this.attrTable(d.resource), false));

    const ids: [string, string][] = [
      ['trace id', d.traceId],
      ['span id', d.spanId],
      ['parent id', d.parentSpanId ?? '(root)'],
      ['kind', d.kind],
    ];
    if (d.scope) ids.push(['scope', d.scope]);
    b.appendChild(this.section('span', 'Span', this.plainTable(ids), false));

    if (d.notes.length) {
      const ul = h('ul', { class: 'notes' });
      for (const n of d.notes) ul.appendChild(h('li', { text: n }));
      b.appendChild(this.section('notes', `Notes (${d.notes.length})`, ul, true));
    }
  }

  private section(id: string, title: string, content: HTMLElement, defaultOpen: boolean, cls = ''): HTMLElement {
    const det = h('details', { class: `detail-section${cls ? ' ' + cls : ''}` });
    det.open = this.sectionOpen.get(id) ?? defaultOpen;
    det.addEventListener('toggle', () => this.sectionOpen.set(id, det.open));
    det.append(h('summary', { text: title }), content);
    return det;
  }

  private plainTable(rows: [string, string][]): HTMLElement {
    const t = h('table', { class: 'kv' });
    for (const [k, v] of rows) {
      const tr = h('tr', {}, h('th', { text: k, class: 'bidi-isolate' }));
      const td = h('td', { class: 'bidi-isolate' });
      this.fillValue(td, v);
      tr.appendChild(td);
      t.appendChild(tr);
    }
    return t;
  }

  private attrTable(attrs: AttrView[]): HTMLElement {
    if (!attrs.length) return h('div', { class: 'muted', text: 'none' });
    const t = h('table', { class: 'kv' });
    for (const a of attrs) {
      const td = h('td', { class: 'bidi-isolate' });
      if (a.sensitive) this.maskedValue(td, a.value);
      else this.fillValue(td, a.value);
      t.appendChild(h('tr', {}, h('th', { text: a.key, class: 'bidi-isolate', title: a.key }), td));
    }
    return t;
  }

  /** Text with a "Show all" button past `VALUE_PREVIEW` characters. */
  private fillValue(td: HTMLElement, value: string): void {
    const text = h('span', { class: 'value' });
    td.replaceChildren(text);
    if (value.length <= VALUE_PREVIEW) {
      text.textContent = value;
      return;
    }
    text.textContent = value.slice(0, VALUE_PREVIEW) + '…';
    const more = h('button', { class: 'text-button', text: `Show all ${value.length.toLocaleString('en-US')} characters` });
    more.type = 'button';
    more.addEventListener('click', () => {
      text.textContent = value;
      more.remove();
    });
    td.appendChild(more);
  }

  private maskedValue(td: HTMLElement, value: string): void {
    const mask = () => {
      td.replaceChildren(h('span', { class: 'masked', text: '••••••', label: 'hidden sensitive value' }));
      const reveal = h('button', { class: 'text-button reveal-button', title: 'This value looks sensitive. Show it.' });
      reveal.type = 'button';
      reveal.append(icon('eye'), h('span', { text: 'Reveal' }));
      reveal.addEventListener('click', () => {
        this.fillValue(td, value);
        const hide = h('button', { class: 'text-button reveal-button', title: 'Hide this value again' });
        hide.type = 'button';
        hide.append(icon('eye-closed'), h('span', { text: 'Hide' }));
        hide.addEventListener('click', mask);
        td.appendChild(hide);
      });
      td.appendChild(reveal);
    };
    mask();
  }
}

function basename(file: string): string {
  const m = /[^/\\]*$/.exec(file);
  return m && m[0] ? m[0] : file;
}
