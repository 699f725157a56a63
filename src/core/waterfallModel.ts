/**
 * Builds the waterfall's columnar DTO (`RunDto`, src/protocol.ts) from parsed spans.
 *
 * Pure: no vscode, no Node APIs. It does its own tree flattening so it depends only on the
 * span model: spans are grouped by trace id, linked by parent id, and written out in pre-order
 * (roots and siblings by start time) with a depth, the way jaeger-ui's `generateRowStates`
 * flattens once so the view can render rows by index.
 *
 * Odd input is kept visible rather than dropped: a span whose parent is not in the run becomes
 * an orphan root; a duplicate span id keeps its row (children attach to the first span with
 * that id); a parent cycle is cut at one span, which becomes a root.
 */

import type { AttributeValue, Attributes, Span } from './model';
import {
  AttrFlag,
  AttrType,
  RUN_DTO_VERSION,
  SPAN_KIND_NAMES,
  SpanFlag,
  type LocationDto,
  type RunDto,
  type TraceDto,
} from '../protocol';
import { isSensitive } from './sensitive';

export interface BuildRunDtoOptions {
  /** Identifies the run for the host; echoed in reveal/select messages. */
  runId?: string;
  title?: string;
  /** The checks' verdict on the run, shown beside the trace summary. */
  checks?: { score: number; findings: number };
  /** The program is still running (see RunDto.live). */
  live?: boolean;
  /** The run can be run again (see RunDto.canRerun). */
  canRerun?: boolean;
  /** Spans beyond this many are left out (counted in `droppedSpans`). Default 2,000,000. */
  maxSpans?: number;
  /** Longest attribute value text kept; longer values are cut with a note. Default 65,536. */
  maxValueLength?: number;
}

const DEFAULT_MAX_SPANS = 2_000_000;
const DEFAULT_MAX_VALUE_LENGTH = 65_536;

/** Builds the DTO the waterfall webview renders. */
export function buildRunDto(input: readonly Span[], options: BuildRunDtoOptions = {}): RunDto {
  const maxSpans = options.maxSpans ?? DEFAULT_MAX_SPANS;
  const spans = input.length > maxSpans ? input.slice(0, maxSpans) : input;
  const b = new DtoBuilder(options.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH);

  let runStart: bigint | null = null;
  for (const s of spans) {
    if (hasTime(s) && (runStart === null || s.startTimeUnixNano < runStart)) runStart = s.startTimeUnixNano;
  }
  b.runStart = runStart ?? 0n;

  const byTrace = new Map<string, number[]>();
  for (let i = 0; i < spans.length; i++) {
    const id = spans[i].traceId;
    let list = byTrace.get(id);
    if (!list) byTrace.set(id, (list = []));
    list.push(i);
  }

  const traces: TraceOrder[] = [];
  for (const [traceId, members] of byTrace) traces.push(flattenTrace(spans, traceId, members, b));
  // Traces by start; traces with no times at all keep their input order at the end.
  traces.sort((x, y) => (x.timed === y.timed ? x.dto.startNs - y.dto.startNs : x.timed ? -1 : 1));

  const dtos: TraceDto[] = [];
  for (const t of traces) {
    t.dto.first = b.spanCount;
    b.emitTrace(spans, t);
    dtos.push(t.dto);
  }

  return {
    version: RUN_DTO_VERSION,
    runId: options.runId ?? '',
    title: options.title ?? '',
    startUnixNano: b.runStart.toString(),
    strings: b.strings,
    traces: dtos,
    spans: b.cols,
    attrs: b.finish(),
    events: b.events,
    links: b.links,
    resourceAttrStart: b.resourceAttrStart,
    locations: b.locations,
    notes: b.notes,
    droppedSpans: input.length - spans.length,
    ...(options.checks ? { checks: options.checks } : {}),
    ...(options.live ? { live: true } : {}),
    ...(options.canRerun ? { canRerun: true } : {}),
  };
}

const NO_NOTES: string[] = [];

function hasTime(s: Span): boolean {
  return !s.unknown?.includes('time');
}

/** One trace in pre-order, with each position's parent position, depth, flags and notes. */
interface TraceOrder {
  dto: TraceDto;
  /** Input span indices in pre-order. */
  order: number[];
  parentPos: Int32Array;
  depth: Int32Array;
  flags: Int32Array;
  notes: string[][];
  /** False when no span of the trace has times. */
  timed: boolean;
}

