/**
 * Two runs of one program compared span by span — not by span id (every run has new ids) but by
 * what a developer means by "the same span": the same name started from the same call site at
 * the same place in the tree (its chain of ancestors' names). Spans that repeat under one key
 * (a loop) are compared by their median. Pure: the CLI and the editor build on it.
 */
import type { Span } from './model';
import { buildTraces } from './tree';

/** One key present in either run. */
export interface SpanChange {
  /** The ancestors' names and the span's own, root first. */
  path: string[];
  name: string;
  /** Where it starts in the code (the newer run's, else the older's); 0-based line. */
  location?: { file: string; line: number };
  /** How many spans had this key, and their median duration in ns (null: none ended / no timing). */
  before: { count: number; medianNs: number | null };
  after: { count: number; medianNs: number | null };
  /** after − before, in ns, when both have durations. */
  deltaNs: number | null;
  status: 'same' | 'slower' | 'faster' | 'added' | 'removed';
}

interface Group {
  path: string[];
  name: string;
  location?: { file: string; line: number };
  durations: number[];
  count: number;
}

/** Spans grouped by name, call site and ancestors' names, walking each trace without recursion. */
function groups(spans: readonly Span[]): Map<string, Group> {
  const out = new Map<string, Group>();
  for (const trace of buildTraces(spans)) {
    const stack = trace.roots.map((node) => ({ node, path: [] as string[] }));
    while (stack.length) {
      const { node, path } = stack.pop()!;
      const s = node.span;
      const here = [...path, s.name];
      const site = s.location ? `${s.location.file}:${s.location.line}` : '';
      const key = `${here.join('\u0000')}\u0001${site}`;
      let g = out.get(key);
      if (!g) out.set(key, (g = { path: here, name: s.name, location: s.location && { file: s.location.file, line: s.location.line }, durations: [], count: 0 }));
      g.count++;
      const timed = !s.unknown?.includes('time');
      if (timed && s.endTimeUnixNano !== null) g.durations.push(Number(s.endTimeUnixNano - s.startTimeUnixNano));
      for (const child of node.children) stack.push({ node: child, path: here });
    }
  }
  return out;
}

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** A change counts as slower or faster past either threshold: a share of the old time, or a time. */
export interface DiffThreshold {
  /** e.g. 0.1 for 10%. */
  ratio?: number;
  /** In ns. */
  ns?: number;
}

/**
 * Every key of either run, the biggest slowdowns first, then added and removed spans, then the
 * rest. A span is slower or faster when its median moved past the threshold (default: 10% and
 * 1 ms, both).
 */
export function diffRuns(before: readonly Span[], after: readonly Span[], threshold: DiffThreshold = { ratio: 0.1, ns: 1_000_000 }): SpanChange[] {
  const a = groups(before);
  const b = groups(after);
  const out: SpanChange[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key);
    const y = b.get(key);
    const g = (y ?? x)!;
    const mx = x ? median(x.durations) : null;
    const my = y ? median(y.durations) : null;
    const delta = mx !== null && my !== null ? my - mx : null;
    let status: SpanChange['status'] = !x ? 'added' : !y ? 'removed' : 'same';
    if (status === 'same' && delta !== null && mx !== null) {
      const past = (threshold.ratio === undefined || Math.abs(delta) >= threshold.ratio * mx) && (threshold.ns === undefined || Math.abs(delta) >= threshold.ns);
      if (past) status = delta > 0 ? 'slower' : 'faster';
    }
    out.push({
      path: g.path,
      name: g.name,
      location: y?.location ?? x?.location,
      before: { count: x?.count ?? 0, medianNs: mx },
      after: { count: y?.count ?? 0, medianNs: my },
      deltaNs: delta,
      status,
    });
  }
  const rank = { slower: 0, added: 1, removed: 2, faster: 3, same: 4 } as const;
  return out.sort((p, q) => rank[p.status] - rank[q.status] || (q.deltaNs ?? 0) - (p.deltaNs ?? 0) || p.path.join('/').localeCompare(q.path.join('/')));
}

/**
 * Per source line (file → 0-based line), the change a lens shows: the line's biggest slowdown or
 * speed-up past the threshold, else "new" for a span the earlier run did not have.
 */
export function changesByLine(changes: readonly SpanChange[]): Map<string, Map<number, SpanChange>> {
  const out = new Map<string, Map<number, SpanChange>>();
  for (const c of changes) {
    if (!c.location || (c.status !== 'slower' && c.status !== 'faster' && c.status !== 'added')) continue;
    let lines = out.get(c.location.file);
    if (!lines) out.set(c.location.file, (lines = new Map()));
    const had = lines.get(c.location.line);
    const weight = (x: SpanChange) => (x.status === 'added' ? 0 : Math.abs(x.deltaNs ?? 0));
    if (!had || weight(c) > weight(had)) lines.set(c.location.line, c);
  }
  return out;
}

/** What a lens adds for a change since the last run: ` ▲ +9 ms`, ` ▼ −12 ms`, ` · new`. */
export function changeText(c: SpanChange | undefined, format: (ns: bigint) => string): string {
  if (!c) return '';
  if (c.status === 'added') return ' · new';
  if (c.deltaNs === null || (c.status !== 'slower' && c.status !== 'faster')) return '';
  const d = format(BigInt(Math.round(Math.abs(c.deltaNs))));
  return c.status === 'slower' ? ` ▲ +${d}` : ` ▼ −${d}`;
}
