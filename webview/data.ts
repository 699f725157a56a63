/**
 * Read access to a `RunDto`: the columns stay as they arrived; this adds the few derived arrays
 * the view needs (subtree ends, trace of each span) and decodes one span's details on demand.
 */

import { AttrFlag, AttrType, RUN_DTO_VERSION, SPAN_KIND_NAMES, SpanFlag, type LocationDto, type RunDto } from '../src/protocol';
import { subtreeEnds } from './layout';

export interface AttrView {
  key: string;
  value: string;
  type: number;
  sensitive: boolean;
}

export interface EventView {
  name: string;
  time: number;
  attrs: AttrView[];
}

export interface LinkView {
  traceId: string;
  spanId: string;
  /** Index of the linked span when it is in this run, else -1. */
  target: number;
  attrs: AttrView[];
}

export interface SpanDetail {
  index: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  service: string;
  kind: string;
  flags: number;
  start: number;
  end: number;
  statusMessage: string | null;
  attrs: AttrView[];
  events: EventView[];
  links: LinkView[];
  resource: AttrView[];
  scope: string | null;
  location: LocationDto | null;
  notes: string[];
}

/** Checks the shape enough that a wrong or truncated payload shows a message instead of a broken view. */
export function validateRun(run: unknown): string | null {
  if (!run || typeof run !== 'object') return 'No run data.';
  const r = run as Partial<RunDto>;
  if (r.version !== RUN_DTO_VERSION) return `Unsupported run data version ${String(r.version)}.`;
  if (!Array.isArray(r.strings) || !Array.isArray(r.traces) || !r.spans || !Array.isArray(r.spans.spanId)) {
    return 'The run data is incomplete.';
  }
  const n = r.spans.spanId.length;
  for (const k of Object.keys(r.spans) as (keyof RunDto['spans'])[]) {
    const col = r.spans[k];
    const want = k.endsWith('Start') ? n + 1 : n;
    if (!Array.isArray(col) || col.length !== want) return `The run data is inconsistent (${k}).`;
  }
  return null;
}

export class RunView {
  readonly n: number;
  readonly subtreeEnd: Int32Array;
  /** Trace index of each span. */
  readonly traceOf: Int32Array;
  private notesBySpan: Map<number, number[]> | null = null;
  private idIndex: Map<string, number> | null = null;

  constructor(readonly run: RunDto) {
    this.n = run.spans.spanId.length;
    this.subtreeEnd = new Int32Array(this.n);
    this.traceOf = new Int32Array(this.n);
    run.traces.forEach((t, ti) => {
      subtreeEnds(run.spans.parent, t.first, t.first + t.count, this.subtreeEnd);
      this.traceOf.fill(ti, t.first, t.first + t.count);
    });
  }

  str(i: number): string {
    return i >= 0 ? this.run.strings[i] ?? '' : '';
  }

  name(i: number): string {
    return this.str(this.run.spans.name[i]);
  }

  service(i: number): string {
    return this.str(this.run.spans.service[i]);
  }

  flags(i: number): number {
    return this.run.spans.flags[i];
  }

  hasChildren(i: number): boolean {
    return this.subtreeEnd[i] > i + 1;
  }

  duration(i: number): number {
    return this.run.spans.end[i] - this.run.spans.start[i];
  }

  /** Span index of `spanId` (in `traceId` when given), or -1. */
  find(spanId: string, traceId?: string): number {
    if (traceId !== undefined) {
      const t = this.run.traces.find((x) => x.traceId === traceId);
      if (!t) return -1;
      const ids = this.run.spans.spanId;
      for (let i = t.first; i < t.first + t.count; i++) if (ids[i] === spanId) return i;
      return -1;
    }
    if (!this.idIndex) {
      this.idIndex = new Map();
      const ids = this.run.spans.spanId;
      for (let i = ids.length - 1; i >= 0; i--) this.idIndex.set(ids[i], i);
    }
    return this.idIndex.get(spanId) ?? -1;
  }

  private attrRange(from: number, to: number): AttrView[] {
    const out: AttrView[] = [];
    const a = this.run.attrs;
    for (let k = from; k < to; k++) {
      out.push({
        key: this.str(a.key[k]),
        value: this.str(a.value[k]),
        type: a.flags[k] & AttrFlag.TypeMask,
        sensitive: (a.flags[k] & AttrFlag.Sensitive) !== 0,
      });
    }
    return out;
  }

  detail(i: number): SpanDetail {
    const r = this.run;
    const s = r.spans;
    const trace = r.traces[this.traceOf[i]];
    const events: EventView[] = [];
    for (let e = s.eventStart[i]; e < s.eventStart[i + 1]; e++) {
      events.push({
        name: this.str(r.events.name[e]),
        time: r.events.time[e],
        attrs: this.attrRange(r.events.attrStart[e], r.events.attrStart[e + 1]),
      });
    }
    const links: LinkView[] = [];
    for (let l = s.linkStart[i]; l < s.linkStart[i + 1]; l++) {
      const traceId = r.links.traceId[l];
      const spanId = r.links.spanId[l];
      links.push({
        traceId,
        spanId,
        target: this.find(spanId, traceId),
        attrs: this.attrRange(r.links.attrStart[l], r.links.attrStart[l + 1]),
      });
    }
    const res = s.resource[i];
    if (!this.notesBySpan) {
      this.notesBySpan = new Map();
      r.notes.span.forEach((sp, k) => {
        const list = this.notesBySpan!.get(sp);
        if (list) list.push(r.notes.text[k]);
        else this.notesBySpan!.set(sp, [r.notes.text[k]]);
      });
    }
    const p = s.parent[i];
    return {
      index: i,
      traceId: trace ? trace.traceId : '',
      spanId: s.spanId[i],
      parentSpanId: p >= 0 ? s.spanId[p] : null,
      name: this.name(i),
      service: this.service(i),
      kind: SPAN_KIND_NAMES[s.kind[i]] ?? 'INTERNAL',
      flags: s.flags[i],
      start: s.start[i],
      end: s.end[i],
      statusMessage: s.statusMessage[i] >= 0 ? this.str(s.statusMessage[i]) : null,
      attrs: this.attrRange(s.attrStart[i], s.attrStart[i + 1]),
      events,
      links,
      resource: res >= 0 ? this.attrRange(r.resourceAttrStart[res], r.resourceAttrStart[res + 1]) : [],
      scope: s.scope[i] >= 0 ? this.str(s.scope[i]) : null,
      location: s.location[i] >= 0 ? r.locations[s.location[i]] ?? null : null,
      notes: (this.notesBySpan.get(i) ?? []).map((t) => this.str(t)),
    };
  }
}

export { AttrType, SpanFlag };
