/**
 * The json reader (`rust-tracing-json`): one JSON object per line, with the record tail tracing
 * repeats read once and shared.
 */
import type { AttributeValue, Attributes, SourceLocation } from '../../model';
import { parseJsonLoose } from '../kernel/json';
import { setAttribute } from '../kernel/attributes';
import { LineVerdict, type LineFormat, type LineReader, type Sink } from '../types';
import { type Segment, textAt } from './fmtLine';
import { type Open, SpanTracker, Use } from './spans';
import { parseTiming, readRfc3339 } from './values';

const JSON_KNOWN = new Set(['timestamp', 'level', 'fields', 'target', 'filename', 'line_number', 'span', 'spans', 'threadName', 'threadId']);

/** A value as text to compare spans by (type-tagged so that "1" and 1 differ). */
function jsonValueKey(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return '"' + v;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(v);
    default:
      return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) ?? 'undefined';
  }
}

/**
 * Could JSON.parse have rounded this value? An integer literal beyond ±(2^53−1) reads back as a
 * double of magnitude 2^53 or more, so any number that large (a huge float too, which only costs
 * a re-read) sends the record to the exact parser. Nested values are walked without recursion.
 */
function mayBeRounded(v: unknown): boolean {
  if (typeof v === 'number') return v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER;
  if (typeof v !== 'object' || v === null) return false;
  const stack: object[] = [v];
  while (stack.length) {
    const o = stack.pop() as { [k: string]: unknown };
    for (const k in o) {
      const x = o[k];
      if (typeof x === 'number') {
        if (x > Number.MAX_SAFE_INTEGER || x < -Number.MAX_SAFE_INTEGER) return true;
      } else if (typeof x === 'object' && x !== null) stack.push(x);
    }
  }
  return false;
}

/**
 * A `span`/`spans[]` object ({name, ...fields}) as a path segment; null when it is not one,
 * undefined when a value may have been rounded (`exact` false: read the record exactly instead).
 */
function jsonSegment(o: unknown, exact: boolean): Segment | null | undefined {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return null;
  const obj = o as { [k: string]: unknown };
  if (typeof obj.name !== 'string') return null;
  let fields = '';
  for (const k in obj) {
    if (k === 'name') continue;
    const v = obj[k];
    if (!exact && mayBeRounded(v)) return undefined;
    fields += (fields ? ' ' : '') + k + '=' + jsonValueKey(v);
  }
  return { name: obj.name, fields, obj };
}

function jsonFieldMap(obj: { [k: string]: unknown }): Map<string, string> {
  const map = new Map<string, string>();
  for (const k in obj) if (k !== 'name') map.set(k, jsonValueKey(obj[k]));
  return map;
}