function flattenTrace(spans: readonly Span[], traceId: string, members: number[], b: DtoBuilder): TraceOrder {
  const n = members.length;
  const idToLocal = new Map<string, number>();
  const flags = new Int32Array(n);
  // Notes are rare: one shared empty list until a span gets one (saves n arrays on big traces).
  const notes: string[][] = new Array<string[]>(n).fill(NO_NOTES);
  const note = (i: number, text: string) => {
    if (notes[i] === NO_NOTES) notes[i] = [];
    notes[i].push(text);
  };
  for (let i = 0; i < n; i++) {
    const id = spans[members[i]].spanId;
    const first = idToLocal.get(id);
    if (first === undefined) idToLocal.set(id, i);
    else {
      flags[i] |= SpanFlag.DuplicateId;
      flags[first] |= SpanFlag.DuplicateId;
      note(i, `Span id ${id} is also used by an earlier span in this trace; its children are shown under that one.`);
    }
  }

  // Parent links (local indices), -1 for a root.
  const parent = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const s = spans[members[i]];
    if (s.unknown?.includes('parent')) {
      flags[i] |= SpanFlag.NoParent;
      continue;
    }
    if (s.parentSpanId === null || s.parentSpanId === '') continue;
    const p = idToLocal.get(s.parentSpanId);
    if (p === undefined) {
      flags[i] |= SpanFlag.Orphan;
      note(i, `Parent span ${s.parentSpanId} is not in this run.`);
    } else if (p === i) {
      flags[i] |= SpanFlag.CycleBroken;
      note(i, 'This span names itself as its parent; shown as a root.');
    } else parent[i] = p;
  }

  // Start times as numbers relative to the run (exact below 2^53 ns) sort much faster than bigints.
  const startNs = new Float64Array(n);
  for (let i = 0; i < n; i++) startNs[i] = Number(spans[members[i]].startTimeUnixNano - b.runStart);
  const byStart = (x: number, y: number) => startNs[x] - startNs[y] || x - y;

  // Children in CSR form, sorted by start.
  const childCount = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) if (parent[i] >= 0) childCount[parent[i] + 1]++;
  for (let i = 0; i < n; i++) childCount[i + 1] += childCount[i];
  const childStart = childCount; // now offsets
  const fill = childStart.slice(0, n);
  const children = new Int32Array(Math.max(0, childStart[n]));
  for (let i = 0; i < n; i++) if (parent[i] >= 0) children[fill[parent[i]]++] = i;
  for (let p = 0; p < n; p++) {
    const a = childStart[p];
    const z = childStart[p + 1];
    if (z - a > 1) {
      const sorted = Array.from(children.subarray(a, z)).sort(byStart);
      children.set(sorted, a);
    }
  }

  // Reachability from the roots; what is left hangs off a parent cycle.
  const visited = new Uint8Array(n);
  const roots: number[] = [];
  for (let i = 0; i < n; i++) if (parent[i] < 0) roots.push(i);
  const stack: number[] = [];
  const markFrom = (r: number) => {
    stack.push(r);
    visited[r] = 1;
    while (stack.length) {
      const u = stack.pop()!;
      for (let k = childStart[u]; k < childStart[u + 1]; k++) {
        const c = children[k];
        if (!visited[c]) {
          visited[c] = 1;
          stack.push(c);
        }
      }
    }
  };
  for (const r of roots) markFrom(r);
  const onWalk = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (visited[i]) continue;
    // Walk up until a span repeats: that span is on the cycle; cut the cycle there.
    let u = i;
    while (onWalk[u] !== i && !visited[u]) {
      onWalk[u] = i;
      u = parent[u];
    }
    if (visited[u]) continue; // cannot happen (the walk only meets unvisited spans), but be safe
    flags[u] |= SpanFlag.CycleBroken;
    const pid = spans[members[parent[u]]].spanId;
    note(u, `The parent link to ${pid} forms a cycle; it is cut here and this span is shown as a root.`);
    parent[u] = -1;
    roots.push(u);
    markFrom(u);
  }

  // Roots by start, true roots before orphans at equal start.
  roots.sort(byStart);

  const order: number[] = [];
  const pos = new Int32Array(n).fill(-1);
  const parentPos = new Int32Array(n);
  const depth = new Int32Array(n);
  const orderFlags = new Int32Array(n);
  const orderNotes: string[][] = new Array(n);
  const depthStack: number[] = [];
  for (const r of roots) {
    stack.push(r);
    depthStack.push(0);
    while (stack.length) {
      const u = stack.pop()!;
      const d = depthStack.pop()!;
      if (pos[u] >= 0) continue;
      const at = order.length;
      pos[u] = at;
      order.push(u);
      parentPos[at] = parent[u] >= 0 ? pos[parent[u]] : -1;
      depth[at] = d;
      orderFlags[at] = flags[u];
      orderNotes[at] = notes[u];
      for (let k = childStart[u + 1] - 1; k >= childStart[u]; k--) {
        const c = children[k];
        if (pos[c] < 0 && parent[c] === u) {
          stack.push(c);
          depthStack.push(d + 1);
        }
      }
    }
  }

  // Trace summary (first/positions are fixed at emission).
  let tStart: bigint | null = null;
  let tEnd: bigint | null = null;
  let errorCount = 0;
  for (let i = 0; i < n; i++) {
    const s = spans[members[i]];
    if (s.status.code === 'ERROR') errorCount++;
    if (!hasTime(s)) continue;
    if (tStart === null || s.startTimeUnixNano < tStart) tStart = s.startTimeUnixNano;
    const e = s.endTimeUnixNano ?? s.startTimeUnixNano;
    if (tEnd === null || e > tEnd) tEnd = e;
  }
  const trueRoots = roots.filter((r) => !(flags[r] & (SpanFlag.Orphan | SpanFlag.CycleBroken)));
  const head = spans[members[trueRoots[0] ?? roots[0]]];
  const dto: TraceDto = {
    traceId,
    first: 0,
    count: n,
    startNs: tStart === null ? 0 : Number(tStart - b.runStart),
    endNs: tEnd === null ? 0 : Number(tEnd - b.runStart),
    rootName: head ? head.name : '',
    rootService: head ? serviceOf(head.resource) : '',
    rootCount: roots.length,
    errorCount,
    orphaned: trueRoots.length === 0 && roots.some((r) => flags[r] & SpanFlag.Orphan) ? true : false,
  };
  return { dto, order: order.map((u) => members[u]), parentPos, depth, flags: orderFlags, notes: orderNotes, timed: tStart !== null };
}

