/**
 * The waterfall view: toolbar (trace picker, search, critical path, zoom), minimap, time axis (axis.ts),
 * a virtual list of span rows and the detail pane.
 *
 * The trace is flattened once (the DTO arrives in pre-order); collapsing and filtering only
 * recompute an Int32Array of visible span indices. Only the rows in the viewport (plus a little
 * overscan) exist in the DOM: a small pool of row elements is repositioned and refilled as the
 * list scrolls, so 100,000 or 1,000,000 spans cost the same to scroll as 100.
 */

import { SpanFlag, type WaterfallUiState } from '../src/protocol';
import { DetailPane } from './detail';
import { clip, h, icon, iconButton, setClass, setText } from './dom';
import { formatDuration } from '../src/protocol';
import {
  barGeometry,
  clampWindow,
  keepWithAncestors,
  panWindow,
  scrollGeometry,
  timeToX,
  visibleRows,
  xToTime,
  zoomWindow,
  type TimeWindow,
} from './layout';
import { Minimap } from './minimap';
import { TimeAxis } from './axis';
import type { RunView } from './data';
import { nameColumnWidth, namesWidth, serviceClass, serviceTable, type NameCellMetrics, type ServiceTable } from './columns';
import { OverflowToolbar } from './toolbar';
import { SearchBox } from './search';
import { highlightNeedles, matchQuery, parseQuery } from './query';
import { findGroups, type TraceGroups } from './groups';

export const ROW_HEIGHT = 22;
const OVERSCAN = 8;
const INDENT_PX = 14;
/**
 * Below this width the rows go compact (11 px text, 5 px indent, no chips) so 30-character names
 * fit in half of a 420 px panel.
 */
const COMPACT_BELOW_PX = 520;
const COMPACT_INDENT_PX = 5;
const COMPACT_FONT_PX = 11;
/** Below this panel width the details open below the rows instead of beside them. */
const SIDE_DETAIL_MIN_ROWS_WIDTH = 560;
/** Gap between a bar and its duration label. */
const LABEL_GAP = 4;
const MAX_MARKERS = 32;
const MAX_PICKER_TRACES = 10_000;

export interface WaterfallHost {
  /** The user asked to see the span's code: click (preserveFocus) or Enter. */
  reveal(index: number, preserveFocus: boolean): void;
  /** The selection moved. */
  selected(index: number): void;
  /** Something worth persisting changed. */
  stateChanged(): void;
  /** The toolbar's Stop (a live run) or Re-run button. */
  command(command: 'stop' | 'rerun'): void;
}

interface RowEl {
  root: HTMLElement;
  name: HTMLElement;
  twisty: HTMLElement;
  err: HTMLElement;
  label: HTMLElement;
  /** The service's colour chip (runs with several services). */
  service: HTMLElement;
  /** The duration label, drawn beside the bar. */
  dur: HTMLElement;
  /** Its text length, for placing it without measuring. */
  durChars: number;
  /** On the first member of an open group: "×N", which shuts the group again. */
  group: HTMLElement;
  /** The row stands for a shut group of repeated siblings (filled as such). */
  isGroup: boolean;
  track: HTMLElement;
  bar: HTMLElement;
  markers: HTMLElement[];
  span: number;
  geomVersion: number;
  /** Last values written, so unchanged ones are not written again (each write invalidates style). */
  y: number;
  /** null: not written for the current span yet. */
  selected: boolean | null;
}

export class Waterfall {
  readonly el: HTMLElement;
  private readonly picker: HTMLSelectElement;
  private readonly pickerWrap: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly search: SearchBox;
  private readonly criticalBtn: HTMLButtonElement;
  private readonly stopBtn: HTMLButtonElement;
  private readonly rerunBtn: HTMLButtonElement;
  /** The user chose a trace in the picker: a live run then stops following its newest trace. */
  private tracePicked = false;
  private readonly waterfallEl: HTMLElement;
  private readonly overviewHead: HTMLElement;
  private readonly axisHead: HTMLElement;
  private readonly axis: TimeAxis;
  private readonly tree: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly splitter: HTMLElement;
  private readonly detailSplitter: HTMLElement;
  private readonly message: HTMLElement;
  private readonly minimap: Minimap;
  private readonly detail: DetailPane;
  private readonly live: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly header: HTMLElement;
  /** A narrow panel: smaller row text, less indent, no chips (see `.compact` in waterfall.css). */
  private compact = false;
  private readonly mainEl: HTMLElement;
  private readonly toolbar: OverflowToolbar;
  private services: ServiceTable = { names: [], slotOfString: new Map() };
  /** Width the current trace's names need at their depth (px). */
  private namesNeed = 0;
  /** The indent `namesNeed` was computed with (-1: not yet, for this trace). */
  private namesNeedIndent = -1;
  /** The width the user dragged the name column to, if they did. */
  private chosenNameWidth: number | undefined;
  private measureCtx: CanvasRenderingContext2D | null = null;
  private detailBottom = false;
  /** Height (px) the user dragged the bottom details to; 0: the stylesheet's share. */
  private detailHeight = 0;

  private view: RunView | null = null;
  private traceIndex = 0;
  private first = 0;
  private end = 0;
  private traceStart = 0;
  private total = 1;
  /** False when the output format shows no times for any span of the trace (no axis, no bars). */
  private timed = true;
  private collapsed: Uint8Array = new Uint8Array(0);
  /** Repeated siblings of the trace, each shown as one row until opened. */
  private groups: TraceGroups = { groups: [], groupOf: new Int32Array(0) };
  private groupOpen: Uint8Array = new Uint8Array(0);
  /** Per group: 1 when a search match is a member or inside one. */
  private groupMatch: Uint8Array = new Uint8Array(0);
  /** Per span: 1 first member of a shut group, 2 another member (see visibleRows). */
  private shut: Uint8Array = new Uint8Array(0);
  private rows: Int32Array = new Int32Array(0);
  private rowPos: Int32Array = new Int32Array(0);
  private selectedIndex = -1;
  private window: TimeWindow = { start: 0, end: 1 };
  private geomVersion = 0;
  private query = '';
  private searchMode: 'highlight' | 'filter' = 'highlight';
  private matchMask: Uint8Array | null = null;
  /** Lower-cased texts shown highlighted in the matching rows' names. */
  private needles: string[] = [];
  /** What is wrong with the query, if anything (it then matches nothing). */
  private queryError = '';
  private matchList: Int32Array = new Int32Array(0);
  private keep: Uint8Array | null = null;
  private critical = false;
  private nameWidth = 0;
  private detailWidth = 360;
  private trackWidth = 0;
  private viewportHeight = 0;
  private active = new Map<number, RowEl>();
  private free: RowEl[] = [];

