/**
 * Spans -> traces: grouped by trace id, roots found, children ordered by start, orphans marked,
 * self time and the critical path computed. Duplicate span ids and parent cycles never hang or
 * lose a span: every input span appears in exactly one node.
 */
import type { Span } from './model';

export interface TraceNode {
  span: Span;
  children: TraceNode[];
  /** The parent node, or undefined for a root. */
  parent?: TraceNode;
  depth: number;
  /** The span's parent id names a span that is not in the run (dropped context, lost export). */
  orphan: boolean;
  /** This span's id was already used by an earlier span in the run. */
  duplicateId: boolean;
  /** Time not covered by any child (children's overlap merged), in ns; 0 for unended spans. */
  selfTimeNano: bigint;
  /** On the trace's critical path: the chain of work that decided when the trace ended. */
  onCriticalPath: boolean;
}

export interface Trace {
  traceId: string;
  /** Root nodes, ordered by start: the real root first when there is one, orphans after it. */
  roots: TraceNode[];
  /** Every node of the trace, pre-order (parents before children, children by start). */
  nodes: TraceNode[];
  startTimeUnixNano: bigint;
  /** The latest end among ended spans (the start when none ended). */
  endTimeUnixNano: bigint;
  /** The trace has no root span of its own: every root is an orphan. */
  orphaned: boolean;
  errorCount: number;
  /** The critical path, root first. */
  criticalPath: TraceNode[];
}

function endOf(span: Span): bigint {
  return span.endTimeUnixNano ?? span.startTimeUnixNano;
}

function byStart(a: TraceNode, b: TraceNode): number {
  const d = a.span.startTimeUnixNano - b.span.startTimeUnixNano;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** Group spans into traces, ordered by each trace's start time. */
export function buildTraces(spans: readonly Span[]): Trace[] {
  const byTrace = new Map<string, Span[]>();
  for (const span of spans) {
    let list = byTrace.get(span.traceId);
    if (!list) byTrace.set(span.traceId, (list = []));
    list.push(span);
  }
  const traces: Trace[] = [];
  for (const [traceId, list] of byTrace) traces.push(buildTrace(traceId, list));
  traces.sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0));
  return traces;
}

function buildTrace(traceId: string, spans: Span[]): Trace {
  const nodes: TraceNode[] = spans.map((span) => ({
    span,
    children: [],
    depth: 0,
    orphan: false,
    duplicateId: false,
    selfTimeNano: 0n,
    onCriticalPath: false,
  }));
  // First span with an id wins the id; later ones are flagged and still placed in the tree.
  const byId = new Map<string, TraceNode>();
  for (const node of nodes) {
    if (byId.has(node.span.spanId)) node.duplicateId = true;
    else byId.set(node.span.spanId, node);
  }
  const roots: TraceNode[] = [];
  for (const node of nodes) {
    const pid = node.span.parentSpanId;
    const parent = pid ? byId.get(pid) : undefined;
    if (!pid) roots.push(node);
    else if (!parent || parent === node) {
      node.orphan = true;
      roots.push(node);
    } else {
      node.parent = parent;
      parent.children.push(node);
    }
  }
  // Parent cycles (a -> b -> a) leave nodes unreachable from any root: cut each cycle at the
  // node that started first, which then becomes an orphan root.
  const reached = new Set<TraceNode>();
  const order: TraceNode[] = [];
  const walk = (root: TraceNode) => {
    const stack: TraceNode[] = [root];
    root.depth = 0;
    while (stack.length) {
      const node = stack.pop()!;
      if (reached.has(node)) continue;
      reached.add(node);
      order.push(node);
      node.children.sort(byStart);
      for (let i = node.children.length - 1; i >= 0; i--) {
        node.children[i].depth = node.depth + 1;
        stack.push(node.children[i]);
      }
    }
  };
  roots.sort((a, b) => (a.orphan !== b.orphan ? (a.orphan ? 1 : -1) : byStart(a, b)));
  for (const root of roots) walk(root);
  if (reached.size < nodes.length) {
    const rest = nodes.filter((n) => !reached.has(n)).sort(byStart);
    for (const node of rest) {
      if (reached.has(node)) continue;
      if (node.parent) node.parent.children = node.parent.children.filter((c) => c !== node);
      node.parent = undefined;
      node.orphan = true;
      roots.push(node);
      walk(node);
    }
  }

  let start = nodes[0].span.startTimeUnixNano;
  let end = endOf(nodes[0].span);
  let errorCount = 0;
  for (const node of nodes) {
    if (node.span.startTimeUnixNano < start) start = node.span.startTimeUnixNano;
    if (endOf(node.span) > end) end = endOf(node.span);
    if (node.span.status.code === 'ERROR') errorCount++;
    node.selfTimeNano = selfTime(node);
  }
  const trace: Trace = {
    traceId,
    roots,
    nodes: order,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    orphaned: roots.every((r) => r.orphan),
    errorCount,
    criticalPath: [],
  };
  trace.criticalPath = criticalPath(trace);
  for (const n of trace.criticalPath) n.onCriticalPath = true;
  return trace;
}

/** Span duration minus the union of its children's intervals clipped to the span. */
function selfTime(node: TraceNode): bigint {
  const { span } = node;
  if (span.endTimeUnixNano === null) return 0n;
  const s0 = span.startTimeUnixNano;
  const e0 = span.endTimeUnixNano;
  let covered = 0n;
  let curStart = -1n;
  let curEnd = -1n;
  // children are sorted by start after walk(); clip each to the parent.
  for (const child of node.children) {
    const cs = child.span.startTimeUnixNano < s0 ? s0 : child.span.startTimeUnixNano;
    const ceRaw = endOf(child.span);
    const ce = ceRaw > e0 ? e0 : ceRaw;
    if (ce <= cs) continue;
    if (curEnd < 0n || cs > curEnd) {
      if (curEnd > curStart) covered += curEnd - curStart;
      curStart = cs;
      curEnd = ce;
    } else if (ce > curEnd) curEnd = ce;
  }
  if (curEnd > curStart) covered += curEnd - curStart;
  const total = e0 - s0;
  return total > covered ? total - covered : 0n;
}

/**
 * The critical path: start at the root that ends last, then repeatedly step into the child that
 * ended last before the current point (Jaeger's definition: work that the parent waited on).
 */
function criticalPath(trace: Trace): TraceNode[] {
  if (!trace.roots.length) return [];
  let node = trace.roots.reduce((a, b) => (endOf(b.span) > endOf(a.span) ? b : a));
  const path: TraceNode[] = [node];
  let limit = endOf(node.span);
  const guard = new Set<TraceNode>([node]);
  for (;;) {
    let next: TraceNode | undefined;
    for (const child of node.children) {
      const ce = endOf(child.span);
      if (ce <= limit && (!next || ce > endOf(next.span))) next = child;
    }
    if (!next || guard.has(next)) break;
    guard.add(next);
    path.push(next);
    limit = endOf(next.span);
    node = next;
  }
  return path;
}