function jsonAttribute(v: unknown): AttributeValue {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean')) return v as AttributeValue;
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

function jsonDecode(seg: Segment): { attrs: Attributes; lossy?: string[] } {
  const attrs: Attributes = {};
  let lossy: string[] | undefined;
  const obj = seg.obj!;
  for (const k in obj) {
    if (k === 'name') continue;
    const v = obj[k];
    setAttribute(attrs, k, jsonAttribute(v));
    // serde_json writes a NaN or infinite f64 as null; tracing fields are never null otherwise.
    if (v === null) (lossy ??= []).push(k);
  }
  return { attrs, lossy };
}

// A record's tail: what tracing prints after the event's fields (target, file and line, the span
// and the span stack, the thread) repeats for every event of a callsite in the same spans. Read
// once and shared, the tail leaves JSON.parse only the head (timestamp, level, fields).

/** Distinct tail lengths remembered, and tails per length (a program with more mixes re-reads). */
const MAX_TAIL_LENGTHS = 256;
const MAX_TAILS_PER_LENGTH = 8;
const TAIL_KEY_SET = new Set(['target', 'filename', 'line_number', 'span', 'spans', 'threadName', 'threadId']);

/** What a record's tail keys say: the callsite, the span and the span stack, the thread. */
interface TailView {
  readonly target: string | undefined;
  readonly thread: string | undefined;
  readonly location: SourceLocation | undefined;
  /** `span` as a segment; null when absent or not a span object. */
  readonly current: Segment | null;
  /** `spans` as segments ([] when absent). */
  readonly list: Segment[];
}

/** A tail's text, and its reading once it has been seen twice (false: it cannot be shared). */
interface TailEntry {
  readonly text: string;
  view: TailView | null | false;
}

/** Is the JSON key `key` (with its `":`) at `s[i]`? */
function jsonKeyAt(s: string, i: number, key: string): boolean {
  return textAt(s, i, key) && s.charCodeAt(i + key.length) === 34 && s.charCodeAt(i + key.length + 1) === 58;
}

/** Where the tail may start in a record (the `,` before the first tail key, at any depth), or -1. */
function tailStart(s: string): number {
  // Inside a JSON string every `"` is escaped, so a raw `,"` always starts a key or an array item.
  for (let k = s.indexOf(',"'); k >= 0; k = s.indexOf(',"', k + 2)) {
    const i = k + 2;
    let found: boolean;
    switch (s.charCodeAt(i)) {
      case 116 /* t */:
        found = jsonKeyAt(s, i, 'target') || jsonKeyAt(s, i, 'threadName') || jsonKeyAt(s, i, 'threadId');
        break;
      case 115 /* s */:
        found = jsonKeyAt(s, i, 'span') || jsonKeyAt(s, i, 'spans');
        break;
      case 102 /* f */:
        found = jsonKeyAt(s, i, 'filename');
        break;
      case 108 /* l */:
        found = jsonKeyAt(s, i, 'line_number');
        break;
      default:
        found = false;
    }
    if (found) return k;
  }
  return -1;
}

/** Does a record's head hold a tail key itself (then the tail alone does not say what the record does)? */
function holdsTailKey(o: { [k: string]: unknown }): boolean {
  return o.target !== undefined || o.filename !== undefined || o.line_number !== undefined || o.span !== undefined || o.spans !== undefined || o.threadName !== undefined || o.threadId !== undefined;
}

/** JSON.parse, or null when the text is not JSON. */
function tryJsonParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function deepFreeze(v: unknown): void {
  const stack: unknown[] = [v];
  while (stack.length) {
    const x = stack.pop();
    if (typeof x !== 'object' || x === null || Object.isFrozen(x)) continue;
    Object.freeze(x);
    for (const k in x) stack.push((x as { [k: string]: unknown })[k]);
  }
}

/**
 * The tail keys of a record read. Null when they make it no tracing record; undefined when
 * `exact` is false and a number may have been rounded by JSON.parse.
 */
function tailView(o: { [k: string]: unknown }, exact: boolean): TailView | null | undefined {
  if (!exact && mayBeRounded(o.line_number)) return undefined;
  let current: Segment | null = null;
  if (o.span !== undefined) {
    const seg = jsonSegment(o.span, exact);
    if (seg === undefined) return undefined;
    current = seg;
  }
  const list: Segment[] = [];
  if (Array.isArray(o.spans)) {
    for (const s of o.spans) {
      const seg = jsonSegment(s, exact);
      if (seg === undefined) return undefined;
      if (!seg) return null;
      list.push(seg);
    }
  }
  return {
    target: typeof o.target === 'string' ? o.target : undefined,
    thread: typeof o.threadId === 'string' ? o.threadId : typeof o.threadName === 'string' ? o.threadName : undefined,
    location:
      typeof o.filename === 'string' || typeof o.line_number === 'number'
        ? { file: typeof o.filename === 'string' ? o.filename : '', line: typeof o.line_number === 'number' ? o.line_number - 1 : 0, column: 0 }
        : undefined,
    current,
    list,
  };
}

/** Read a tail's text (`,"target":…}`) on its own, exactly, frozen to be shared; false when it cannot be. */
function readTail(text: string): TailView | false {
  const members = `{${text.slice(1)}`;
  let obj = tryJsonParse(members) as { [k: string]: unknown } | null;
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return false;
  if (mayBeRounded(obj)) {
    try {
      obj = parseJsonLoose(members) as { [k: string]: unknown };
    } catch {
      return false;
    }
  }
  // Only what a tracing tail holds: any other key (a flattened event field) belongs to the fields.
  for (const k in obj) if (!TAIL_KEY_SET.has(k)) return false;
  const view = tailView(obj, true);
  if (!view) return false;
  deepFreeze(obj);
  for (const seg of view.current ? [view.current, ...view.list] : view.list) {
    seg.map = jsonFieldMap(seg.obj!); // made now: the shared segment is frozen
    Object.freeze(seg);
  }
  Object.freeze(view.list);
  if (view.location) Object.freeze(view.location);
  return Object.freeze(view);
}

class JsonReader implements LineReader {
  private readonly tracker: SpanTracker;
  /** Tails seen, by length (looked up without hashing the text). */
  private readonly tails = new Map<number, TailEntry[]>();

  constructor(private readonly sink: Sink) {
    this.tracker = new SpanTracker(sink, 'rust-tracing-json', '8', jsonCompat, jsonDecode);
  }

  line(text: string, lineNo: number): LineVerdict {
    // Program text printed without a newline may be glued before the record.
    const at = text.charCodeAt(0) === 123 ? 0 : text.indexOf(JSON_START);
    if (at < 0) return LineVerdict.NotMine;
    const verdict = this.record(at ? text.slice(at) : text, lineNo);
    if (verdict !== LineVerdict.NotMine && at > 0) this.sink.output?.(lineNo, text.slice(0, at));
    return verdict;
  }

  private record(text: string, lineNo: number): LineVerdict {
    const trimmed = text.trimEnd();
    if (trimmed.charCodeAt(trimmed.length - 1) !== 125) return LineVerdict.NotMine;
    const at = tailStart(trimmed);
    const tail = at > 0 ? this.sharedTail(trimmed, at) : null;
    if (tail) {
      const verdict = this.readHead(trimmed, at, tail, lineNo);
      if (verdict !== undefined) return verdict;
    }
    let exact = false;
    let v: unknown;
    try {
      v = JSON.parse(trimmed);
    } catch {
      exact = true; // NaN, Infinity, or not JSON
      try {
        v = parseJsonLoose(trimmed);
      } catch {
        return LineVerdict.NotMine;
      }
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) return LineVerdict.NotMine;
    const verdict = this.read(v as { [k: string]: unknown }, null, lineNo, exact);
    if (verdict !== undefined) return verdict;
    // A number JSON.parse may have rounded: read the line exactly.
    try {
      v = parseJsonLoose(trimmed);
    } catch {
      return LineVerdict.NotMine;
    }
    return this.read(v as { [k: string]: unknown }, null, lineNo, true) ?? LineVerdict.NotMine;
  }

  /** The reading of the tail `text` ends with from `at`, when seen before and shareable. */
  private sharedTail(text: string, at: number): TailView | null {
    const length = text.length - at;
    let bucket = this.tails.get(length);
    if (bucket) {
      for (const e of bucket) {
        if (!text.endsWith(e.text)) continue;
        if (e.view === null) e.view = readTail(e.text);
        return e.view || null;
      }
      if (bucket.length >= MAX_TAILS_PER_LENGTH) bucket.shift();
    } else {
      if (this.tails.size >= MAX_TAIL_LENGTHS) this.tails.clear();
      bucket = [];
      this.tails.set(length, bucket);
    }
    // Seen once: read it when it comes again (a tail that never repeats costs no extra parse). A
    // copy, not a slice: a slice would keep the whole chunk of output it came from alive.
    bucket.push({ text: `\0${text.slice(at)}`.slice(1), view: null });
    return null;
  }

  /**
   * A record whose tail (from `at`) is shared: only its head is parsed. Undefined when the head
   * cannot be read apart (the whole line is parsed then).
   */
  private readHead(text: string, at: number, tail: TailView, lineNo: number): LineVerdict | undefined {
    // As tracing prints it, `{"timestamp":"…","level":"…","fields":{…}`: the timestamp and level are
    // read in place and JSON.parse sees only the fields, which must end where the tail starts.
    const stamp = text.startsWith(JSON_START) ? readRfc3339(text, JSON_START.length) : null;
    const time = stamp === null ? null : stamp.ns;
    if (stamp !== null && text.charCodeAt(stamp.end) === 34) {
      const fieldsAt = afterLevelAndFieldsKey(text, stamp.end + 1);
      if (fieldsAt > 0 && fieldsAt < at) {
        const fields = tryJsonParse(text.slice(fieldsAt, at));
        if (fields && typeof fields === 'object' && !Array.isArray(fields)) return this.act(time, fields as { [k: string]: unknown }, true, tail, lineNo, false);
      }
    }
    // Any other head: closed where the tail starts, it parses only when that `,` is at the top
    // level after a member; then the record is the head's members followed by the tail's.
    if (emptyBefore(text, at)) return undefined;
    const head = tryJsonParse(`${text.slice(0, at)}}`) as { [k: string]: unknown } | null;
    if (!head || typeof head !== 'object' || Array.isArray(head) || holdsTailKey(head)) return undefined;
    return this.read(head, tail, lineNo, false);
  }

  /**
   * A record's head (or whole object) to spans, its tail keys read from `tail` when shared.
   * Undefined when `exact` is false and a number it uses may have been rounded by JSON.parse:
   * nothing is done then.
   */
  private read(o: { [k: string]: unknown }, tail: TailView | null, lineNo: number, exact: boolean): LineVerdict | undefined {
    if (o.level !== undefined && !(typeof o.level === 'string' && LEVELS_JSON.has(o.level))) return LineVerdict.NotMine;
    if (o.timestamp !== undefined && typeof o.timestamp !== 'string') return LineVerdict.NotMine;
    let fields: { [k: string]: unknown };
    if (o.fields !== undefined) {
      if (!o.fields || typeof o.fields !== 'object' || Array.isArray(o.fields)) return LineVerdict.NotMine;
      fields = o.fields as { [k: string]: unknown };
    } else {
      // flatten_event(true): the event's fields sit beside timestamp/level.
      fields = {};
      for (const k in o) if (!JSON_KNOWN.has(k)) setAttribute(fields, k, o[k]);
    }
    const time = typeof o.timestamp === 'string' ? (readRfc3339(o.timestamp, 0)?.ns ?? null) : null;
    if (typeof o.timestamp === 'string' && time === null) return LineVerdict.NotMine;
    return this.act(time, fields, o.fields !== undefined, tail ?? tailView(o, exact), lineNo, exact);
  }

  /** A record read: its time, its event fields (`fieldsKey`: under a `fields` key), its tail keys. */
  private act(time: bigint | null, fields: { [k: string]: unknown }, fieldsKey: boolean, view: TailView | null | undefined, lineNo: number, exact: boolean): LineVerdict | undefined {
    if (view === undefined) return undefined;
    if (view === null) return LineVerdict.NotMine;
    const { target, thread, location, current, list } = view;
    if (target === undefined && !fieldsKey) return LineVerdict.NotMine;
    const message = typeof fields.message === 'string' ? fields.message : null;
    let count = 0;
    for (const _ in fields) count++;
    const t = this.tracker;
    if (current && message === 'close' && (count === 1 || (count === 3 && 'time.busy' in fields && 'time.idle' in fields))) {
      // `spans` is the thread's current stack, which for a span closing is its parents.
      const busy = typeof fields['time.busy'] === 'string' ? parseTiming(fields['time.busy']) : null;
      const idle = typeof fields['time.idle'] === 'string' ? parseTiming(fields['time.idle']) : null;
      t.closed(t.locate(list, current, time, thread, lineNo, Use.Close), time, target, location, busy !== null && idle !== null ? busy + idle : undefined);
      return LineVerdict.Mine;
    }
    if (current && count === 1 && (message === 'new' || message === 'enter' || message === 'exit')) {
      if (message === 'new') t.opened([...list, current], time, thread, lineNo, target, location, true);
      else t.locate(withoutLast(list, current), current, time, thread, lineNo, Use.Other);
      return LineVerdict.Mine;
    }
    const path = current ? stackWith(list, current) : list;
    const attrs: Attributes = {};
    for (const k in fields) {
      if (k === 'message') continue;
      const v = fields[k];
      if (!exact && mayBeRounded(v)) return undefined;
      setAttribute(attrs, k, jsonAttribute(v));
    }
    t.event(path, time, thread, lineNo, message ?? '', attrs);
    return LineVerdict.Mine;
  }

  end(): void {
    this.tracker.end();
  }
}

const JSON_START = '{"timestamp":"';

/** After `,"level":"<LEVEL>","fields":` at `s[i]`, or -1 when that is not there. */
function afterLevelAndFieldsKey(s: string, i: number): number {
  if (!textAt(s, i, ',"level":"')) return -1;
  i += 10;
  for (const level of LEVELS_JSON) if (textAt(s, i, level) && textAt(s, i + level.length, '","fields":')) return i + level.length + 11;
  return -1;
}

/** Is the `,` at `at` the first thing after the record's `{` (no member before it)? */
function emptyBefore(s: string, at: number): boolean {
  let k = at - 1;
  while (k > 0) {
    const c = s.charCodeAt(k);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
    k--;
  }
  return s.charCodeAt(k) === 123;
}
const LEVELS_JSON = new Set(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']);

/** `spans` without its last entry when that is `current` (an enter line: the span is already current). */
function withoutLast(list: Segment[], current: Segment): Segment[] {
  const last = list[list.length - 1];
  return last && last.name === current.name && last.fields === current.fields ? list.slice(0, -1) : list;
}

/** The path of an ordinary event: `spans` ends with the current span; without `spans`, just the span. */
function stackWith(list: Segment[], current: Segment): Segment[] {
  if (!list.length) return [current];
  const last = list[list.length - 1];
  if (last.name === current.name && last.fields === current.fields) return list;
  return [...list, current];
}

/** Rust tracing-subscriber `.json()` lines. */
export const rustTracingJson: LineFormat = {
  name: 'rust-tracing-json',
  mayMatch: (text) =>
    text.charCodeAt(0) === 123 ? text.startsWith(JSON_START) || text.startsWith('{"level":"') || text.startsWith('{"fields":{') : text.indexOf(JSON_START) > 0,
  createReader: (sink) => new JsonReader(sink),
};

function jsonCompat(o: Open, seg: Segment): number {
  if (o.fields === seg.fields) return 2;
  const a = (o.map ??= jsonFieldMap(o.obj!));
  const b = (seg.map ??= jsonFieldMap(seg.obj!));
  for (const [k, v] of a) if (b.get(k) !== v) return 0;
  return a.size === b.size ? 2 : 1;
}