  constructor(private readonly host: WaterfallHost) {
    // Toolbar
    this.picker = h('select', { class: 'trace-picker', label: 'Trace' });
    this.pickerWrap = h('label', { class: 'picker-wrap' }, icon('list-tree'), this.picker);
    this.pickerWrap.hidden = true;
    this.summary = h('span', { class: 'summary bidi-isolate' });
    this.search = new SearchBox({
      apply: (q) => this.applySearch(q),
      next: (dir) => this.nextMatch(dir),
      toggleFilter: () => this.setSearchMode(this.searchMode === 'filter' ? 'highlight' : 'filter'),
      leave: () => this.tree.focus(),
    });
    this.stopBtn = iconButton('debug-stop', 'Stop the run', 'run-stop');
    this.rerunBtn = iconButton('debug-rerun', 'Run again', 'run-again');
    this.stopBtn.hidden = true;
    this.rerunBtn.hidden = true;
    this.criticalBtn = iconButton('flame', 'Highlight the critical path', 'critical-toggle');
    this.criticalBtn.setAttribute('aria-pressed', 'false');
    const zoomIn = iconButton('zoom-in', 'Zoom in (+)', 'zoom-in');
    const zoomOut = iconButton('zoom-out', 'Zoom out (-)', 'zoom-out');
    const zoomReset = iconButton('screen-full', 'Show the whole trace (0)', 'zoom-reset');
    const expandAll = iconButton('expand-all', 'Expand all', 'expand-all');
    const collapseAll = iconButton('collapse-all', 'Collapse all', 'collapse-all');
    this.toolbar = new OverflowToolbar(
      [this.stopBtn, this.rerunBtn, this.pickerWrap, h('span', { class: 'spacer-flex' }), this.search.el],
      [this.criticalBtn, zoomIn, zoomOut, zoomReset, expandAll, collapseAll],
    );
    this.legend = h('span', { class: 'legend', role: 'list', label: 'Services' });
    this.legend.hidden = true;
    // The header line: what the trace is (service, spans, duration, errors, score), then the services' colours.
    this.header = h('div', { class: 'header' }, this.summary, this.legend);

    // Overview + axis
    this.minimap = new Minimap({
      setWindow: (w) => this.setWindow(w),
      jump: (t, f) => this.jump(t, f),
      zoom: (t, factor) => this.setWindow(zoomWindow(this.window, t, factor, this.total, this.minSpan())),
    });
    this.overviewHead = h('div', { class: 'overview-head', text: 'Overview' });
    const overview = h('div', { class: 'overview' }, this.overviewHead, this.minimap.el);
    this.axis = new TimeAxis({
      setWindow: (w) => this.setWindow(w),
      zoom: (factor, anchor) => this.zoomBy(factor, anchor),
      whole: () => ({ start: 0, end: this.total }),
    });
    this.axisHead = h('div', { class: 'axis-head' }, h('span', { text: 'Span' }));
    const axisRow = h('div', { class: 'axis-row' }, this.axisHead, this.axis.el);

    // Rows
    this.spacer = h('div', { class: 'tree-spacer' });
    this.tree = h('div', { class: 'tree', role: 'tree', label: 'Spans' }, this.spacer);
    this.tree.tabIndex = 0;
    this.splitter = h('div', { class: 'splitter', title: 'Drag to resize the name column' });
    this.splitter.setAttribute('aria-hidden', 'true');
    this.message = h('div', { class: 'message' });
    this.message.hidden = true;
    this.waterfallEl = h('div', { class: 'waterfall' }, overview, axisRow, this.tree, this.axis.grid, this.splitter, this.message);

    this.detail = new DetailPane({
      reveal: (i) => this.host.reveal(i, false),
      goTo: (i) => this.select(i, { scroll: true, focusTree: true }),
      close: () => this.clearSelection(),
    });
    this.detailSplitter = h('div', { class: 'detail-splitter', title: 'Drag to resize the details' });
    this.detailSplitter.setAttribute('aria-hidden', 'true');
    this.detailSplitter.hidden = true;
    this.live = h('div', { class: 'sr-only' });
    this.live.setAttribute('aria-live', 'polite');

    this.mainEl = h('div', { class: 'main' }, this.waterfallEl, this.detailSplitter, this.detail.el);
    this.el = h('div', { class: 'app' }, this.toolbar.el, this.header, this.mainEl, this.live);

    this.stopBtn.addEventListener('click', () => this.host.command('stop'));
    this.rerunBtn.addEventListener('click', () => this.host.command('rerun'));
    this.picker.addEventListener('change', () => {
      this.tracePicked = true;
      this.showTrace(Number(this.picker.value));
      this.host.stateChanged();
    });
    this.criticalBtn.addEventListener('click', () => this.setCritical(!this.critical));
    zoomIn.addEventListener('click', () => this.zoomBy(0.5));
    zoomOut.addEventListener('click', () => this.zoomBy(2));
    zoomReset.addEventListener('click', () => this.setWindow({ start: 0, end: this.total }));
    expandAll.addEventListener('click', () => this.setAllCollapsed(false));
    collapseAll.addEventListener('click', () => this.setAllCollapsed(true));
    this.listenTree();
    this.listenSplitters();
    new ResizeObserver(() => this.measure()).observe(this.waterfallEl);
  }

  // ---------------------------------------------------------------- data

  /** Shows a run; `ui` restores a saved state, `focusSpanId` selects a span. */
  setRun(view: RunView, ui: WaterfallUiState = {}, focus?: { spanId: string; traceId?: string }): void {
    this.view = view;
    this.resetRows();
    this.collapsed = new Uint8Array(view.n);
    this.rowPos = new Int32Array(view.n).fill(-1);
    this.selectedIndex = -1;
    this.detail.clear();
    this.detailSplitter.hidden = true;
    this.message.hidden = true;
    this.query = ui.search ?? '';
    this.search.set(this.query);
    this.searchMode = ui.searchMode ?? 'highlight';
    this.search.setFilter(this.searchMode === 'filter');
    this.critical = !!ui.critical;
    this.criticalBtn.setAttribute('aria-pressed', String(this.critical));
    setClass(this.tree, 'critical-mode', this.critical);
    if (ui.detailWidth) this.detailWidth = ui.detailWidth;
    this.chosenNameWidth = ui.nameWidth;
    this.services = serviceTable(view.run);
    this.fillLegend();

    const traces = view.run.traces;
    this.picker.replaceChildren();
    traces.slice(0, MAX_PICKER_TRACES).forEach((t, ti) => {
      const o = h('option', { text: clip(traceLabel(t, traceHasTime(view.run.spans.flags, t)), 200) });
      o.value = String(ti);
      this.picker.appendChild(o);
    });
    this.pickerWrap.hidden = traces.length < 2;

    if (traces.length === 0) {
      this.showMessage('This run has no spans.');
      return;
    }
    const live = !!view.run.live;
    this.stopBtn.hidden = !live;
    this.rerunBtn.hidden = live || !view.run.canRerun;
    if (!live) this.tracePicked = false;
    let ti = 0;
    let target = -1;
    if (focus) target = view.find(focus.spanId, focus.traceId);
    else if (ui.selectedSpanId) target = view.find(ui.selectedSpanId, ui.traceId);
    if (target >= 0) ti = view.traceOf[target];
    // While the program runs, the newest trace is shown, unless the user picked one.
    else if (live && !this.tracePicked) ti = newestTrace(traces);
    else if (ui.traceId) ti = Math.max(0, traces.findIndex((t) => t.traceId === ui.traceId));
    if (ui.collapsedSpanIds?.length) {
      const ids = new Set(ui.collapsedSpanIds);
      const t = traces[ti];
      for (let i = t.first; i < t.first + t.count; i++) if (ids.has(view.run.spans.spanId[i])) this.collapsed[i] = 1;
    }
    this.showTrace(ti, ui);
    if (target >= 0) this.select(target, { scroll: true, notify: !!focus });
    else if (ui.scrollTop) this.tree.scrollTop = ui.scrollTop;
  }

  clear(text: string): void {
    this.view = null;
    this.rows = new Int32Array(0);
    this.selectedIndex = -1;
    this.detail.clear();
    this.detailSplitter.hidden = true;
    this.pickerWrap.hidden = true;
    this.minimap.clear();
    this.showMessage(text);
  }

