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
  const builder = new RunDtoBuilder(options);
  builder.sync(input);
  return builder.build(options, false);
}

/** The per-run parts of the DTO that may change between two views of one live run. */
export type RunDtoHeader = Pick<BuildRunDtoOptions, 'runId' | 'title' | 'checks' | 'live' | 'canRerun'>;

/**
 * The waterfall's DTO for a run that grows: a live run publishes all its complete traces so far
 * every ~250 ms, and rebuilding a million spans each time would stall the extension host. Each
 * trace is flattened and written into the columns once, when it arrives; `build` then only copies
 * the columns out. The result equals `buildRunDto` of all spans so far.
 *
 * Traces are appended in place when they keep the DTO's order (a trace that starts no earlier
 * than the last one, with a trace id not seen yet) — what a live run nearly always sends. A trace
 * that would land earlier, or a trace that completes again with late spans, rebuilds once from
 * the spans held (same result, just slower).
 */
export class RunDtoBuilder {
  private readonly maxSpans: number;
  private readonly maxValueLength: number;
  /** The spans the columns are built from, in input order (at most maxSpans). */
  private spans: Span[] = [];
  private dropped = 0;
  private b: DtoBuilder;
  private readonly traceIds = new Set<string>();
  private readonly dtos: TraceDto[] = [];
  /** Start of the last timed trace written (ns from the run start); -1 before any. */
  private lastStartNs = -1;
  /** A trace without times was written: it sorts last, so nothing timed may follow in place. */
  private untimedWritten = false;
  /** How many times the columns were built from scratch (the first build counts). */
  rebuilds = 0;

  constructor(options: Pick<BuildRunDtoOptions, 'maxSpans' | 'maxValueLength'> = {}) {
    this.maxSpans = options.maxSpans ?? DEFAULT_MAX_SPANS;
    this.maxValueLength = options.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH;
    this.b = new DtoBuilder(this.maxValueLength);
  }

  /** Spans held (after the cap). */
  get spanCount(): number {
    return this.spans.length;
  }

  /**
   * Brings the builder to `input`, the run's spans so far. When the spans held are a prefix of
   * `input` (same objects, as a live run's views are), only the rest is added; otherwise it
   * starts over from `input`.
   */
  sync(input: readonly Span[]): void {
    const held = this.spans.length + this.dropped;
    let prefix = held <= input.length;
    for (let i = 0; prefix && i < this.spans.length; i++) prefix = this.spans[i] === input[i];
    if (!prefix) {
      this.reset();
      this.appendSpans(input, 0);
    } else this.appendSpans(input, held);
  }

  /**
   * The DTO of `spans` — the same spans as held, in another order, plus any not held yet — built
   * from what is held: the finished run's view of what a live run showed. The spans not held are
   * appended, and `srcIndex` points into `spans`. Rows equal `buildRunDto(spans)` except that
   * spans with equal start times keep the order they arrived in. Undefined when a span held is
   * not in `spans` (the caller builds from scratch).
   */
  buildFor(spans: readonly Span[], header: RunDtoHeader = {}): RunDto | undefined {
    if (spans.length > this.maxSpans) return undefined;
    const index = new Map<Span, number>();
    for (let i = 0; i < spans.length; i++) index.set(spans[i], i);
    const held = this.spans;
    if (held.length > spans.length) return undefined;
    for (let i = 0; i < held.length; i++) if (!index.has(held[i])) return undefined;
    const heldSet = new Set(held);
    const rest = spans.filter((s) => !heldSet.has(s));
    if (rest.length) this.sync(held.concat(rest));
    const dto = this.build(header);
    const src = dto.spans.srcIndex;
    for (let i = 0; i < src.length; i++) src[i] = index.get(this.spans[src[i]])!;
    return dto;
  }

  /** Adds one completed trace (all its spans so far). */
  append(trace: readonly Span[]): void {
    this.appendSpans(trace, 0);
  }

