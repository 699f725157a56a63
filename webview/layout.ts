/**
 * The waterfall's geometry, as pure functions (no DOM) so they can be tested in plain Node:
 * time → pixels, axis ticks, zoom/pan of the time window, and which rows are visible.
 */

/** A time window in ns relative to the trace start. */
export interface TimeWindow {
  start: number;
  end: number;
}

/** The x offset (px) in a track `width` px wide of time `t` when `view` is shown. */
export function timeToX(t: number, view: TimeWindow, width: number): number {
  const span = view.end - view.start;
  return span > 0 ? ((t - view.start) / span) * width : 0;
}

/** The time at x offset `x` (px) in a track `width` px wide. */
export function xToTime(x: number, view: TimeWindow, width: number): number {
  return width > 0 ? view.start + (x / width) * (view.end - view.start) : view.start;
}

/**
 * Left and width (px) of a bar from `start` to `end`, clipped to the track and at least
 * `minWidth` wide so a 0-length span still shows. Null when the bar is wholly outside the view.
 */
export function barGeometry(
  start: number,
  end: number,
  view: TimeWindow,
  width: number,
  minWidth = 1,
): { left: number; width: number } | null {
  if (end < view.start || start > view.end) return null;
  let x0 = timeToX(start, view, width);
  let x1 = timeToX(end, view, width);
  // Clip far outside values so CSS never sees huge numbers when zoomed in deeply.
  if (x0 < -2) x0 = -2;
  if (x1 > width + 2) x1 = width + 2;
  const w = Math.max(minWidth, x1 - x0);
  return { left: x0, width: w };
}

/** Smallest "nice" step (1, 2 or 5 × 10^k ns, at least 1 ns) so ticks are ≥ `minPx` apart. */
export function niceStep(view: TimeWindow, width: number, minPx = 80): number {
  const span = Math.max(1, view.end - view.start);
  const raw = (span * minPx) / Math.max(1, width);
  let step = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1))));
  for (const m of [1, 2, 5, 10]) {
    if (step * m >= raw) return Math.max(1, step * m);
  }
  step *= 10;
  return Math.max(1, step);
}

/** Tick times (multiples of the nice step) inside the view. */
export function axisTicks(view: TimeWindow, width: number, minPx = 80): { step: number; ticks: number[] } {
  const step = niceStep(view, width, minPx);
  const ticks: number[] = [];
  const first = Math.ceil(view.start / step) * step;
  for (let t = first; t <= view.end + 1e-9 && ticks.length < 1000; t += step) ticks.push(t);
  return { step, ticks };
}

/** The window clamped into [0, total] and at least `minSpan` long, keeping its centre when it can. */
export function clampWindow(view: TimeWindow, total: number, minSpan = 10): TimeWindow {
  const full = Math.max(total, minSpan);
  let span = Math.min(Math.max(view.end - view.start, Math.min(minSpan, full)), full);
  if (!Number.isFinite(span) || span <= 0) span = full;
  let start = view.start;
  if (!Number.isFinite(start)) start = 0;
  if (start < 0) start = 0;
  if (start + span > full) start = full - span;
  return { start, end: start + span };
}

/** Zooms by `factor` (< 1 zooms in) keeping time `anchor` at the same x. */
export function zoomWindow(view: TimeWindow, anchor: number, factor: number, total: number, minSpan = 10): TimeWindow {
  const start = anchor - (anchor - view.start) * factor;
  const end = anchor + (view.end - anchor) * factor;
  if (end - start < minSpan) {
    const ratio = view.end > view.start ? (anchor - view.start) / (view.end - view.start) : 0.5;
    return clampWindow({ start: anchor - minSpan * ratio, end: anchor - minSpan * ratio + minSpan }, total, minSpan);
  }
  return clampWindow({ start, end }, total, minSpan);
}

/** Shifts the window by `dt` ns, staying inside [0, total]. */
export function panWindow(view: TimeWindow, dt: number, total: number, minSpan = 10): TimeWindow {
  return clampWindow({ start: view.start + dt, end: view.end + dt }, total, minSpan);
}

/**
 * For each span of `[first, end)` (pre-order), the exclusive end of its subtree, given the
 * run-wide parent column. One backward pass.
 */
export function subtreeEnds(parent: ArrayLike<number>, first: number, end: number, out: Int32Array): void {
  for (let i = first; i < end; i++) out[i] = i + 1;
  for (let i = end - 1; i >= first; i--) {
    const p = parent[i];
    if (p >= first && out[i] > out[p]) out[p] = out[i];
  }
}

/**
 * The rows to show, as span indices in pre-order: every span of `[first, end)` except the
 * descendants of collapsed spans and, when `keep` is given, spans not kept (search filter).
 * `shut` hides repeated siblings behind their group's row: 1 marks a shut group's first member
 * (shown, its subtree hidden), 2 the other members (hidden with their subtrees).
 */
export function visibleRows(
  first: number,
  end: number,
  subtreeEnd: Int32Array,
  collapsed: Uint8Array,
  keep: Uint8Array | null,
  shut: Uint8Array | null = null,
): Int32Array {
  const out = new Int32Array(end - first);
  let n = 0;
  let i = first;
  while (i < end) {
    if (keep && !keep[i]) {
      // A span that is not kept has no kept descendants either: skip its subtree.
      i = subtreeEnd[i];
      continue;
    }
    const g = shut ? shut[i] : 0;
    if (g === 2) {
      i = subtreeEnd[i];
      continue;
    }
    out[n++] = i;
    i = collapsed[i] || g === 1 ? subtreeEnd[i] : i + 1;
  }
  return out.subarray(0, n);
}

/**
 * Extends a match mask to the spans that must stay visible to reach the matches (their
 * ancestors), writing into `keep`.
 */
export function keepWithAncestors(
  match: Uint8Array,
  parent: ArrayLike<number>,
  first: number,
  end: number,
  keep: Uint8Array,
): void {
  for (let i = first; i < end; i++) keep[i] = match[i];
  for (let i = end - 1; i >= first; i--) {
    const p = parent[i];
    if (keep[i] && p >= first) keep[p] = 1;
  }
}

/** The largest scroll height browsers handle reliably; taller lists are scaled into it. */
export const MAX_SCROLL_PX = 15_000_000;

/**
 * Maps between scroll offset and row positions for a virtual list of `rows` rows of `rowHeight`
 * px in a viewport `viewport` px tall. Beyond `MAX_SCROLL_PX` the scroll range is compressed:
 * the top row follows the scroll fraction, rows stay `rowHeight` apart.
 */
export function scrollGeometry(rows: number, rowHeight: number, viewport: number, maxPx = MAX_SCROLL_PX) {
  const natural = rows * rowHeight;
  const height = Math.min(natural, maxPx);
  const scaled = natural > maxPx;
  const maxScroll = Math.max(0, height - viewport);
  const maxTop = Math.max(0, natural - viewport);
  return {
    height,
    scaled,
    /** Position of the viewport's top edge in the natural (unscaled) list. */
    naturalTop(scrollTop: number): number {
      if (!scaled) return scrollTop;
      return maxScroll > 0 ? (Math.min(scrollTop, maxScroll) / maxScroll) * maxTop : 0;
    },
    /** The scrollTop that puts natural offset `y` at the viewport top. */
    scrollTopFor(y: number): number {
      if (!scaled) return y;
      return maxTop > 0 ? (y / maxTop) * maxScroll : 0;
    },
  };
}