  private showMessage(text: string): void {
    this.message.textContent = text;
    this.message.hidden = false;
    this.summary.textContent = '';
    this.rows = new Int32Array(0);
    this.renderRows();
  }

  private showTrace(ti: number, ui: WaterfallUiState = {}): void {
    const view = this.view;
    if (!view) return;
    const t = view.run.traces[ti];
    if (!t) return;
    this.traceIndex = ti;
    if (this.picker.value !== String(ti) && ti < MAX_PICKER_TRACES) this.picker.value = String(ti);
    this.first = t.first;
    this.end = t.first + t.count;
    this.traceStart = t.startNs;
    this.total = Math.max(1, t.endNs - t.startNs);
    this.window =
      ui.viewStartNs !== undefined && ui.viewEndNs !== undefined
        ? clampWindow({ start: ui.viewStartNs, end: ui.viewEndNs }, this.total, this.minSpan())
        : { start: 0, end: this.total };
    if (this.selectedIndex >= 0 && view.traceOf[this.selectedIndex] !== ti) this.clearSelection(false);
    const timed = traceHasTime(view.run.spans.flags, t);
    // An output without times has no duration to show: say so, never "0 ns".
    const parts = [`${t.count.toLocaleString('en-US')} span${t.count === 1 ? '' : 's'}`, timed ? formatDuration(t.endNs - t.startNs) : 'no timing in this output'];
    // Nothing is shown as finished that is not: a live run says it is running, and how many traces so far.
    // One service is said once, here, instead of on every row.
    if (this.services.names.length === 1) parts.unshift(this.services.names[0]);
    if (view.run.live) parts.unshift(`● running · trace ${ti + 1} of ${view.run.traces.length}`);
    if (t.errorCount) parts.push(`${t.errorCount} error${t.errorCount === 1 ? '' : 's'}`);
    if (t.orphaned) parts.push('orphaned');
    if (view.run.droppedSpans) parts.push(`${view.run.droppedSpans.toLocaleString('en-US')} spans not shown`);
    if (view.run.checks) {
      const { score, findings } = view.run.checks;
      parts.push(`instrumentation score ${score}${findings ? ` (${findings} finding${findings === 1 ? '' : 's'})` : ''}`);
    }
    this.summary.textContent = parts.join(' · ');
    // A narrow panel cuts the line: the tooltip has all of it.
    this.summary.title = `${parts.join(' · ')}\ntrace ${t.traceId}`;
    this.tree.setAttribute('aria-label', clip(`Spans of ${t.rootName || 'trace'} (${parts.join(', ')})`, 200));
    this.timed = timed;
    this.overviewHead.textContent = this.timed ? 'Overview' : 'No span times in this output';
    if (this.timed) this.minimap.setTrace(view.run.spans, t.first, t.count, t.startNs, this.total);
    else this.minimap.clear();
    this.namesNeedIndent = -1; // measure() sizes the names for this trace
    this.groups = findGroups(view.run, t.first, t.first + t.count);
    this.groupOpen = new Uint8Array(this.groups.groups.length);
    this.shut = new Uint8Array(view.n);
    this.updateShut();
    this.computeSearch();
    this.rebuildRows();
    this.tree.scrollTop = 0;
    this.measure();
  }

  /** Sizes of the name cell around the text; keep in step with `.name-cell` in waterfall.css. */
  private nameMetrics(): NameCellMetrics {
    // Compact: pad 2 | twisty 12 + gap 2 | text | right padding 4 + border 1; the chip and the
    // error icon are not shown (the bar's colour and the red name say the same).
    if (this.compact) return { pad: 2, indent: this.indentPx(), chrome: 12 + 2 + 4 + 1 + 1, errorIcon: 0 };
    const chip = this.services.names.length > 1 ? 8 + 3 : 0;
    // pad 4 | twisty 16 + gap 3 | chip | text | right padding 8 + border 1 (+2 for rounding).
    return { pad: 4, indent: this.indentPx(), chrome: 16 + 3 + chip + 8 + 1 + 2, errorIcon: 16 + 3 };
  }

  /** Narrow panels indent less, so deep names still fit in half the width. */
  private indentPx(): number {
    return this.compact ? COMPACT_INDENT_PX : INDENT_PX;
  }

  /** Width of `text` in the rows' font. */
  private textWidth(text: string): number {
    if (!this.measureCtx) this.measureCtx = document.createElement('canvas').getContext('2d');
    const ctx = this.measureCtx;
    if (!ctx) return text.length * 7.5;
    const cs = getComputedStyle(this.tree);
    ctx.font = `${cs.fontWeight} ${this.compact ? `${COMPACT_FONT_PX}px` : cs.fontSize} ${cs.fontFamily}`;
    return ctx.measureText(text).width;
  }

  /** The services legend (runs with several services): a swatch and the name of each. */
  private fillLegend(): void {
    const names = this.services.names;
    this.legend.replaceChildren();
    this.legend.hidden = names.length < 2;
    if (names.length < 2) return;
    names.slice(0, 50).forEach((name, k) => {
      const item = h('span', { class: 'legend-item', role: 'listitem', title: clip(name, 1000) }, h('span', { class: `swatch ${serviceClass(k)}` }), h('span', { class: 'legend-name bidi-isolate', text: clip(name, 80) }));
      this.legend.appendChild(item);
    });
    if (names.length > 50) this.legend.appendChild(h('span', { class: 'legend-item muted', text: `+${names.length - 50} more` }));
  }

  private minSpan(): number {
    // Deepest zoom: 10 ns across the track, or the whole trace if it is shorter.
    return Math.min(10, this.total);
  }

  /** Recomputes the visible row list after collapse/filter changes. */
  private rebuildRows(): void {
    const view = this.view;
    if (!view) return;
    const old = this.rows;
    for (let k = 0; k < old.length; k++) this.rowPos[old[k]] = -1;
    const filtering = this.searchMode === 'filter' && !!this.query;
    // A filter shows each match on its own row: groups would hide members that match.
    this.rows = visibleRows(this.first, this.end, view.subtreeEnd, this.collapsed, filtering ? this.keep : null, filtering ? null : this.shut);
    for (let k = 0; k < this.rows.length; k++) this.rowPos[this.rows[k]] = k;
    const geo = scrollGeometry(this.rows.length, ROW_HEIGHT, this.viewportHeight);
    this.spacer.style.height = `${geo.height}px`;
    if (this.searchMode === 'filter' && this.query && this.rows.length === 0) {
      this.message.textContent = 'No spans match the search.';
      this.message.hidden = false;
    } else if (this.view) this.message.hidden = true;
    this.renderRows();
  }

  // ---------------------------------------------------------------- rendering