  /** The DTO of everything appended. `copy` false hands out the builder's own arrays (one-shot use). */
  build(header: RunDtoHeader = {}, copy = true): RunDto {
    const b = this.b;
    const own = <T>(a: T[]): T[] => (copy ? a.slice() : a);
    const cols = {} as RunDto['spans'];
    for (const key of Object.keys(b.cols) as (keyof RunDto['spans'])[]) (cols[key] as unknown[]) = own(b.cols[key] as unknown[]);
    const { attrs, eventAttrStart, linkAttrStart, resourceAttrStart } = b.attrColumns();
    return {
      version: RUN_DTO_VERSION,
      runId: header.runId ?? '',
      title: header.title ?? '',
      startUnixNano: b.runStart.toString(),
      strings: own(b.strings),
      traces: copy ? this.dtos.map((t) => ({ ...t })) : this.dtos,
      spans: cols,
      attrs,
      events: { time: own(b.events.time), name: own(b.events.name), attrStart: eventAttrStart },
      links: { traceId: own(b.links.traceId), spanId: own(b.links.spanId), attrStart: linkAttrStart },
      resourceAttrStart,
      locations: own(b.locations),
      notes: { span: own(b.notes.span), text: own(b.notes.text) },
      droppedSpans: this.dropped,
      ...(header.checks ? { checks: header.checks } : {}),
      ...(header.live ? { live: true } : {}),
      ...(header.canRerun ? { canRerun: true } : {}),
    };
  }

  private reset(): void {
    this.spans = [];
    this.dropped = 0;
    this.b = new DtoBuilder(this.maxValueLength);
    this.traceIds.clear();
    this.dtos.length = 0;
    this.lastStartNs = -1;
    this.untimedWritten = false;
  }

