/**
 * Per-source-line span statistics, and the CodeLens title built from them. Pure, so the
 * presenter in editor/codeLens.ts is a thin view (house style habit 10).
 */
import { maskSensitiveText } from './sensitive';
import type { Span } from './model';
import { NO_TIMING, formatDuration, hasTiming } from './format';

/** Every span one source line started. */
export interface LineStats {
  file: string;
  /** 0-based */
  line: number;
  spans: Span[];
  count: number;
  errors: number;
  unended: number;
  /** Over ended spans, in ns; null when none ended. */
  p50: number | null;
  max: number | null;
  sum: number;
  /** Distinct span names started here, most frequent first. */
  names: string[];
}

/** Normalise a file path for matching locations with documents (case kept; separators unified). */
export function normalizePath(p: string): string {
  let s = p.replace(/\\/g, '/');
  if (s.startsWith('file://')) s = decodeURIComponent(s.slice(7));
  return s;
}

/** Group spans by the line that started them: file -> line -> stats. */
export function statsByLine(spans: readonly Span[]): Map<string, Map<number, LineStats>> {
  const files = new Map<string, Map<number, LineStats>>();
  for (const span of spans) {
    const loc = span.location;
    if (!loc) continue;
    const file = normalizePath(loc.file);
    let lines = files.get(file);
    if (!lines) files.set(file, (lines = new Map()));
    let st = lines.get(loc.line);
    if (!st) lines.set(loc.line, (st = { file, line: loc.line, spans: [], count: 0, errors: 0, unended: 0, p50: null, max: null, sum: 0, names: [] }));
    st.spans.push(span);
  }
  for (const lines of files.values()) for (const st of lines.values()) finish(st);
  return files;
}

function finish(st: LineStats): void {
  const durations: number[] = [];
  const names = new Map<string, number>();
  for (const s of st.spans) {
    if (s.status.code === 'ERROR') st.errors++;
    names.set(s.name, (names.get(s.name) ?? 0) + 1);
    if (s.endTimeUnixNano === null) st.unended++;
    // A format that prints no times (Java's LoggingSpanExporter) has placeholders, not durations.
    else if (hasTiming(s)) durations.push(Number(s.endTimeUnixNano - s.startTimeUnixNano));
  }
  st.count = st.spans.length;
  st.names = [...names.entries()].sort((a, b) => b[1] - a[1]).map(([n]) => n);
  if (durations.length) {
    durations.sort((a, b) => a - b);
    st.p50 = durations[Math.floor((durations.length - 1) / 2)];
    st.max = durations[durations.length - 1];
    st.sum = durations.reduce((a, b) => a + b, 0);
  }
}

/** The icon that starts every lens title (a codicon: an emoji renders as a box in some fonts). */
export const LENS_ICON = '$(watch)';

/**
 * The CodeLens title: one span → `$(watch) 834 ms · payment.charge`; many, kept short →
 * `$(watch) ×1000 · p50 0.3 ms · max 2.1 ms · payment.charge` (the total and the spans never
 * ended are in the hover); errors marked with `$(error)`.
 */
export function lensTitle(st: LineStats): string {
  if (st.count === 1) {
    const s = st.spans[0];
    const d = !hasTiming(s) ? NO_TIMING : s.endTimeUnixNano === null ? '…' : formatDuration(s.endTimeUnixNano - s.startTimeUnixNano);
    const marks = [...(st.errors ? ['$(error) error'] : []), ...(st.unended ? ['never ended'] : [])];
    return `${LENS_ICON} ${d} · ${clipName(s.name)}${marks.length ? ' · ' + marks.join(' · ') : ''}`;
  }
  const parts = [`${LENS_ICON} ×${st.count}`];
  if (st.p50 !== null) parts.push(`p50 ${formatDuration(st.p50)}`, `max ${formatDuration(st.max)}`);
  else if (!st.spans.some(hasTiming)) parts.push(NO_TIMING);
  if (st.names.length === 1) parts.push(clipName(st.names[0]));
  else parts.push(`${st.names.length} names`);
  if (st.errors) parts.push(`$(error) ${st.errors} error${st.errors > 1 ? 's' : ''}`);
  return parts.join(' · ');
}

function clipName(name: string): string {
  // Secrets masked as in hovers and the CLI; control and bidi characters would garble the lens.
  // eslint-disable-next-line no-control-regex
  const flat = maskSensitiveText(name).replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, ' ');
  return flat.length > 60 ? flat.slice(0, 59) + '…' : flat;
}