  private measure(): void {
    // The details go below the rows when beside them the rows would get too narrow.
    const mainWidth = this.mainEl.clientWidth || window.innerWidth;
    const sideWidth = Math.min(this.detailWidth, Math.max(200, mainWidth * 0.45));
    this.detailBottom = mainWidth - sideWidth < SIDE_DETAIL_MIN_ROWS_WIDTH;
    setClass(this.mainEl, 'detail-bottom', this.detailBottom);
    this.detail.el.style.width = this.detailBottom ? '' : `${sideWidth}px`;
    this.detail.el.style.height = this.detailBottom && this.detailHeight ? `${this.detailHeight}px` : '';
    this.detailSplitter.title = 'Drag to resize the details';

    const panel = this.tree.clientWidth || this.waterfallEl.clientWidth;
    const compact = panel > 0 && panel < COMPACT_BELOW_PX;
    if (compact !== this.compact) {
      this.compact = compact;
      setClass(this.waterfallEl, 'compact', compact);
      this.resetRows();
    }
    const indent = this.indentPx();
    if (this.view && this.namesNeedIndent !== indent && this.end > this.first) {
      this.namesNeedIndent = indent;
      const m = this.nameMetrics();
      this.namesNeed = namesWidth(this.view.run, this.first, this.end, (text) => this.textWidth(text), m);
      // An open group's first row also carries its "×N" badge.
      for (const g of this.groups.groups) {
        const i = g.head;
        const badge = this.textWidth(`×${g.members.length}`) * (this.compact ? 1 : 11 / 13) + 8 + 3;
        const w = m.pad + this.view.run.spans.depth[i] * indent + m.chrome + this.textWidth(this.view.name(i) || '(unnamed)') + badge;
        if (w > this.namesNeed) this.namesNeed = Math.ceil(w);
      }
    }
    const before = this.nameWidth;
    this.nameWidth = nameColumnWidth(this.namesNeed, this.chosenNameWidth, panel);
    // Row indents depend on the column width: refill rows filled under another width.
    if (this.nameWidth !== before) this.resetRows();
    this.waterfallEl.style.setProperty('--name-width', `${this.nameWidth}px`);
    this.trackWidth = Math.max(0, this.tree.clientWidth - this.nameWidth);
    this.viewportHeight = this.tree.clientHeight;
    this.axis.el.style.width = `${this.trackWidth}px`;
    const grid = this.axis.grid.style;
    grid.width = `${this.trackWidth}px`;
    grid.top = `${this.tree.offsetTop}px`;
    grid.height = `${this.viewportHeight}px`;
    this.splitter.style.left = `${this.nameWidth - 2}px`;
    this.minimap.resize(this.trackWidth);
    this.geomVersion++;
    const geo = scrollGeometry(this.rows.length, ROW_HEIGHT, this.viewportHeight);
    this.spacer.style.height = `${geo.height}px`;
    this.renderAxis();
    this.renderRows();
  }

  private renderAxis(): void {
    this.axis.render(this.window, this.trackWidth, !!this.view && this.timed);
  }

  /** Places the pooled row elements for the rows in (and just around) the viewport. */
  private renderRows(): void {
    const view = this.view;
    const count = this.rows.length;
    const geo = scrollGeometry(count, ROW_HEIGHT, this.viewportHeight);
    const scrollTop = this.tree.scrollTop;
    const top = geo.naturalTop(scrollTop);
    const firstRow = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const lastRow = view ? Math.min(count - 1, Math.ceil((top + this.viewportHeight) / ROW_HEIGHT) + OVERSCAN) : -1;

    // Rows leaving the window go back to the pool (positions are cheap to test: rowPos).
    for (const [span, el] of this.active) {
      const r = this.rowPos[span];
      if (r < firstRow || r > lastRow || r < 0) {
        this.active.delete(span);
        el.root.hidden = true;
        el.span = -1;
        this.free.push(el);
      }
    }
    for (let r = firstRow; r <= lastRow; r++) {
      const span = this.rows[r];
      let el = this.active.get(span);
      if (!el) {
        el = this.free.pop() ?? this.createRow();
        this.active.set(span, el);
        this.fillRow(el, span);
        el.root.hidden = false;
      }
      // In a compressed (very long) list, rows sit relative to the scroll position.
      const y = geo.scaled ? scrollTop + (r * ROW_HEIGHT - top) : r * ROW_HEIGHT;
      if (el.y !== y) {
        el.y = y;
        el.root.style.transform = `translateY(${y}px)`;
      }
      this.styleRow(el, span);
    }
    if (this.selectedIndex >= 0 && this.active.has(this.selectedIndex)) {
      this.tree.setAttribute('aria-activedescendant', this.active.get(this.selectedIndex)!.root.id);
    } else this.tree.removeAttribute('aria-activedescendant');
    this.updateMinimapWindow();
  }

  private createRow(): RowEl {
    const twisty = h('span', { class: 'twisty codicon' });
    twisty.setAttribute('aria-hidden', 'true');
    const err = icon('error', 'row-error');
    const label = h('span', { class: 'row-name bidi-isolate' });
    const service = h('span', { class: 'row-service' });
    service.setAttribute('aria-hidden', 'true');
    const dur = h('span', { class: 'row-dur' });
    const group = h('span', { class: 'row-group' });
    group.hidden = true;
    const name = h('div', { class: 'name-cell' }, twisty, service, err, label, group);
    const bar = h('div', { class: 'bar' });
    const track = h('div', { class: 'track' }, bar, dur);
    const root = h('div', { class: 'row', role: 'treeitem' }, name, track);
    root.hidden = true;
    this.tree.appendChild(root);
    return { root, name, twisty, err, label, service, dur, durChars: 0, group, isGroup: false, track, bar, markers: [], span: -1, geomVersion: -1, y: NaN, selected: null };
  }

  /** Content that depends only on the span (set once when a pooled row takes a span). */
  private fillRow(el: RowEl, i: number): void {
    const view = this.view!;
    const s = view.run.spans;
    el.span = i;
    el.geomVersion = -1;
    el.selected = null; // styleRow writes the selection state for the new span
    const name = view.name(i);
    const service = view.service(i);
    const flags = s.flags[i];
    const noTime = (flags & SpanFlag.NoTime) !== 0;
    const unended = (flags & SpanFlag.Unended) !== 0;
    let dur = noTime ? '—' : formatDuration(view.duration(i)) + (unended ? '+' : '');
    const gi = this.groups.groupOf[i];
    const grp = gi >= 0 ? this.groups.groups[gi] : null;
    el.isGroup = this.isGroupRow(i);
    el.twisty.dataset.state = '-'; // styleRow writes the twisty for what the row now is
    const openHead = !!grp && !el.isGroup && grp.head === i && this.groupOpen[gi] === 1;
    el.group.hidden = !openHead;
    if (grp && openHead) {
      el.group.textContent = `×${grp.members.length}`;
      el.group.title = `Group the ${grp.members.length} repeated ${clip(name, 80)} spans again (Left)`;
    }
    if (grp && el.isGroup) {
      // One row for the repeats: how many, the typical and the worst duration.
      dur = `×${grp.members.length}` + (grp.p50 !== null && grp.max !== null ? ` · p50 ${formatDuration(grp.p50)} · max ${formatDuration(grp.max)}` : '');
    }
    el.root.id = `span-row-${i}`;
    el.root.dataset.index = String(i);
    el.root.setAttribute('aria-level', String(s.depth[i] + 1));
    this.setLabel(el.label, clip(name || '(unnamed)'), this.matchMask?.[i] === 1 ? this.needles : []);
    // Several services: a coloured chip per row (the legend names them) and bars in its colour.
    const svc = this.services.names.length > 1 ? (this.services.slotOfString.get(s.service[i]) ?? -1) : -1;
    el.service.className = `row-service ${serviceClass(svc)}`;
    el.service.hidden = svc < 0;
    el.service.title = clip(service, 300);
    el.bar.className = `bar ${serviceClass(svc)}`;
    setText(el.dur, dur);
    el.durChars = dur.length;
    el.label.title = clip(name, 1000);
    const depth = s.depth[i];
    const indent = this.indentPx();
    // Very deep trees stop indenting where the name would lose its room.
    const maxLevels = Math.max(0, Math.floor((this.nameWidth - 100) / indent));
    el.name.style.paddingLeft = `${(this.compact ? 2 : 4) + Math.min(depth, maxLevels) * indent}px`;
    const err = (flags & SpanFlag.Error) !== 0;
    setClass(el.root, 'error', err);
    el.err.hidden = !err;
    setClass(el.bar, 'error', err);
    setClass(el.bar, 'unended', unended);
    setClass(el.bar, 'critical', (flags & SpanFlag.Critical) !== 0);
    setClass(el.bar, 'group', el.isGroup);
    el.bar.hidden = noTime;
    const parts = [name || 'unnamed span'];
    if (service) parts.push(service);
    if (grp && el.isGroup) {
      parts.push(`${grp.members.length} repeated spans`);
      if (grp.p50 !== null && grp.max !== null) parts.push(`median ${formatDuration(grp.p50)}`, `longest ${formatDuration(grp.max)}`);
    } else parts.push(noTime ? 'no timing' : unended ? `${dur} (never ended)` : dur);
    if (err) parts.push('error');
    if (flags & SpanFlag.Orphan) parts.push('orphan: parent missing');
    el.root.setAttribute('aria-label', clip(parts.join(', '), 300));
    el.bar.title = clip(`${name} — ${dur}`, 300);
    // Event markers belong to the span too; their x positions are set with the geometry.
    const e0 = s.eventStart[i];
    const e1 = Math.min(s.eventStart[i + 1], e0 + MAX_MARKERS);
    const ev = view.run.events;
    for (let k = 0; k < e1 - e0; k++) {
      let m = el.markers[k];
      if (!m) {
        m = h('div', { class: 'marker' });
        el.track.appendChild(m);
        el.markers.push(m);
      }
      m.hidden = noTime || el.isGroup;
      m.title = clip(`${view.str(ev.name[e0 + k])} at +${formatDuration(ev.time[e0 + k] - this.traceStart)}`, 300);
    }
    for (let k = e1 - e0; k < el.markers.length; k++) el.markers[k].hidden = true;
  }

