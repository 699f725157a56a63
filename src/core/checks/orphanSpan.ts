/**
 * orphan-span: a span whose parent is not in the run, and a new root that starts and ends inside
 * a running span of another trace in the same process: the context was dropped on the way (a
 * callback, a thread, an explicit empty context), so the work lands in a trace of its own.
 */
import type { Span } from '../model';
import { printedBefore } from './timing';
import { shows, type Rule } from './types';

/** Which process made a span: spans of different processes cannot drop each other's context. */
function processKey(span: Span): string {
  const r = span.resource;
  const id = r['service.instance.id'];
  const pid = r['process.pid'];
  return `${id === undefined ? '' : String(id)}|${pid === undefined ? '' : String(pid)}`;
}

export const orphanSpan: Rule = {
  id: 'orphan-span',
  title: 'A parent id that is not in the run; a new root that nests inside a span of another trace',
  defaultSeverity: 'warning',
  docs: 'docs/rules/orphan-span.md',
  fixable: false,
  options: {
    nestedRoots: {
      default: true,
      description: 'Also report a new trace whose root runs inside a span of another trace in the same process (dropped context).',
    },
  },
  check(ctx, report, options) {
    const { facts } = ctx;
    const lost = (facts.droppedSpans ?? 0) > 0;
    const roots: Span[] = [];
    const parents = ctx.parents();
    const spans = ctx.spans;
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i];
      if (parents[i]) continue;
      if (!shows(span, 'parent') || !shows(span, 'ids')) continue;
      const pid = span.parentSpanId;
      if (!pid) {
        roots.push(span);
        continue;
      }
      // A remote parent lives in another process: not being in this run is normal.
      if (span.parentIsRemote === true) continue;
      report({
        span,
        message:
          `span "${span.name}" has parent ${pid}, which is not in this run: ` +
          (lost
            ? `the parent may be among the ${facts.droppedSpans} spans that were dropped, or it was never ended`
            : 'the parent was never ended or never exported, or the context came from elsewhere') +
          '; end every parent span, and pass the context explicitly across callbacks and threads',
        data: { parentSpanId: pid },
      });
    }
    if (options.boolean('nestedRoots')) reportNestedRoots(roots, ctx.spans, report);
  },
};

/**
 * Node prints whole-millisecond starts with exact durations, so an enclosing span can appear to
 * end up to 1 ms before a span it really encloses; when the output order shows it ended after,
 * it still encloses.
 */
const END_SLACK_NS = 1_000_000n;


/**
 * Two spans from one call site (one line, or one name when no line is known) are a loop's
 * iterations, one after the other: a span does not run around another run of itself.
 */
function sameCallSite(a: Span, b: Span): boolean {
  const la = a.location;
  const lb = b.location;
  if (la && lb) return la.file === lb.file && la.line === lb.line && la.column === lb.column;
  return !la && !lb && a.name === b.name;
}

/**
 * Starts printed in whole milliseconds (Node's SDK) that are equal say nothing about which span
 * began first: "A ended, then B started" in one millisecond looks the same as "B runs around A".
 * Only a span that started in an earlier millisecond surely began before.
 */
function ambiguousStart(around: Span, root: Span): boolean {
  return around.startTimeUnixNano === root.startTimeUnixNano && root.startTimeUnixNano % 1_000_000n === 0n;
}

/**
 * A root R of trace T whose interval lies inside an ended span S of another trace in the same
 * process. One sweep by start time per process: keep the two latest-ending spans of distinct
 * traces seen so far; R nests if the best one not of T ends after R.
 */
function reportNestedRoots(roots: Span[], spans: readonly Span[], report: Parameters<Rule['check']>[1]): void {
  const candidates = roots.filter(
    (r) =>
      r.endTimeUnixNano !== null &&
      shows(r, 'time') &&
      // Requests and messages start new traces by design; concurrent ones overlap in time.
      r.kind !== 'SERVER' &&
      r.kind !== 'CONSUMER' &&
      // A link to the running trace says the new trace was meant (the recommended way).
      r.links.length === 0,
  );
  if (!candidates.length) return;
  const byProcess = new Map<string, { roots: Span[]; spans: Span[] }>();
  for (const r of candidates) {
    const key = processKey(r);
    let g = byProcess.get(key);
    if (!g) byProcess.set(key, (g = { roots: [], spans: [] }));
    g.roots.push(r);
  }
  for (const s of spans) {
    if (s.endTimeUnixNano === null || !shows(s, 'time') || !shows(s, 'ids')) continue;
    const g = byProcess.get(processKey(s));
    if (g) g.spans.push(s);
  }
  const cmp = (a: Span, b: Span) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0);
  for (const g of byProcess.values()) {
    g.spans.sort(cmp);
    g.roots.sort(cmp);
    let best: Span | undefined;
    let second: Span | undefined; // latest-ending span of a trace other than best's
    let i = 0;
    for (const root of g.roots) {
      while (i < g.spans.length && g.spans[i].startTimeUnixNano <= root.startTimeUnixNano) {
        const s = g.spans[i++];
        const end = s.endTimeUnixNano!;
        if (!best || end > best.endTimeUnixNano!) {
          if (best && best.traceId !== s.traceId) second = best;
          best = s;
        } else if (s.traceId !== best.traceId && (!second || end > second.endTimeUnixNano!)) second = s;
      }
      const around = best && best.traceId !== root.traceId ? best : second;
      if (!around || around.traceId === root.traceId) continue;
      const aroundEnd = around.endTimeUnixNano!;
      const rootEnd = root.endTimeUnixNano!;
      const roundedEnclosing = aroundEnd + END_SLACK_NS >= rootEnd && around.startTimeUnixNano < root.startTimeUnixNano && printedBefore(root, around);
      if (aroundEnd < rootEnd && !roundedEnclosing) continue;
      // Nesting within the same instant says nothing (a zero-length root at a span's start).
      if (around.startTimeUnixNano === root.startTimeUnixNano && around.endTimeUnixNano === root.endTimeUnixNano) continue;
      if (printedBefore(around, root)) continue;
      if (sameCallSite(around, root) || ambiguousStart(around, root)) continue;
      report({
        span: root,
        key: 'nested-root',
        message:
          `span "${root.name}" starts a new trace while "${around.name}" (another trace) is running around it: ` +
          'the context was dropped; start it inside the active span (or pass the context), ' +
          'or add a link to the running span if a separate trace is intended',
        data: { enclosingSpanId: around.spanId, enclosingName: around.name },
      });
    }
  }
}
