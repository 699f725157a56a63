/**
 * What the name column needs to know about a run: its services (each with a colour slot, so a
 * service keeps its colour across the run's traces) and how wide the names of a trace are.
 * Pure functions over the DTO columns; the text measurer is passed in, so they run in plain Node.
 *
 * Assumes spans are in pre-order DFS order (guaranteed by core/trace/tree.ts via runDto).
 */

import { SpanFlag, type RunDto } from '../src/protocol';

/** How many distinct colour slots services get (see `.svc-N` in media/waterfall.css). */
export const SERVICE_SLOTS = 8;

export interface ServiceTable {
  /** Distinct non-empty services of the run, in order of first appearance. */
  names: string[];
  /** `RunDto.strings` index → position in `names`, -1 for no service. */
  slotOfString: Map<number, number>;
}

/** The run's services in order of first appearance. */
export function serviceTable(run: RunDto): ServiceTable {
  const names: string[] = [];
  const slotOfString = new Map<number, number>();
  const col = run.spans.service;
  for (let i = 0; i < col.length; i++) {
    const s = col[i];
    if (slotOfString.has(s)) continue;
    const name = run.strings[s] ?? '';
    if (!name) {
      slotOfString.set(s, -1);
      continue;
    }
    slotOfString.set(s, names.length);
    names.push(name);
  }
  return { names, slotOfString };
}

/** The CSS class that colours service number `k` (colours repeat, hatched, past the palette). */
export function serviceClass(k: number): string {
  return k < 0 ? '' : `svc-${k % SERVICE_SLOTS}`;
}

/** Pixel sizes of the name cell around the text (see `.name-cell` in media/waterfall.css). */
export interface NameCellMetrics {
  /** Left padding before the first level. */
  pad: number;
  /** Indent per tree level. */
  indent: number;
  /** Twisty, chip, error icon, gaps and right padding: everything but the indent and the text. */
  chrome: number;
  /** Extra for a span that shows the error icon. */
  errorIcon: number;
}

/**
 * The width (px) the name column needs so every name of spans `[first, end)` shows whole at its
 * depth. Names are interned, so each distinct name is measured once, at its deepest level.
 */
export function namesWidth(run: RunDto, first: number, end: number, measure: (text: string) => number, m: NameCellMetrics): number {
  // Deepest level per (name, has error icon): a name's widest row is its deepest.
  const deepest = new Map<number, number>();
  const { name, depth, flags } = run.spans;
  for (let i = first; i < end; i++) {
    const key = name[i] * 2 + (flags[i] & SpanFlag.Error ? 1 : 0);
    const d = depth[i];
    const had = deepest.get(key);
    if (had === undefined || d > had) deepest.set(key, d);
  }
  let widest = 0;
  for (const [key, d] of deepest) {
    const text = run.strings[key >> 1] || '(unnamed)';
    // Cap the text measured: a 5,000-character name is not worth a column wider than the panel.
    const w = m.pad + d * m.indent + m.chrome + (key & 1 ? m.errorIcon : 0) + measure(text.length > 200 ? text.slice(0, 200) : text);
    if (w > widest) widest = w;
  }
  return Math.ceil(widest);
}

/**
 * The name column's width: the names' own width, at most half the panel so the timeline keeps
 * the other half; or the width the user dragged it to (`chosen`), leaving the timeline 120 px.
 */
export function nameColumnWidth(needed: number, chosen: number | undefined, panel: number, min = 100): number {
  if (chosen !== undefined && chosen > 0) return Math.round(Math.max(min, Math.min(panel - 120, chosen)));
  return Math.round(Math.max(min, Math.min(Math.floor(panel / 2), needed)));
}