  /** Writes a row's name, the first place a search word occurs in it marked (as text nodes, never HTML). */
  private setLabel(label: HTMLElement, text: string, needles: string[]): void {
    const lower = text.toLowerCase();
    let at = -1;
    let len = 0;
    for (const n of needles) {
      const k = lower.indexOf(n);
      if (k >= 0 && (at < 0 || k < at)) {
        at = k;
        len = n.length;
      }
    }
    // Lower-casing can change lengths outside ASCII; then the plain name is the honest choice.
    if (at < 0 || lower.length !== text.length) {
      if (label.childElementCount) label.textContent = text;
      else setText(label, text);
      return;
    }
    label.replaceChildren(text.slice(0, at), h('mark', { class: 'hit', text: text.slice(at, at + len) }), text.slice(at + len));
  }

  /** State that changes without the span changing: selection, collapse, search, zoom. */
  private styleRow(el: RowEl, i: number): void {
    const view = this.view!;
    const s = view.run.spans;
    const hasKids = view.hasChildren(i) || el.isGroup;
    const collapsed = this.collapsed[i] === 1 || el.isGroup;
    const twistyClass = hasKids ? (collapsed ? 'codicon-chevron-right' : 'codicon-chevron-down') : '';
    if (el.twisty.dataset.state !== twistyClass) {
      el.twisty.classList.remove('codicon-chevron-right', 'codicon-chevron-down');
      if (twistyClass) el.twisty.classList.add(twistyClass);
      el.twisty.dataset.state = twistyClass;
      if (hasKids) el.root.setAttribute('aria-expanded', String(!collapsed));
      else el.root.removeAttribute('aria-expanded');
    }
    const selected = i === this.selectedIndex;
    if (el.selected !== selected) {
      el.selected = selected;
      setClass(el.root, 'selected', selected);
      el.root.setAttribute('aria-selected', String(selected));
    }
    // A shut group's row is marked when a match hides inside it.
    const hit = !!this.matchMask && (this.matchMask[i] === 1 || (el.isGroup && this.groupMatch[this.groups.groupOf[i]] === 1));
    setClass(el.root, 'match', hit);
    setClass(el.root, 'dim', this.critical && !(s.flags[i] & SpanFlag.Critical));
    if (el.geomVersion !== this.geomVersion) {
      el.geomVersion = this.geomVersion;
      const w = this.trackWidth;
      const grp = el.isGroup ? this.groups.groups[this.groups.groupOf[i]] : null;
      const g = barGeometry((grp ? grp.start : s.start[i]) - this.traceStart, (grp ? grp.end : s.end[i]) - this.traceStart, this.window, w);
      if (g && !(s.flags[i] & SpanFlag.NoTime)) {
        el.bar.style.display = '';
        el.bar.style.left = `${g.left}px`;
        el.bar.style.width = `${g.width}px`;
        this.placeLabel(el, g.left, g.left + g.width, w);
      } else {
        el.bar.style.display = 'none';
        this.placeLabel(el, 0, 0, w);
      }
      const e0 = s.eventStart[i];
      const n = Math.min(s.eventStart[i + 1] - e0, MAX_MARKERS);
      for (let k = 0; k < n; k++) {
        const t = view.run.events.time[e0 + k] - this.traceStart;
        const x = timeToX(t, this.window, w);
        const m = el.markers[k];
        m.style.display = x < -4 || x > w + 4 ? 'none' : '';
        m.style.left = `${x}px`;
      }
    }
  }

  /**
   * Puts the duration label right of the bar (Jaeger's place), or left of it when the bar ends
   * too near the right edge, or inside its right end when neither side has room.
   */
  private placeLabel(el: RowEl, left: number, right: number, w: number): void {
    const labelW = el.durChars * 7 + 4;
    const st = el.dur.style;
    if (right + LABEL_GAP + labelW <= w) {
      st.left = `${Math.max(0, right) + LABEL_GAP}px`;
      st.right = '';
      setClass(el.dur, 'inside', false);
    } else if (left - LABEL_GAP - labelW >= 0) {
      st.left = '';
      st.right = `${w - left + LABEL_GAP}px`;
      setClass(el.dur, 'inside', false);
    } else {
      st.left = '';
      st.right = `${Math.max(0, w - right) + LABEL_GAP}px`;
      setClass(el.dur, 'inside', true);
    }
  }

  private updateMinimapWindow(): void {
    const n = this.view ? this.end - this.first : 0;
    if (!n) return;
    const geo = scrollGeometry(this.rows.length, ROW_HEIGHT, this.viewportHeight);
    const top = geo.naturalTop(this.tree.scrollTop);
    const topRow = Math.min(this.rows.length - 1, Math.floor(top / ROW_HEIGHT));
    const topSpan = topRow >= 0 ? this.rows[topRow] - this.first : 0;
    const visible = Math.ceil(this.viewportHeight / ROW_HEIGHT);
    const bottomRow = Math.min(this.rows.length - 1, topRow + visible);
    const bottomSpan = bottomRow >= 0 ? this.rows[bottomRow] - this.first + 1 : n;
    this.minimap.showWindow(this.window, topSpan / n, (bottomSpan - topSpan) / n);
  }

  // ---------------------------------------------------------------- selection & tree ops