  /** Adds input[from..], grouped by trace in order of first appearance. */
  private appendSpans(input: readonly Span[], from: number): void {
    const room = Math.max(0, this.maxSpans - this.spans.length);
    const to = Math.min(input.length, from + room);
    this.dropped += input.length - to;
    if (to <= from) return;
    const base = this.spans.length;
    for (let i = from; i < to; i++) this.spans.push(input[i]);
    const byTrace = new Map<string, number[]>();
    for (let i = base; i < this.spans.length; i++) {
      const id = this.spans[i].traceId;
      let list = byTrace.get(id);
      if (!list) byTrace.set(id, (list = []));
      list.push(i);
    }
    // The new traces among themselves in the DTO's order (by start, untimed last, else input
    // order); in place only when the first of them sorts after every trace written so far.
    const groups = [...byTrace.values()].map((members) => ({ members, start: this.startOf(members) }));
    groups.sort((x, y) => (x.start === null ? (y.start === null ? 0 : 1) : y.start === null ? -1 : x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
    if (base === 0 || !groups.every((g, i) => this.fitsInPlace(g.members, g.start, i === 0))) {
      this.rebuild();
      return;
    }
    for (const g of groups) this.write(flattenTrace(this.spans, this.spans[g.members[0]].traceId, g.members, this.b));
  }

  /** The earliest start of the trace's timed spans; null when none has times. */
  private startOf(members: number[]): bigint | null {
    let start: bigint | null = null;
    for (const i of members) {
      const s = this.spans[i];
      if (hasTime(s) && (start === null || s.startTimeUnixNano < start)) start = s.startTimeUnixNano;
    }
    return start;
  }

  /** True when the new trace can be written after the ones written so far with the same result as a rebuild. */
  private fitsInPlace(members: number[], start: bigint | null, first: boolean): boolean {
    if (this.traceIds.has(this.spans[members[0]].traceId)) return false;
    if (start === null || !first) return true; // untimed traces go last, in input order; the rest are sorted
    if (this.untimedWritten || this.lastStartNs < 0 || start < this.b.runStart) return false;
    return Number(start - this.b.runStart) >= this.lastStartNs;
  }

  private write(t: TraceOrder): void {
    t.dto.first = this.b.spanCount;
    this.b.emitTrace(this.spans, t);
    this.dtos.push(t.dto);
    this.traceIds.add(t.dto.traceId);
    if (t.timed) this.lastStartNs = Math.max(this.lastStartNs, t.dto.startNs);
    else this.untimedWritten = true;
  }

  /** Everything held, from scratch: the one full build. */
  private rebuild(): void {
    this.rebuilds++;
    const spans = this.spans;
    const dropped = this.dropped;
    this.reset();
    this.spans = spans;
    this.dropped = dropped;
    const b = this.b;
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
    // Traces by start; traces with no times at all keep their input order at the end. Each is
    // flattened just before it is written, so its working arrays die young.
    const groups = [...byTrace.values()].map((members) => ({ members, start: this.startOf(members) }));
    groups.sort((x, y) => (x.start === null ? (y.start === null ? 0 : 1) : y.start === null ? -1 : x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
    for (const g of groups) this.write(flattenTrace(spans, spans[g.members[0]].traceId, g.members, b));
  }
}

const NO_NOTES: string[] = [];

function hasTime(s: Span): boolean {
  return !s.unknown?.includes('time');
}

/** One trace in pre-order, with each position's parent position, depth, flags, notes and times. */
interface TraceOrder {
  dto: TraceDto;
  /** Input span indices in pre-order. */
  order: Int32Array;
  parentPos: Int32Array;
  depth: Int32Array;
  flags: Int32Array;
  notes: string[][];
  /** Start and end (the trace end when unended), ns from the run start, by pre-order position. */
  start: Float64Array;
  end: Float64Array;
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

  // Times as numbers relative to the run (exact below 2^53 ns), converted from bigint once per
  // span: they sort much faster than bigints and the columns need them anyway.
  const startNs = new Float64Array(n);
  const endNs = new Float64Array(n);
  const ended = new Uint8Array(n);
  const timedSpan = new Uint8Array(n);
  let tStart = Infinity;
  let tEnd = -Infinity;
  let errorCount = 0;
  for (let i = 0; i < n; i++) {
    const s = spans[members[i]];
    const start = Number(s.startTimeUnixNano - b.runStart);
    startNs[i] = start;
    if (s.endTimeUnixNano !== null) {
      endNs[i] = Number(s.endTimeUnixNano - b.runStart);
      ended[i] = 1;
    }
    if (s.status.code === 'ERROR') errorCount++;
    if (!hasTime(s)) continue;
    timedSpan[i] = 1;
    if (start < tStart) tStart = start;
    const e = ended[i] ? endNs[i] : start;
    if (e > tEnd) tEnd = e;
  }
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
    if (z - a > 1) children.subarray(a, z).sort(byStart);
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

  const order = new Int32Array(n);
  let placed = 0;
  const pos = new Int32Array(n).fill(-1);
  const parentPos = new Int32Array(n);
  const depth = new Int32Array(n);
  const orderFlags = new Int32Array(n);
  const orderNotes: string[][] = new Array(n);
  const orderStart = new Float64Array(n);
  const orderEnd = new Float64Array(n);
  const depthStack: number[] = [];
  for (const r of roots) {
    stack.push(r);
    depthStack.push(0);
    while (stack.length) {
      const u = stack.pop()!;
      const d = depthStack.pop()!;
      if (pos[u] >= 0) continue;
      const at = placed++;
      pos[u] = at;
      order[at] = members[u];
      parentPos[at] = parent[u] >= 0 ? pos[parent[u]] : -1;
      depth[at] = d;
      orderFlags[at] = flags[u];
      orderNotes[at] = notes[u];
      // An unended span's bar runs to the end of the trace (or its own start, if later).
      const traceEnd = tEnd === -Infinity ? 0 : tEnd;
      orderStart[at] = startNs[u];
      orderEnd[at] = ended[u] ? endNs[u] : traceEnd > startNs[u] ? traceEnd : startNs[u];
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
  const timed = tStart !== Infinity;
  const trueRoots = roots.filter((r) => !(flags[r] & (SpanFlag.Orphan | SpanFlag.CycleBroken)));
  const head = spans[members[trueRoots[0] ?? roots[0]]];
  const dto: TraceDto = {
    traceId,
    first: 0,
    count: n,
    startNs: timed ? tStart : 0,
    endNs: timed ? tEnd : 0,
    rootName: head ? head.name : '',
    rootService: head ? serviceOf(head.resource) : '',
    rootCount: roots.length,
    errorCount,
    orphaned: trueRoots.length === 0 && roots.some((r) => flags[r] & SpanFlag.Orphan) ? true : false,
  };
  return { dto, order, parentPos, depth, flags: orderFlags, notes: orderNotes, start: orderStart, end: orderEnd, timed };
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
  readonly pools = {
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
  private readonly scratchNotes: string[] = [];

  constructor(private readonly maxValueLength: number) {}

  /**
   * The one attribute pool of the DTO (spans, then events, links, resources) and the event, link
   * and resource offsets shifted into it. New arrays: the builder's own stay as they are.
   */
  attrColumns(): { attrs: RunDto['attrs']; eventAttrStart: number[]; linkAttrStart: number[]; resourceAttrStart: number[] } {
    const { span, event, link, resource } = this.pools;
    const shift = (offsets: number[], by: number) => (by ? offsets.map((o) => o + by) : offsets.slice());
    return {
      attrs: {
        key: span.key.concat(event.key, link.key, resource.key),
        value: span.value.concat(event.value, link.value, resource.value),
        flags: span.flags.concat(event.flags, link.flags, resource.flags),
      },
      eventAttrStart: shift(this.events.attrStart, span.key.length),
      linkAttrStart: shift(this.links.attrStart, span.key.length + event.key.length),
      resourceAttrStart: shift(this.resourceAttrStart, span.key.length + event.key.length + link.key.length),
    };
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
    // One scratch list for the span's notes, refilled per span: no array per span.
    const notes = this.scratchNotes;
    for (let at = 0; at < t.order.length; at++) {
      const srcIndex = t.order[at];
      const s = spans[srcIndex];
      const idx = this.spanCount;
      let flags = t.flags[at];
      notes.length = 0;
      const pending = t.notes[at];
      for (let k = 0; k < pending.length; k++) notes.push(pending[k]);
      if (s.status.code === 'ERROR') flags |= SpanFlag.Error;
      else if (s.status.code === 'OK') flags |= SpanFlag.StatusOk;
      const timed = hasTime(s);
      if (!timed) flags |= SpanFlag.NoTime;
      if (s.endTimeUnixNano === null) {
        flags |= SpanFlag.Unended;
        if (timed) notes.push('This span was started and never ended; its bar runs to the end of the trace.');
      }
      c.spanId.push(s.spanId);
      c.parent.push(t.parentPos[at] >= 0 ? base + t.parentPos[at] : -1);
      c.depth.push(t.depth[at]);
      c.start.push(timed ? t.start[at] : trace.startNs);
      c.end.push(timed ? t.end[at] : trace.startNs);
      c.name.push(this.intern(s.name));
      c.kind.push(KIND_INDEX.get(s.kind) ?? 0);
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
      let shown = typeof value === 'string' ? value : value === null || Array.isArray(value) ? displayValue(value)[1] : String(value);
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
    // Numbers of fewer than 13 digits, booleans and null are never secrets (see sensitiveKind):
    // answered here, they do not fill the cache with one entry per distinct id or count.
    if (value === null || typeof value === 'boolean' || (typeof value === 'number' && value < 1e12 && value > -1e12)) return false;
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

const KIND_INDEX = new Map(SPAN_KIND_NAMES.map((name, i) => [name, i]));

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
  // Children by (clamped) end, latest first, earlier rows first at equal ends. One comparator
  // for all spans; it reads the parent's end from `uEnd`.
  let uEnd = 0;
  const byEndDesc = (x: number, y: number) => Math.min(c.end[y], uEnd) - Math.min(c.end[x], uEnd) || x - y;
  while (stack.length) {
    const u = stack.pop()!;
    c.flags[u] |= SpanFlag.Critical;
    const a = count[u - from];
    const z = count[u - from + 1];
    if (a === z) continue;
    uEnd = c.end[u];
    const cand = kids.subarray(a, z).sort(byEndDesc);
    let cursor = uEnd;
    for (const k of cand) {
      if (c.flags[k] & SpanFlag.NoTime) continue;
      const kEnd = Math.min(c.end[k], uEnd);
      if (kEnd <= cursor && c.start[k] < cursor) {
        stack.push(k);
        cursor = c.start[k];
      }
    }
  }
}