function serviceOf(resource: Attributes): string {
  const v = resource['service.name'];
  return typeof v === 'string' ? v : '';
}

class DtoBuilder {
  runStart = 0n;
  readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  readonly cols: RunDto['spans'] = {
    spanId: [],
    parent: [],
    depth: [],
    start: [],
    end: [],
    name: [],
    service: [],
    kind: [],
    flags: [],
    statusMessage: [],
    attrStart: [0],
    eventStart: [0],
    linkStart: [0],
    resource: [],
    scope: [],
    location: [],
    srcIndex: [],
  };
  /**
   * Attribute pools per owner, so each owner's offsets stay contiguous; `finish()` concatenates
   * them into `RunDto.attrs` (spans, then events, links, resources) and shifts the offsets.
   */
  private readonly pools = {
    span: newAttrPool(),
    event: newAttrPool(),
    link: newAttrPool(),
    resource: newAttrPool(),
  };
  readonly events: RunDto['events'] = { time: [], name: [], attrStart: [0] };
  readonly links: RunDto['links'] = { traceId: [], spanId: [], attrStart: [0] };
  readonly resourceAttrStart: number[] = [0];
  private readonly resourceByObject = new Map<Attributes, number>();
  private readonly resourceByText = new Map<string, number>();
  private readonly resourceService: number[] = [];
  readonly locations: LocationDto[] = [];
  private readonly locationIndex = new Map<string, number>();
  readonly notes: RunDto['notes'] = { span: [], text: [] };
  private readonly sensitiveVerdicts = new Map<number, boolean>();

  constructor(private readonly maxValueLength: number) {}

  /** The one attribute pool of the DTO; shifts the event/link/resource offsets into it. Call once. */
  finish(): RunDto['attrs'] {
    const out = newAttrPool();
    const append = (pool: RunDto['attrs'], offsets: number[]) => {
      const base = out.key.length;
      for (let k = 0; k < offsets.length; k++) offsets[k] += base;
      for (let k = 0; k < pool.key.length; k++) {
        out.key.push(pool.key[k]);
        out.value.push(pool.value[k]);
        out.flags.push(pool.flags[k]);
      }
    };
    append(this.pools.span, this.cols.attrStart);
    append(this.pools.event, this.events.attrStart);
    append(this.pools.link, this.links.attrStart);
    append(this.pools.resource, this.resourceAttrStart);
    return out;
  }

  get spanCount(): number {
    return this.cols.spanId.length;
  }