  /** Selects span `i`, expanding its ancestors and scrolling it into view. */
  select(i: number, o: { scroll?: boolean; notify?: boolean; focusTree?: boolean } = {}): void {
    const view = this.view;
    if (!view || i < 0 || i >= view.n) return;
    const ti = view.traceOf[i];
    if (ti !== this.traceIndex) this.showTrace(ti);
    if (this.expandTo(i)) this.rebuildRows();
    if (this.rowPos[i] < 0) return; // filtered out
    const changed = this.selectedIndex !== i;
    this.selectedIndex = i;
    if (o.scroll !== false) this.scrollToRow(this.rowPos[i]);
    this.renderRows();
    const opening = this.detail.el.hidden;
    this.detail.show(view.detail(i), this.traceStart);
    this.detailSplitter.hidden = false;
    if (opening && this.detailBottom) {
      // The details just took the bottom of the panel: keep the selected row above them.
      this.measure();
      this.scrollToRow(this.rowPos[i]);
      this.renderRows();
    }
    if (o.focusTree) this.tree.focus();
    this.updateMatchCount();
    if (changed && o.notify !== false) this.host.selected(i);
    this.host.stateChanged();
  }

  clearSelection(notify = true): void {
    this.selectedIndex = -1;
    this.detail.clear();
    this.detailSplitter.hidden = true;
    this.renderRows();
    this.updateMatchCount();
    if (notify) this.host.stateChanged();
  }

  get selected(): number {
    return this.selectedIndex;
  }

  /** Expands collapsed ancestors of `i` and opens the groups hiding it; true if anything changed. */
  private expandTo(i: number): boolean {
    const parent = this.view!.run.spans.parent;
    let changed = false;
    for (let p = parent[i]; p >= 0; p = parent[p]) {
      if (this.collapsed[p]) {
        this.collapsed[p] = 0;
        changed = true;
      }
    }
    for (let p = i; p >= 0; p = parent[p]) {
      if (this.shut[p] === 2 || (this.shut[p] === 1 && p !== i)) {
        this.groupOpen[this.groups.groupOf[p]] = 1;
        changed = true;
      }
    }
    if (changed) this.updateShut();
    return changed;
  }

  /** Recomputes `shut` from which groups are open. */
  private updateShut(): void {
    this.shut.fill(0, this.first, this.end);
    this.groups.groups.forEach((g, k) => {
      if (this.groupOpen[k]) return;
      for (const m of g.members) this.shut[m] = 2;
      this.shut[g.head] = 1;
    });
    // Rows filled as a group (or not) must be filled again.
    this.resetRows();
  }

  /** True when row `i` stands for a shut group (and no filter shows the members one by one). */
  private isGroupRow(i: number): boolean {
    return this.shut[i] === 1 && !(this.searchMode === 'filter' && this.query);
  }

  /** Opens or shuts the group of repeated siblings span `i` belongs to. */
  setGroupOpen(i: number, open: boolean): void {
    const g = this.groups.groupOf[i];
    if (g < 0 || (this.groupOpen[g] === 1) === open) return;
    this.groupOpen[g] = open ? 1 : 0;
    const head = this.groups.groups[g].head;
    // Shutting hides the members: the selection moves to the group's row.
    if (!open && this.selectedIndex >= 0 && this.selectedIndex !== head && this.isInGroup(this.selectedIndex, g)) {
      this.selectedIndex = head;
      this.detail.show(this.view!.detail(head), this.traceStart);
    }
    this.updateShut();
    this.rebuildRows();
    if (this.selectedIndex >= 0 && this.rowPos[this.selectedIndex] >= 0) this.scrollToRow(this.rowPos[this.selectedIndex]);
    this.renderRows();
    const n = this.groups.groups[g].members.length;
    this.announce(`${n} ${clip(this.view!.name(head), 80)} spans ${open ? 'shown' : 'grouped'}`);
    this.host.stateChanged();
  }

  /** True when `i` is a member of group `g` or inside a member's subtree. */
  private isInGroup(i: number, g: number): boolean {
    const parent = this.view!.run.spans.parent;
    for (let p = i; p >= 0; p = parent[p]) if (this.groups.groupOf[p] === g) return true;
    return false;
  }

  private scrollToRow(r: number): void {
    const geo = scrollGeometry(this.rows.length, ROW_HEIGHT, this.viewportHeight);
    const top = geo.naturalTop(this.tree.scrollTop);
    const y = r * ROW_HEIGHT;
    if (y < top) this.tree.scrollTop = geo.scrollTopFor(y);
    else if (y + ROW_HEIGHT > top + this.viewportHeight) this.tree.scrollTop = geo.scrollTopFor(y + ROW_HEIGHT - this.viewportHeight);
  }

  setCollapsed(i: number, collapsed: boolean): void {
    const view = this.view;
    if (!view || !view.hasChildren(i) || (this.collapsed[i] === 1) === collapsed) return;
    this.collapsed[i] = collapsed ? 1 : 0;
    if (collapsed && this.selectedIndex > i && this.selectedIndex < view.subtreeEnd[i]) {
      // The selection disappears into the collapsed subtree: move it to the collapsed span.
      this.selectedIndex = i;
      this.detail.show(view.detail(i), this.traceStart);
    }
    this.rebuildRows();
    this.announce(`${clip(view.name(i), 80)} ${collapsed ? 'collapsed' : 'expanded'}`);
    this.host.stateChanged();
  }

  private setAllCollapsed(collapsed: boolean): void {
    const view = this.view;
    if (!view) return;
    for (let i = this.first; i < this.end; i++) this.collapsed[i] = collapsed && view.hasChildren(i) ? 1 : 0;
    this.groupOpen.fill(collapsed ? 0 : 1);
    if (collapsed && this.selectedIndex >= 0 && this.shut[this.selectedIndex] === 2) this.selectedIndex = -1;
    this.updateShut();
    if (collapsed && this.selectedIndex >= 0) {
      let r = this.selectedIndex;
      while (view.run.spans.parent[r] >= 0) r = view.run.spans.parent[r];
      this.selectedIndex = r;
      this.detail.show(view.detail(r), this.traceStart);
    }
    this.rebuildRows();
    this.host.stateChanged();
  }

  // ---------------------------------------------------------------- search

  private applySearch(q: string): void {
    if (q === this.query) return;
    this.query = q;
    this.computeSearch();
    this.rebuildRows();
    if (this.selectedIndex >= 0 && this.rowPos[this.selectedIndex] >= 0) this.scrollToRow(this.rowPos[this.selectedIndex]);
    this.renderRows();
    this.host.stateChanged();
  }

  private computeSearch(): void {
    const view = this.view;
    // Rows show the query's words highlighted: refill them.
    this.resetRows();
    const parsed = parseQuery(this.query);
    this.queryError = parsed.errors.join('; ');
    this.needles = parsed.errors.length ? [] : highlightNeedles(parsed);
    this.search.applied(this.query, this.queryError);
    if (!view || !this.query) {
      this.matchMask = null;
      this.matchList = new Int32Array(0);
      this.keep = null;
      this.updateMatchCount();
      return;
    }
    this.matchMask = matchQuery(view, parsed, this.first, this.end);
    let n = 0;
    for (let i = this.first; i < this.end; i++) n += this.matchMask[i];
    this.matchList = new Int32Array(n);
    for (let i = this.first, k = 0; i < this.end; i++) if (this.matchMask[i]) this.matchList[k++] = i;
    this.keep = new Uint8Array(view.n);
    keepWithAncestors(this.matchMask, view.run.spans.parent, this.first, this.end, this.keep);
    // keep[] holds each match and its ancestors: a member kept means a match in its subtree.
    this.groupMatch = new Uint8Array(this.groups.groups.length);
    this.groups.groups.forEach((g, k) => {
      for (const m of g.members) if (this.keep![m]) {
        this.groupMatch[k] = 1;
        break;
      }
    });
    this.updateMatchCount();
  }

