/**
 * The span stack: spans rebuilt from the paths lines print, matched against the spans still open;
 * ids synthesised in order of appearance.
 */
import { type Attributes, type FormatName, type LossyField, type SourceLocation, type Span, type SpanEvent, type UnknownField, NO_LINKS, statusOf } from '../../model';
import type { Sink } from '../types';
import type { Segment } from './fmtLine';

export interface Open {
  seq: number;
  name: string;
  fields: string;
  map?: Map<string, string>;
  obj?: { [k: string]: unknown };
  attributes: Attributes;
  parent: Open | null;
  /** The root of the span's tree (its trace). */
  root: Open | null;
  /** The synthetic span id, once made. */
  id: string | undefined;
  /** The synthetic trace id, on a root, once made. */
  traceId: string | undefined;
  /** JSON `new` lines show the thread's current stack, which is not the parent when one was given explicitly. */
  parentUncertain: boolean;
  /** Open children by name. */
  kids: Map<string, OpenList> | null;
  /** Its place in the live list, in its name's list, in its siblings' list (-1: not in it). */
  liveAt: number;
  nameAt: number;
  siblingAt: number;
  /** How many children are open (a span cannot close while it has any). */
  openKids: number;
  events: SpanEvent[];
  /** Exact start (FmtSpan::NEW line). */
  start: bigint | null;
  /** Earliest time the span is known to have existed (first line it appears on, children's starts). */
  first: bigint | null;
  last: bigint | null;
  thread: string | undefined;
  target: string | undefined;
  location: SourceLocation | undefined;
  firstLine: number;
  lastLine: number;
  lossy: LossyField[] | null;
}

/** The span a path or a close line names: whether others matched as well, whether it was created for it. */
interface Found {
  span: Open;
  ambiguous: number;
  created: boolean;
}

/** How well an open span matches a printed segment: 2 the same fields, 1 fields recorded since, 0 not it. */
type Compat = (o: Open, seg: Segment) => number;

/**
 * What tracing never shows, plus scope (no target printed), time (no close line) and parent (a JSON
 * `new` line's stack): one frozen list per combination, indexed by those three bits, shared by the
 * spans that have it (100k spans, 8 lists).
 */
const UNKNOWN_SETS: readonly UnknownField[][] = Array.from({ length: 8 }, (_, bits) => {
  const u: UnknownField[] = ['ids', 'kind', 'status', 'links', 'resource'];
  if (bits & 1) u.push('scope');
  if (bits & 2) u.push('time');
  if (bits & 4) u.push('parent');
  return Object.freeze(u) as UnknownField[];
});
/** tracing has no links, status or resource: every span shares these frozen values. */
const NO_RESOURCE = Object.freeze({}) as Attributes;
const UNSET_STATUS = statusOf('UNSET', null);

export const enum Use {
  Event,
  Close,
  Other,
}

/** The last span of a name that closed: to notice another printed alike that was open at the same time. */
interface Twin {
  fields: string;
  parent: Open | null;
  end: bigint | null;
}

/**
 * The open spans of one output, keyed by their place in the tree. Matching a printed path walks it
 * from the root; at each level, among the open children with the segment's name and compatible
 * fields, the one on the line's thread wins, then the most recent. When that still leaves a
 * choice, the span picked carries a lossy note instead of a silent guess.
 */
export class SpanTracker {
  private seq = 0;
  private readonly roots = new Map<string, OpenList>();
  /** Every open span by name, in creation order. */
  private readonly byName = new Map<string, OpenList>();
  /** How many open spans have an uncertain parent (JSON `new` lines), to skip adoption when none. */
  private uncertain = 0;
  private live: OpenList | null = null;
  private readonly lastClosed = new Map<string, Twin>();
  private readonly scopes = new Map<string, Span['scope']>();
  /** Pads (prefix and zeros) for ids, by width and digit count. */
  private readonly idPads = new Map<number, string>();
  /** What resolve/locate return: one object refilled by each call (read it before the next). */
  private readonly found: Found = { span: null as unknown as Open, ambiguous: 0, created: false };
  /** How many candidates the last pick found equally good. */
  private pickTies = 0;
  sawClose = false;
  sawNew = false;

  constructor(
    private readonly sink: Sink,
    private readonly format: FormatName,
    private readonly idPrefix: string,
    private readonly compat: Compat,
    private readonly decode: (seg: Segment) => { attrs: Attributes; lossy?: string[] },
  ) {}