  intern(s: string): number {
    let i = this.stringIndex.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.stringIndex.set(s, i);
    }
    return i;
  }

  emitTrace(spans: readonly Span[], t: TraceOrder): void {
    const base = this.spanCount;
    const c = this.cols;
    const trace = t.dto;
    const traceEnd = BigInt(trace.endNs) + this.runStart;
    for (let at = 0; at < t.order.length; at++) {
      const srcIndex = t.order[at];
      const s = spans[srcIndex];
      const idx = this.spanCount;
      let flags = t.flags[at];
      let notes = t.notes[at];
      if (notes === NO_NOTES) notes = [];
      if (s.status.code === 'ERROR') flags |= SpanFlag.Error;
      else if (s.status.code === 'OK') flags |= SpanFlag.StatusOk;
      const timed = hasTime(s);
      if (!timed) flags |= SpanFlag.NoTime;
      let end = s.endTimeUnixNano;
      if (end === null) {
        flags |= SpanFlag.Unended;
        end = traceEnd > s.startTimeUnixNano ? traceEnd : s.startTimeUnixNano;
        if (timed) notes.push('This span was started and never ended; its bar runs to the end of the trace.');
      }
      c.spanId.push(s.spanId);
      c.parent.push(t.parentPos[at] >= 0 ? base + t.parentPos[at] : -1);
      c.depth.push(t.depth[at]);
      c.start.push(timed ? Number(s.startTimeUnixNano - this.runStart) : trace.startNs);
      c.end.push(timed ? Number(end - this.runStart) : trace.startNs);
      c.name.push(this.intern(s.name));
      c.kind.push(Math.max(0, SPAN_KIND_NAMES.indexOf(s.kind)));
      c.flags.push(flags);
      c.statusMessage.push(s.status.message ? this.intern(s.status.message) : -1);
      this.pushAttrs(this.pools.span, s.attributes, notes, 'attributes');
      c.attrStart.push(this.pools.span.key.length);
      for (const e of s.events) {
        this.events.time.push(timed ? Number(e.timeUnixNano - this.runStart) : trace.startNs);
        this.events.name.push(this.intern(e.name));
        this.pushAttrs(this.pools.event, e.attributes, notes, `event ${e.name}`);
        this.events.attrStart.push(this.pools.event.key.length);
      }
      c.eventStart.push(this.events.name.length);
      for (const l of s.links) {
        this.links.traceId.push(l.traceId);
        this.links.spanId.push(l.spanId);
        this.pushAttrs(this.pools.link, l.attributes, notes, 'link');
        this.links.attrStart.push(this.pools.link.key.length);
      }
      c.linkStart.push(this.links.spanId.length);
      const r = this.resource(s.resource, notes);
      c.resource.push(r);
      c.service.push(this.resourceService[r]);
      c.scope.push(s.scope.name ? this.intern(s.scope.version ? `${s.scope.name} ${s.scope.version}` : s.scope.name) : -1);
      c.location.push(s.location ? this.location(s.location) : -1);
      c.srcIndex.push(srcIndex);

      if (s.parentIsRemote) notes.push('The parent span is in another process (remote parent).');
      if (s.droppedAttributesCount) notes.push(`${s.droppedAttributesCount} attributes were dropped by the SDK.`);
      if (s.droppedEventsCount) notes.push(`${s.droppedEventsCount} events were dropped by the SDK.`);
      if (s.droppedLinksCount) notes.push(`${s.droppedLinksCount} links were dropped by the SDK.`);
      if (s.unknown?.length) notes.push(`The output format does not show: ${s.unknown.join(', ')}.`);
      for (const l of s.lossy ?? []) notes.push(`${l.path}: ${l.reason}`);
      for (const text of notes) {
        this.notes.span.push(idx);
        this.notes.text.push(this.intern(text));
      }
    }
    markCriticalPath(this.cols, base, this.spanCount);
  }

  private pushAttrs(pool: RunDto['attrs'], attributes: Attributes, notes: string[], where: string): void {
    // for-in over the plain attribute object: no keys array per span.
    for (const key in attributes) {
      const value = attributes[key];
      const type = valueType(value);
      let shown = typeof value === 'string' ? value : displayValue(value)[1];
      if (shown.length > this.maxValueLength) {
        notes.push(`${where} ${key}: value cut to ${this.maxValueLength} of ${shown.length} characters.`);
        shown = shown.slice(0, this.maxValueLength) + '…';
      }
      const k = this.intern(key);
      const v = this.intern(shown);
      pool.key.push(k);
      pool.value.push(v);
      pool.flags.push(type | (this.sensitive(k, v, key, value) ? AttrFlag.Sensitive : 0));
    }
  }

  /** isSensitive, remembered per (key, value text): the same pairs repeat across spans. */
  private sensitive(k: number, v: number, key: string, value: AttributeValue): boolean {
    if (Array.isArray(value) || k >= 2 ** 26 || v >= 2 ** 26) return isSensitive(key, value);
    const id = k * 2 ** 26 + v;
    let verdict = this.sensitiveVerdicts.get(id);
    if (verdict === undefined) {
      verdict = isSensitive(key, value);
      this.sensitiveVerdicts.set(id, verdict);
    }
    return verdict;
  }

  private resource(resource: Attributes, notes: string[]): number {
    let r = this.resourceByObject.get(resource);
    if (r !== undefined) return r;
    const text = stableText(resource);
    r = this.resourceByText.get(text);
    if (r === undefined) {
      r = this.resourceService.length;
      this.pushAttrs(this.pools.resource, resource, notes, 'resource');
      this.resourceAttrStart.push(this.pools.resource.key.length);
      this.resourceService.push(this.intern(serviceOf(resource)));
      this.resourceByText.set(text, r);
    }
    this.resourceByObject.set(resource, r);
    return r;
  }

  private location(l: NonNullable<Span['location']>): number {
    const key = `${l.file}\0${l.line}\0${l.column}\0${l.function ?? ''}`;
    let i = this.locationIndex.get(key);
    if (i === undefined) {
      i = this.locations.length;
      const dto: LocationDto = { file: l.file, line: l.line, column: l.column };
      if (l.function !== undefined) dto.function = l.function;
      this.locations.push(dto);
      this.locationIndex.set(key, i);
    }
    return i;
  }
}