  private setSearchMode(mode: 'highlight' | 'filter'): void {
    this.searchMode = mode;
    this.resetRows(); // group rows are rows of their own only outside filter mode
    this.search.setFilter(mode === 'filter');
    this.rebuildRows();
    if (this.selectedIndex >= 0 && this.rowPos[this.selectedIndex] >= 0) this.scrollToRow(this.rowPos[this.selectedIndex]);
    this.renderRows();
    this.host.stateChanged();
  }

  private updateMatchCount(): void {
    if (!this.query) {
      this.search.showCount('');
      return;
    }
    if (this.queryError) {
      this.search.showCount('Invalid query', this.queryError);
      this.announce(`Invalid query: ${this.queryError}`);
      return;
    }
    const n = this.matchList.length;
    if (n === 0) {
      this.search.showCount('No results');
      return;
    }
    const k = this.selectedIndex >= 0 && this.matchMask?.[this.selectedIndex] ? lowerBound(this.matchList, this.selectedIndex) : -1;
    this.search.showCount(k >= 0 ? `${k + 1} of ${n}` : `${n} ${n === 1 ? 'match' : 'matches'}`);
  }

  /** Selects the next (dir 1) or previous (-1) match after the selection. */
  nextMatch(dir: 1 | -1): void {
    if (this.search.value !== this.query) this.applySearch(this.search.value);
    const list = this.matchList;
    if (!list.length) return;
    const sel = this.selectedIndex;
    let k: number;
    if (sel < 0) k = dir > 0 ? 0 : list.length - 1;
    else {
      const lb = lowerBound(list, sel); // first match >= sel
      if (dir > 0) k = lb < list.length && list[lb] === sel ? lb + 1 : lb;
      else k = lb - 1;
      k = (k + list.length) % list.length;
    }
    this.select(list[k], { scroll: true });
  }

  clearSearch(): void {
    this.search.clear();
  }

  focusSearch(): void {
    this.search.focus();
  }

  // ---------------------------------------------------------------- critical path & zoom

  private setCritical(on: boolean): void {
    this.critical = on;
    this.criticalBtn.setAttribute('aria-pressed', String(on));
    setClass(this.tree, 'critical-mode', on);
    this.renderRows();
    this.announce(on ? 'Critical path highlighted' : 'Critical path off');
    this.host.stateChanged();
  }

  setWindow(w: TimeWindow): void {
    if (!this.view) return;
    this.window = clampWindow(w, this.total, this.minSpan());
    this.geomVersion++;
    this.renderAxis();
    this.renderRows();
    this.host.stateChanged();
  }

  zoomBy(factor: number, anchor?: number): void {
    const a = anchor ?? (this.window.start + this.window.end) / 2;
    this.setWindow(zoomWindow(this.window, a, factor, this.total, this.minSpan()));
  }

  private jump(t: number, fraction: number): void {
    const span = this.window.end - this.window.start;
    if (span < this.total) this.setWindow({ start: t - span / 2, end: t + span / 2 });
    const n = this.end - this.first;
    const target = this.first + Math.min(n - 1, Math.floor(fraction * n));
    // Scroll to the nearest visible row at or before that span.
    let r = lowerBound(this.rows, target);
    if (r >= this.rows.length) r = this.rows.length - 1;
    const geo = scrollGeometry(this.rows.length, ROW_HEIGHT, this.viewportHeight);
    this.tree.scrollTop = geo.scrollTopFor(Math.max(0, r * ROW_HEIGHT));
  }

  // ---------------------------------------------------------------- input

  private rowFromEvent(ev: Event): RowEl | null {
    const target = ev.target as HTMLElement | null;
    const row = target?.closest?.('.row') as HTMLElement | null;
    if (!row) return null;
    const i = Number(row.dataset.index);
    return this.active.get(i) ?? null;
  }

  private listenTree(): void {
    this.tree.addEventListener('scroll', () => {
      this.renderRows();
      this.host.stateChanged();
    });
    this.tree.addEventListener('keydown', (ev) => this.onTreeKey(ev));

    // Click selects (and reveals); drag across the bars pans the time window.
    let down: { x: number; y: number; window: TimeWindow; id: number; panning: boolean } | null = null;
    this.tree.addEventListener('pointerdown', (ev) => {
      if (ev.button !== 0) return;
      down = { x: ev.clientX, y: ev.clientY, window: this.window, id: ev.pointerId, panning: false };
    });
    this.tree.addEventListener('pointermove', (ev) => {
      if (!down || ev.pointerId !== down.id) return;
      const dx = ev.clientX - down.x;
      if (!down.panning && Math.abs(dx) > 4 && Math.abs(dx) > Math.abs(ev.clientY - down.y)) {
        down.panning = true;
        this.tree.setPointerCapture(ev.pointerId);
        this.tree.classList.add('panning');
      }
      if (down.panning) {
        const dt = (-dx / Math.max(1, this.trackWidth)) * (down.window.end - down.window.start);
        this.setWindow(panWindow(down.window, dt, this.total, this.minSpan()));
      }
    });
    const up = (ev: PointerEvent) => {
      if (!down || ev.pointerId !== down.id) return;
      const wasPanning = down.panning;
      down = null;
      this.tree.classList.remove('panning');
      if (wasPanning || ev.type !== 'pointerup') return;
      const row = this.rowFromEvent(ev);
      if (!row || row.span < 0) return;
      const target = ev.target as HTMLElement;
      if (target.classList.contains('row-group')) {
        this.setGroupOpen(row.span, false);
        return;
      }
      if (target.classList.contains('twisty')) {
        if (row.isGroup) this.setGroupOpen(row.span, true);
        else this.setCollapsed(row.span, this.collapsed[row.span] !== 1);
        return;
      }
      this.select(row.span, { scroll: false, notify: false });
      this.host.reveal(row.span, true);
    };
    this.tree.addEventListener('pointerup', up);
    this.tree.addEventListener('pointercancel', up);
    this.tree.addEventListener('dblclick', (ev) => {
      const row = this.rowFromEvent(ev);
      const target = ev.target as HTMLElement;
      if (row && row.span >= 0 && !target.classList.contains('twisty') && !target.classList.contains('row-group')) {
        if (row.isGroup) this.setGroupOpen(row.span, true);
        else this.setCollapsed(row.span, this.collapsed[row.span] !== 1);
      }
    });
    this.tree.addEventListener(
      'wheel',
      (ev) => {
        const overTrack = ev.clientX - this.tree.getBoundingClientRect().left > this.nameWidth;
        if (ev.ctrlKey || ev.metaKey) {
          ev.preventDefault();
          const x = ev.clientX - this.tree.getBoundingClientRect().left - this.nameWidth;
          const anchor = overTrack ? xToTime(x, this.window, this.trackWidth) : (this.window.start + this.window.end) / 2;
          this.zoomBy(Math.pow(1.0025, ev.deltaY), anchor);
        } else if (overTrack && (ev.shiftKey || Math.abs(ev.deltaX) > Math.abs(ev.deltaY))) {
          ev.preventDefault();
          const d = ev.shiftKey && !ev.deltaX ? ev.deltaY : ev.deltaX;
          const dt = (d / Math.max(1, this.trackWidth)) * (this.window.end - this.window.start);
          this.setWindow(panWindow(this.window, dt, this.total, this.minSpan()));
        }
      },
      { passive: false },
    );
  }

