/**
 * span-flood: a loop that makes a span per item (hundreds of same-named siblings under one
 * parent), or a trace made mostly of tiny INTERNAL spans. Each span costs more than the work it
 * times, batch queues overflow and drop spans, and the trace becomes unreadable.
 */
import { formatDuration } from '../format';
import type { Span } from '../model';
import { shows, type Rule } from './types';

export const spanFlood: Rule = {
  id: 'span-flood',
  title: 'Hundreds of same-named siblings under one parent, or a trace dominated by tiny INTERNAL spans',
  defaultSeverity: 'warning',
  docs: 'docs/rules/span-flood.md',
  fixable: false,
  options: {
    maxSameNameSiblings: {
      default: 100,
      description: 'Report this many (or more) spans with one name under one parent.',
    },
    tinySpanMicros: {
      default: 50,
      description: 'An INTERNAL span shorter than this many microseconds counts as tiny.',
    },
    tinyShare: {
      default: 0.8,
      description: 'Report a trace when at least this share (0–1) of its spans are tiny INTERNAL spans.',
    },
    minTraceSpans: {
      default: 200,
      description: 'Only judge the tiny-span share of traces with at least this many spans.',
    },
  },
  check(ctx, report, options) {
    const maxSiblings = options.number('maxSameNameSiblings');
    const tinyNs = options.number('tinySpanMicros') * 1000;
    const tinyShare = options.number('tinyShare');
    const minTrace = options.number('minTraceSpans');

    // Siblings are grouped by parent id, so children of a lost parent still count as one flood.
    // Roots count as siblings of each other when a loop makes them (not requests or messages).
    // First count spans per group and per trace: most runs have no group big enough for a flood
    // and no trace big enough to judge, and then names and durations need no look at all.
    const groupSizes = new Map<string, number>();
    const traces = new Map<string, { total: number; tiny: number }>();
    // Siblings and spans of one trace usually come one after another: count runs of them at once.
    let lastParent: string | null = null;
    let run = 0;
    let lastTrace: string | undefined;
    let t: { total: number; tiny: number } | undefined;
    for (const span of ctx.spans) {
      const parentKey = siblingKey(span);
      if (parentKey !== null) {
        if (parentKey !== lastParent) {
          if (lastParent !== null) groupSizes.set(lastParent, (groupSizes.get(lastParent) ?? 0) + run);
          lastParent = parentKey;
          run = 0;
        }
        run++;
      }
      if (shows(span, 'time') && shows(span, 'ids')) {
        if (span.traceId !== lastTrace || !t) {
          lastTrace = span.traceId;
          t = traces.get(lastTrace);
          if (!t) traces.set(lastTrace, (t = { total: 0, tiny: 0 }));
        }
        t.total++;
      }
    }
    if (lastParent !== null) groupSizes.set(lastParent, (groupSizes.get(lastParent) ?? 0) + run);
    // Then count names, only in groups with enough spans for a flood.
    const siblings = new Map<string, Map<string, number>>();
    for (const [parentKey, size] of groupSizes) if (size >= maxSiblings) siblings.set(parentKey, new Map());
    let anyFlood = false;
    if (siblings.size) {
      let byName: Map<string, number> | undefined;
      lastParent = null;
      for (const span of ctx.spans) {
        const parentKey = siblingKey(span);
        if (parentKey === null) continue;
        if (parentKey !== lastParent) {
          lastParent = parentKey;
          byName = siblings.get(parentKey);
        }
        if (!byName) continue;
        const n = (byName.get(span.name) ?? 0) + 1;
        byName.set(span.name, n);
        if (n >= maxSiblings) anyFlood = true;
      }
    }
    if (anyFlood) {
      const groups = new Map<string, Map<string, Span[]>>();
      for (const span of ctx.spans) {
        const parentKey = siblingKey(span);
        if (parentKey === null || !((siblings.get(parentKey)?.get(span.name) ?? 0) >= maxSiblings)) continue;
        let byName = groups.get(parentKey);
        if (!byName) groups.set(parentKey, (byName = new Map()));
        const list = byName.get(span.name);
        if (list) list.push(span);
        else byName.set(span.name, [span]);
      }
      for (const [parentId, byName] of groups) {
        for (const [name, list] of byName) {
          const parent = parentId ? ctx.parentOf(list[0]) : undefined;
          const under = parentId === '' ? 'as separate traces' : parent ? `under one parent "${parent.name}"` : `under one parent (${parentId}, not in the run)`;
          report({
            span: list[0],
            key: 'siblings',
            message:
              `${list.length} spans named "${name}" ${under}: a span per loop item costs more than it tells; ` +
              'make one span for the loop and record the count (or per-item details as events), or sample',
            data: { name, count: String(list.length) },
            affects: list,
            counted: true,
          });
        }
      }
    }
    // Tiny spans are counted only in traces with enough spans to be judged.
    const judged = new Set<string>();
    for (const [traceId, t] of traces) if (t.total >= minTrace) judged.add(traceId);
    if (!judged.size) return;
    let judging: { total: number; tiny: number } | undefined;
    lastTrace = undefined;
    for (const span of ctx.spans) {
      if (span.kind !== 'INTERNAL' || !shows(span, 'time') || !shows(span, 'ids')) continue;
      if (span.traceId !== lastTrace) {
        lastTrace = span.traceId;
        judging = judged.has(lastTrace) ? traces.get(lastTrace) : undefined;
      }
      if (judging && isTiny(span, tinyNs)) judging.tiny++;
    }
    const flooded = new Set<string>();
    for (const traceId of judged) {
      const t = traces.get(traceId)!;
      if (t.tiny >= tinyShare * t.total) flooded.add(traceId);
    }
    if (!flooded.size) return;
    // Second pass only over flooded traces: where do their tiny spans come from?
    const byTrace = new Map<string, { spans: Span[]; byName: Map<string, Span[]>; root?: Span }>();
    for (const span of ctx.spans) {
      if (!flooded.has(span.traceId)) continue;
      let g = byTrace.get(span.traceId);
      if (!g) byTrace.set(span.traceId, (g = { spans: [], byName: new Map() }));
      if (!span.parentSpanId && !g.root) g.root = span;
      if (!isTiny(span, tinyNs)) continue;
      g.spans.push(span);
      const list = g.byName.get(span.name);
      if (list) list.push(span);
      else g.byName.set(span.name, [span]);
    }
    for (const [traceId, g] of byTrace) {
      const t = traces.get(traceId)!;
      let top: Span[] = [];
      for (const list of g.byName.values()) if (list.length > top.length) top = list;
      report({
        span: top[0],
        key: 'tiny',
        message:
          `${t.tiny} of the ${t.total} spans of trace "${g.root?.name ?? traceId}" are INTERNAL spans shorter than ` +
          `${formatDuration(tinyNs)} (most are "${top[0].name}"): spans this small cost more than the work they time; ` +
          'record the work as an event or an attribute on the enclosing span instead',
        data: { traceId, count: String(t.tiny) },
        affects: g.spans,
        counted: true,
      });
    }
  },
};

/** Short INTERNAL spans. Durations as doubles (±256 ns at today's epoch): plenty for a µs threshold, and no bigint allocation per span. */
function isTiny(span: Span, tinyNs: number): boolean {
  return span.kind === 'INTERNAL' && span.endTimeUnixNano !== null && Number(span.endTimeUnixNano) - Number(span.startTimeUnixNano) < tinyNs;
}

/** The group a span's siblings share: its parent id, '' for loop-made roots, null for requests/messages and unknown parents. */
function siblingKey(span: Span): string | null {
  if (!shows(span, 'parent')) return null;
  return span.parentSpanId ?? (span.kind === 'SERVER' || span.kind === 'CONSUMER' ? null : '');
}