function newAttrPool(): RunDto['attrs'] {
  return { key: [], value: [], flags: [] };
}

function valueType(value: AttributeValue): number {
  if (value === null) return AttrType.Null;
  switch (typeof value) {
    case 'string':
      return AttrType.String;
    case 'number':
      return AttrType.Number;
    case 'boolean':
      return AttrType.Boolean;
    case 'bigint':
      return AttrType.BigInt;
    default:
      return Array.isArray(value) ? AttrType.Array : AttrType.String;
  }
}

/** The attribute's type code and its text as the detail pane shows it. */
export function displayValue(value: AttributeValue): [number, string] {
  if (value === null) return [AttrType.Null, 'null'];
  if (Array.isArray(value)) {
    return [AttrType.Array, `[${value.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(', ')}]`];
  }
  switch (typeof value) {
    case 'string':
      return [AttrType.String, value];
    case 'number':
      return [AttrType.Number, String(value)];
    case 'boolean':
      return [AttrType.Boolean, String(value)];
    case 'bigint':
      return [AttrType.BigInt, value.toString()];
    default:
      return [AttrType.String, String(value)];
  }
}

function stableText(attrs: Attributes): string {
  const keys = Object.keys(attrs).sort();
  return keys.map((k) => `${k}\0${displayValue(attrs[k])[1]}`).join('\u0001');
}

/**
 * Marks the critical path of every root in `[from, to)`: the chain of spans that determines the
 * end of each root, walking back from the root's end through the last-finishing child, then the
 * child that finished last before that one started, and so on (jaeger-ui's approach). Children
 * that outlive their parent are clamped to its end.
 */
export function markCriticalPath(c: RunDto['spans'], from: number, to: number): void {
  const n = to - from;
  // Children lists from the pre-order parent column.
  const count = new Int32Array(n + 1);
  for (let i = from; i < to; i++) if (c.parent[i] >= 0) count[c.parent[i] - from + 1]++;
  for (let i = 0; i < n; i++) count[i + 1] += count[i];
  const fill = count.slice(0, n);
  const kids = new Int32Array(count[n]);
  for (let i = from; i < to; i++) if (c.parent[i] >= 0) kids[fill[c.parent[i] - from]++] = i;

  const stack: number[] = [];
  for (let i = from; i < to; i++) if (c.parent[i] < 0 && !(c.flags[i] & SpanFlag.NoTime)) stack.push(i);
  while (stack.length) {
    const u = stack.pop()!;
    c.flags[u] |= SpanFlag.Critical;
    const a = count[u - from];
    const z = count[u - from + 1];
    if (a === z) continue;
    const uEnd = c.end[u];
    const cand = Array.from(kids.subarray(a, z)).filter((k) => !(c.flags[k] & SpanFlag.NoTime));
    cand.sort((x, y) => Math.min(c.end[y], uEnd) - Math.min(c.end[x], uEnd));
    let cursor = uEnd;
    for (const k of cand) {
      const kEnd = Math.min(c.end[k], uEnd);
      if (kEnd <= cursor && c.start[k] < cursor) {
        stack.push(k);
        cursor = c.start[k];
      }
    }
  }
}