  private onTreeKey(ev: KeyboardEvent): void {
    const view = this.view;
    if (!view || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const sel = this.selectedIndex;
    const pos = sel >= 0 ? this.rowPos[sel] : -1;
    const page = Math.max(1, Math.floor(this.viewportHeight / ROW_HEIGHT) - 1);
    const go = (r: number) => {
      if (!this.rows.length) return;
      this.select(this.rows[Math.max(0, Math.min(this.rows.length - 1, r))]);
    };
    switch (ev.key) {
      case 'ArrowDown':
        go(pos < 0 ? 0 : pos + 1);
        break;
      case 'ArrowUp':
        go(pos < 0 ? 0 : pos - 1);
        break;
      case 'PageDown':
        go(pos < 0 ? 0 : pos + page);
        break;
      case 'PageUp':
        go(pos < 0 ? 0 : pos - page);
        break;
      case 'Home':
        go(0);
        break;
      case 'End':
        go(this.rows.length - 1);
        break;
      case 'ArrowLeft':
        if (sel < 0) go(0);
        else if (this.isGroupRow(sel)) {
          if (view.run.spans.parent[sel] >= 0) this.select(view.run.spans.parent[sel]);
        } else if (view.hasChildren(sel) && !this.collapsed[sel]) this.setCollapsed(sel, true);
        // A member of an open group: Left groups the repeats again, as it would close a parent.
        else if (this.groups.groupOf[sel] >= 0 && this.groupOpen[this.groups.groupOf[sel]]) this.setGroupOpen(sel, false);
        else if (view.run.spans.parent[sel] >= 0) this.select(view.run.spans.parent[sel]);
        break;
      case 'ArrowRight':
        if (sel < 0) go(0);
        else if (this.isGroupRow(sel)) this.setGroupOpen(sel, true);
        else if (view.hasChildren(sel) && this.collapsed[sel]) this.setCollapsed(sel, false);
        else if (pos >= 0 && pos + 1 < this.rows.length && view.run.spans.parent[this.rows[pos + 1]] === sel) go(pos + 1);
        break;
      case 'Enter':
        if (sel >= 0) this.host.reveal(sel, false);
        break;
      case ' ':
        if (sel >= 0 && this.isGroupRow(sel)) this.setGroupOpen(sel, true);
        else if (sel >= 0 && view.hasChildren(sel)) this.setCollapsed(sel, !this.collapsed[sel]);
        break;
      case 'Escape':
        if (this.query) this.clearSearch();
        else if (sel >= 0) this.clearSelection();
        else return;
        break;
      case '+':
      case '=':
        this.zoomBy(0.5, sel >= 0 ? this.spanMid(sel) : undefined);
        break;
      case '-':
        this.zoomBy(2, sel >= 0 ? this.spanMid(sel) : undefined);
        break;
      case '0':
        this.setWindow({ start: 0, end: this.total });
        break;
      default:
        return;
    }
    ev.preventDefault();
  }

  private spanMid(i: number): number {
    const s = this.view!.run.spans;
    return (s.start[i] + s.end[i]) / 2 - this.traceStart;
  }

  private listenSplitters(): void {
    // `move` gets the pointer's travel across (dx) and down (dy) since the press.
    const drag = (handle: HTMLElement, move: (dx: number, start: number, dy: number) => void, startValue: () => number) => {
      let x0 = -1;
      let y0 = 0;
      let v0 = 0;
      handle.addEventListener('pointerdown', (ev) => {
        x0 = ev.clientX;
        y0 = ev.clientY;
        v0 = startValue();
        handle.setPointerCapture(ev.pointerId);
        ev.preventDefault();
      });
      handle.addEventListener('pointermove', (ev) => {
        if (x0 >= 0) move(ev.clientX - x0, v0, ev.clientY - y0);
      });
      const stop = () => {
        if (x0 >= 0) this.host.stateChanged();
        x0 = -1;
      };
      handle.addEventListener('pointerup', stop);
      handle.addEventListener('pointercancel', stop);
    };
    drag(
      this.splitter,
      (dx, v0) => {
        this.chosenNameWidth = Math.max(100, Math.min(this.tree.clientWidth - 120, v0 + dx));
        this.measure();
      },
      () => this.nameWidth,
    );
    drag(
      this.detailSplitter,
      (dx, v0, dy) => {
        // Below the rows the pane resizes up and down, beside them left and right.
        if (this.detailBottom) this.detailHeight = Math.max(100, Math.min(this.mainEl.clientHeight - 120, v0 - dy));
        else this.detailWidth = Math.max(200, Math.min(window.innerWidth - 240, v0 - dx));
        this.measure();
      },
      () => (this.detailBottom ? this.detail.el.getBoundingClientRect().height : this.detailWidth),
    );
  }

  /** Forgets the pooled rows' content so the next render refills them. */
  private resetRows(): void {
    for (const el of this.active.values()) {
      el.root.hidden = true;
      el.span = -1;
      this.free.push(el);
    }
    this.active.clear();
  }

  /** Re-reads theme colours (the canvas caches them). */
  themeChanged(): void {
    this.minimap.themeChanged();
  }

  private announce(text: string): void {
    this.live.textContent = text;
  }

  /** What to persist; see WebviewState in protocol.ts. */
  uiState(): WaterfallUiState {
    const view = this.view;
    if (!view) return {};
    const t = view.run.traces[this.traceIndex];
    const collapsed: string[] = [];
    for (let i = this.first; i < this.end && collapsed.length < 5000; i++) {
      if (this.collapsed[i]) collapsed.push(view.run.spans.spanId[i]);
    }
    const ui: WaterfallUiState = {
      traceId: t?.traceId,
      collapsedSpanIds: collapsed,
      viewStartNs: this.window.start,
      viewEndNs: this.window.end,
      scrollTop: this.tree.scrollTop,
      search: this.query || undefined,
      searchMode: this.searchMode,
      critical: this.critical,
      detailWidth: this.detailWidth,
      nameWidth: this.chosenNameWidth,
    };
    if (this.selectedIndex >= 0) ui.selectedSpanId = view.run.spans.spanId[this.selectedIndex];
    return ui;
  }

  /** Focuses the span list (the keyboard's home). */
  focus(): void {
    this.tree.focus();
  }
}

/** The trace that started last (the newest a live run has completed). */
function newestTrace(traces: readonly { startNs: number }[]): number {
  let best = 0;
  for (let i = 1; i < traces.length; i++) if (traces[i].startNs >= traces[best].startNs) best = i;
  return best;
}

/** True when some span of the trace has real times (an output format may print none). */
function traceHasTime(flags: ArrayLike<number>, t: { first: number; count: number }): boolean {
  for (let i = t.first; i < t.first + t.count; i++) if (!(flags[i] & SpanFlag.NoTime)) return true;
  return false;
}

function traceLabel(t: { rootName: string; rootService: string; endNs: number; startNs: number; count: number; errorCount: number; orphaned: boolean }, timed: boolean): string {
  const parts = [t.rootName || '(unnamed)'];
  if (t.rootService) parts[0] += ` (${t.rootService})`;
  parts.push(timed ? formatDuration(t.endNs - t.startNs) : 'no timing in this output');
  parts.push(`${t.count} span${t.count === 1 ? '' : 's'}`);
  if (t.errorCount) parts.push(`${t.errorCount} error${t.errorCount === 1 ? '' : 's'}`);
  if (t.orphaned) parts.push('orphaned');
  return parts.join(' · ');
}

/** First index k with a[k] >= v (a sorted ascending). */
function lowerBound(a: Int32Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