  isOpenName(name: string): boolean {
    return (this.byName.get(name)?.size ?? 0) > 0;
  }

  /** The open children of `parent` (roots when null) named `name`, oldest first. */
  openChildren(parent: Open | null, name: string): readonly Open[] {
    return (parent ? parent.kids : this.roots)?.get(name)?.members() ?? [];
  }

  private create(seg: Segment, parent: Open | null, time: bigint | null, thread: string | undefined, lineNo: number): Open {
    const d = this.decode(seg);
    const o: Open = {
      seq: ++this.seq,
      name: seg.name,
      fields: seg.fields,
      map: seg.map,
      obj: seg.obj,
      attributes: d.attrs,
      parent: null,
      root: null,
      id: undefined,
      traceId: undefined,
      parentUncertain: false,
      kids: null,
      liveAt: -1,
      nameAt: -1,
      siblingAt: -1,
      openKids: 0,
      events: [],
      start: null,
      first: time,
      last: time,
      thread,
      target: undefined,
      location: undefined,
      firstLine: lineNo,
      lastLine: lineNo,
      lossy: null,
    };
    if (d.lossy) for (const key of d.lossy) this.note(o, `attributes.${key}`, 'a non-finite float (NaN or ±Infinity) is printed as null');
    this.attach(o, parent);
    addTo(this.byName, seg.name, Slot.Name, o);
    if (this.live) this.live.add(o);
    else this.live = new OpenList(Slot.Live, o);
    return o;
  }

  private attach(o: Open, parent: Open | null): void {
    o.parent = parent;
    o.root = parent ? parent.root : o;
    if (parent) parent.openKids++;
    addTo(parent ? (parent.kids ??= new Map()) : this.roots, o.name, Slot.Sibling, o);
  }

  private detach(o: Open): void {
    const level = o.parent ? o.parent.kids : this.roots;
    level?.get(o.name)?.delete(o);
    if (o.parent) o.parent.openKids--;
  }

  private setUncertain(o: Open, v: boolean): void {
    if (o.parentUncertain !== v) this.uncertain += v ? 1 : -1;
    o.parentUncertain = v;
  }

  private note(o: Open, path: string, reason: string): void {
    (o.lossy ??= []).push({ path, reason });
  }

  private refresh(o: Open, seg: Segment): void {
    // Fields recorded since creation (Span::record): the longer text is the newer one.
    o.fields = seg.fields;
    o.map = seg.map;
    o.obj = seg.obj;
    o.attributes = this.decode(seg).attrs;
  }

  /** The open child of `parent` (or root) a segment names, or null when none can be it. */
  private pick(parent: Open | null, seg: Segment, thread: string | undefined, leaf: boolean, use: Use): Open | null {
    this.pickTies = 0;
    const list = (parent ? parent.kids : this.roots)?.get(seg.name);
    if (!list) return null;
    let best: Open | null = null;
    let bestScore = -1;
    let ties = 0;
    let otherThreadOnly = thread !== undefined;
    const items = list.items;
    for (let i = 0; i < list.end; i++) {
      const o = items[i];
      if (!o) continue;
      const c = this.compat(o, seg);
      if (!c) continue;
      if (leaf && use === Use.Close && o.openKids) continue; // children keep a span alive
      const same = thread !== undefined && o.thread === thread;
      if (same || o.thread === undefined) otherThreadOnly = false;
      const score = (same ? 4 : 0) + c;
      if (score > bestScore) {
        bestScore = score;
        ties = 1;
      } else if (score === bestScore) ties++;
      if (score >= bestScore) best = o; // later in the list = more recent
    }
    // An event in a span of this name that is open only on other threads: concurrent work printed
    // alike, unless `new` lines show every creation (then the span moved, as async tasks do). Only
    // for the innermost span: outer ones are commonly shared by worker threads.
    if (best && otherThreadOnly && leaf && use === Use.Event && !this.sawNew) return null;
    if (best && bestScore % 4 === 1) this.refresh(best, seg);
    this.pickTies = ties;
    return best;
  }

  /** A JSON span created with an uncertain parent, now seen under `parent`: move it there. */
  private adopt(parent: Open | null, seg: Segment, thread: string | undefined, sameThreadOnly: boolean): Open | null {
    if (!this.uncertain) return null;
    const list = this.byName.get(seg.name);
    if (!list) return null;
    // The most recent on this thread, else (unless told not to) the most recent on another.
    let same: Open | null = null;
    let other: Open | null = null;
    for (let i = 0; i < list.end; i++) {
      const o = list.items[i];
      if (!o || !o.parentUncertain || !this.compat(o, seg)) continue;
      let a = parent;
      while (a && a !== o) a = a.parent;
      if (a) continue; // would make a cycle
      if (thread !== undefined && o.thread !== undefined && o.thread !== thread) other = o;
      else same = o;
    }
    const best = same ?? (sameThreadOnly ? null : other);
    if (!best) return null;
    this.detach(best);
    this.attach(best, parent);
    this.setUncertain(best, false);
    // Its open descendants move to the new trace with it.
    const stack = [best];
    while (stack.length) {
      const o = stack.pop()!;
      if (o.kids)
        for (const list of o.kids.values())
          for (const k of list.members()) {
            k.root = best.root;
            stack.push(k);
          }
    }
    return best;
  }

  /** The open span a path names, creating those not seen before (a `new` line's last segment always). */
  resolve(path: Segment[], time: bigint | null, thread: string | undefined, lineNo: number, use: Use, newLeaf: boolean): Found {
    let parent: Open | null = null;
    let ambiguous = 0;
    let created = false;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const leaf = i === path.length - 1;
      let found: Open | null = null;
      if (!(newLeaf && leaf)) {
        found = this.pick(parent, seg, thread, leaf, use);
        const ties = this.pickTies;
        // A span created on this thread with an uncertain parent beats one from another thread.
        const adopted: Open | null = !found || (thread !== undefined && found.thread !== thread) ? this.adopt(parent, seg, thread, found !== null) : null;
        if (adopted) found = adopted;
        else if (found) {
          this.setUncertain(found, false);
          if (ties > 1) ambiguous = Math.max(ambiguous, ties);
        }
      }
      created = !found;
      // A line's thread is the innermost span's; outer spans are often shared by several threads.
      if (!found) found = this.create(seg, parent, time, leaf ? thread : undefined, lineNo);
      else if (leaf && found.thread === undefined) found.thread = thread;
      this.seen(found, time, lineNo);
      parent = found;
    }
    return this.answer(parent!, ambiguous, created);
  }

  private answer(span: Open, ambiguous: number, created: boolean): Found {
    const f = this.found;
    f.span = span;
    f.ambiguous = ambiguous;
    f.created = created;
    return f;
  }

  private seen(o: Open, time: bigint | null, lineNo: number): void {
    if (time !== null) {
      if (o.last === null || time > o.last) o.last = time;
      if (o.first === null || time < o.first) o.first = time;
    }
    o.lastLine = lineNo;
  }

  /**
   * JSON close/enter/exit lines: `span` is the span, but `spans` is the thread's current stack, not
   * its ancestry. Find it among all open spans (same thread first, then one whose ancestry `spans`
   * matches), or create it under `spans`.
   */
  locate(stack: Segment[], seg: Segment, time: bigint | null, thread: string | undefined, lineNo: number, use: Use): Found {
    const list = this.byName.get(seg.name);
    let best: Open | null = null;
    let bestScore = -1;
    let ties = 0;
    if (list) {
      const items = list.items;
      for (let i = 0; i < list.end; i++) {
        const o = items[i];
        if (!o) continue;
        const c = this.compat(o, seg);
        if (!c) continue;
        if (use === Use.Close && o.openKids) continue;
        let score = c + (thread !== undefined && o.thread === thread ? 8 : 0);
        if (ancestryIs(o, stack)) score += 4;
        if (score > bestScore) {
          bestScore = score;
          ties = 1;
        } else if (score === bestScore) ties++;
        if (score >= bestScore) best = o;
      }
    }
    if (!best) {
      // Closed on a thread whose stack is empty (the span was given an explicit parent): a span
      // printed alike that closed before had a parent, and this one most likely shares it.
      const twin = stack.length ? undefined : this.lastClosed.get(seg.name);
      const twinParent = twin && twin.fields === seg.fields ? twin.parent : null;
      if (twinParent && this.live?.has(twinParent)) {
        const o = this.create(seg, twinParent, time, thread, lineNo);
        this.setUncertain(o, true);
        return this.answer(o, 0, true);
      }
      return this.resolve([...stack, seg], time, thread, lineNo, use, true);
    }
    if (bestScore % 4 === 1) this.refresh(best, seg);
    this.seen(best, time, lineNo);
    return this.answer(best, ties > 1 ? ties : 0, false);
  }

  event(path: Segment[], time: bigint | null, thread: string | undefined, lineNo: number, name: string, attrs: Attributes): void {
    if (!path.length) return; // an event outside any span: tracing output, but no span's
    const { span, ambiguous } = this.resolve(path, time, thread, lineNo, Use.Event, false);
    span.events.push({ name, timeUnixNano: time ?? 0n, attributes: attrs, droppedAttributesCount: 0 });
    if (ambiguous) this.note(span, `events.${span.events.length - 1}`, `${ambiguous} open spans print the same path; this event may belong to another of them`);
  }

  /** A `new` line: the last segment is a span created now. */
  opened(path: Segment[], time: bigint | null, thread: string | undefined, lineNo: number, target: string | undefined, location: SourceLocation | undefined, parentUncertain: boolean): void {
    this.sawNew = true;
    const { span } = this.resolve(path, time, thread, lineNo, Use.Other, true);
    span.start = time;
    span.thread = thread;
    this.setUncertain(span, parentUncertain);
    if (target !== undefined) span.target = target;
    if (location) span.location = location;
  }

  /** A `close` line for a span already found; `lifetimeNs` is busy + idle when printed. */
  closed(found: Found, time: bigint | null, target: string | undefined, location: SourceLocation | undefined, lifetimeNs: number | undefined): void {
    this.sawClose = true;
    const { span, ambiguous, created } = found;
    if (ambiguous) this.note(span, 'events', `${ambiguous} open spans print the same path; which of them closed here, and so which events are whose, is a guess`);
    if (target !== undefined) span.target = target;
    if (location && !span.location) span.location = location;
    let start = span.start;
    if (start === null) {
      if (time !== null && lifetimeNs !== undefined) {
        start = time - BigInt(Math.round(lifetimeNs));
        // busy/idle have 3 significant digits: never start after something the span contained.
        if (span.first !== null && span.first < start) start = span.first;
      } else {
        start = span.first;
        this.note(span, 'startTimeUnixNano', 'the output has no start time for this span; this is the first time it appears');
      }
    }
    const end = time ?? span.last;
    const twin = this.lastClosed.get(span.name);
    if (created && start !== null && twin && twin.fields === span.fields && twin.parent === span.parent && twin.end !== null && twin.end > start) {
      // Nothing open matched this close: a span printed exactly like one that closed earlier
      // while this one was already running. Their lines were indistinguishable.
      this.note(span, 'events', 'another span printed exactly like this one was open at the same time; their events cannot be told apart and went to the one that closed first');
    }
    if (twin) {
      twin.fields = span.fields;
      twin.parent = span.parent;
      twin.end = end;
    } else this.lastClosed.set(span.name, { fields: span.fields, parent: span.parent, end });
    this.finishSpan(span, start ?? 0n, end, time === null);
  }

  private finishSpan(o: Open, start: bigint, end: bigint | null, timeUnknown: boolean): void {
    this.live?.delete(o);
    if (o.parentUncertain) this.uncertain--;
    this.detach(o);
    this.byName.get(o.name)?.delete(o);
    if (o.parent && (o.parent.first === null || start < o.parent.first)) o.parent.first = start;
    const root = o.root ?? o;
    const span: Span = {
      traceId: (root.traceId ??= this.hexId(root.seq, 32)),
      spanId: this.idOf(o),
      parentSpanId: o.parent ? this.idOf(o.parent) : null,
      parentIsRemote: null,
      name: o.name,
      kind: 'INTERNAL',
      startTimeUnixNano: start,
      endTimeUnixNano: end,
      attributes: o.attributes,
      droppedAttributesCount: 0,
      events: o.events,
      droppedEventsCount: 0,
      links: NO_LINKS,
      droppedLinksCount: 0,
      status: UNSET_STATUS,
      traceState: null,
      resource: NO_RESOURCE,
      scope: this.scopeOf(o.target),
      origin: { format: this.format, line: o.firstLine, endLine: o.lastLine },
      unknown: UNKNOWN_SETS[(o.target === undefined ? 1 : 0) | (timeUnknown ? 2 : 0) | (o.parentUncertain ? 4 : 0)],
    };
    if (o.location) span.location = o.location;
    if (o.thread !== undefined) span.thread = o.thread;
    if (o.lossy) span.lossy = o.lossy;
    this.sink.span(span);
  }

  /** The scope of spans of a target: one frozen object per target, shared (targets are few). */
  private scopeOf(target: string | undefined): Span['scope'] {
    const name = target ?? '';
    let scope = this.scopes.get(name);
    if (!scope) {
      if (this.scopes.size >= 1024) this.scopes.clear();
      scope = Object.freeze({ name, version: null, schemaUrl: null });
      this.scopes.set(name, scope);
    }
    return scope;
  }

  private idOf(o: Open): string {
    return (o.id ??= this.hexId(o.seq, 16));
  }

  /** The id prefix + `n` in hex, zero-padded to `width` characters. */
  private hexId(n: number, width: number): string {
    const h = n.toString(16);
    const key = width * 64 + h.length;
    let pad = this.idPads.get(key);
    if (pad === undefined) {
      pad = this.idPrefix + ZEROS.slice(0, width - this.idPrefix.length - h.length);
      this.idPads.set(key, pad);
    }
    return pad + h;
  }

  /** End of input: spans still open, in the order they first appeared. */
  end(): void {
    for (const o of this.live?.members() ?? []) {
      if (this.sawClose) {
        // The output closes spans, and this one never closed (leaked, or the process exited first).
        if (o.start === null) this.note(o, 'startTimeUnixNano', 'the span never closed and printed no start; this is the first time it appears');
        this.finishSpan(o, o.start ?? o.first ?? 0n, null, o.first === null);
      } else {
        // No close lines at all: a span is only seen as the prefix of lines, its times are unknown.
        this.finishSpan(o, o.start ?? o.first ?? 0n, o.last ?? o.first ?? 0n, true);
      }
    }
  }
}

const ZEROS = '0'.repeat(32);


/** Add `o` to the list of `k` in `m`, made when missing (an emptied list stays: the same name usually opens again, and names are few). */
function addTo(m: Map<string, OpenList>, k: string, slot: Slot, o: Open): void {
  const l = m.get(k);
  if (l) l.add(o);
  else m.set(k, new OpenList(slot, o));
}

/** Which of its lists an Open's position is kept for. */
const enum Slot {
  Live,
  Name,
  Sibling,
}

/**
 * Open spans in the order they were added: `items[0 .. end)`, where a removed one leaves a hole
 * (null), closed by a compaction once holes are half of them. Amortised O(1) with no allocation
 * (a Set reallocates its table as it empties, which is most closes). Iterate `items` up to `end`,
 * skipping nulls.
 */
class OpenList {
  readonly items: (Open | null)[];
  end = 1;
  private holes = 0;

  constructor(
    private readonly slot: Slot,
    first: Open,
  ) {
    this.items = [first];
    this.setPlace(first, 0);
  }

  get size(): number {
    return this.end - this.holes;
  }

  add(o: Open): void {
    this.setPlace(o, this.end);
    if (this.end < this.items.length) this.items[this.end] = o;
    else this.items.push(o);
    this.end++;
  }

  has(o: Open): boolean {
    const i = this.place(o);
    return i >= 0 && this.items[i] === o;
  }

  delete(o: Open): void {
    const i = this.place(o);
    if (i < 0 || this.items[i] !== o) return;
    this.items[i] = null;
    this.setPlace(o, -1);
    if (++this.holes * 2 >= this.end) this.compact();
  }

  /** The members, oldest first. */
  members(): Open[] {
    const out: Open[] = [];
    for (let i = 0; i < this.end; i++) {
      const o = this.items[i];
      if (o) out.push(o);
    }
    return out;
  }

  private compact(): void {
    const items = this.items;
    let n = 0;
    for (let i = 0; i < this.end; i++) {
      const o = items[i];
      if (!o) continue;
      items[n] = o;
      this.setPlace(o, n++);
    }
    for (let i = n; i < this.end; i++) items[i] = null;
    this.end = n;
    this.holes = 0;
    // Keep the room (a list refills); give back most of a list that was once large.
    if (items.length > 64 && n < items.length >> 2) items.length = Math.max(n, 16);
  }

  private place(o: Open): number {
    return this.slot === Slot.Live ? o.liveAt : this.slot === Slot.Name ? o.nameAt : o.siblingAt;
  }

  private setPlace(o: Open, i: number): void {
    if (this.slot === Slot.Live) o.liveAt = i;
    else if (this.slot === Slot.Name) o.nameAt = i;
    else o.siblingAt = i;
  }
}

/** Do the names and fields of `o`'s ancestors equal `stack` (root first)? */
function ancestryIs(o: Open, stack: Segment[]): boolean {
  let a = o.parent;
  for (let i = stack.length - 1; i >= 0; i--) {
    if (!a || a.name !== stack[i].name || a.fields !== stack[i].fields) return false;
    a = a.parent;
  }
  return a === null;
}
