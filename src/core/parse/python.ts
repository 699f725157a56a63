/**
 * Python ConsoleSpanExporter output: each span is `json.dumps(span_dict, indent=4) + os.linesep`,
 * a multi-line JSON object with keys `name, context{trace_id, span_id, trace_state}, kind,
 * parent_id, start_time, end_time, status{status_code[, description]}, attributes, events,
 * links, resource{attributes, schema_url}`. json.dumps writes bare NaN/Infinity and exact
 * 64-bit integers, ids as `0x…` hex, times as ISO-8601 UTC with microseconds, the kind as
 * `SpanKind.X` and the trace state as Python's `str()` of the SDK TraceState. No
 * instrumentation scope is printed.
 */
import type { AttributeScalar, AttributeValue, Attributes, InstrumentationScope, LossyField, Span, SpanEvent, SpanKind, SpanLink, SpanOrigin, SpanStatus, StatusCode, UnknownField } from '../model';
import { NO_EVENTS, NO_LINKS, SPAN_KINDS, statusOf } from '../model';
import { parseJsonLoose, readJsonRecord } from './kernel/json';
import { findTail, parseWithoutTail, readTail, rememberTail, type RepeatedTail } from './kernel/repeatedTail';
import { hexId } from './kernel/ids';
import { rfc3339ToUnixNano } from './kernel/time';
import type { BlockFormat, BlockResult, JsonLineFormat, Block, ParseMemo } from './types';

type Json = Record<string, unknown>;

interface Conversion {
  lossy: LossyField[];
  /** JSON.parse rounded an integer beyond 2^53; the block must be re-read exactly. */
  unsafeInt: boolean;
  /** The parser's memo, where the last resource is kept while it repeats. */
  memo?: ParseMemo;
  /**
   * Where the span was printed. Set in the span as it is made (the demux would add it
   * afterwards, changing the object's shape on every span).
   */
  origin: SpanOrigin;
}

function scalar(v: unknown, path: string, cx: Conversion): AttributeValue {
  if (typeof v === 'number') {
    if (Number.isInteger(v) && !Number.isSafeInteger(v)) cx.unsafeInt = true;
    return v;
  }
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  if (Array.isArray(v)) {
    for (const x of v) {
      if (typeof x === 'number' && Number.isInteger(x) && !Number.isSafeInteger(x)) cx.unsafeInt = true;
      else if (x !== null && typeof x === 'object') {
        cx.lossy.push({ path, reason: 'a nested value is shown as JSON text' });
        return JSON.stringify(v, bigintReplacer);
      }
    }
    // Python sequences may hold None; it is kept as null, as printed.
    return v as AttributeScalar[];
  }
  cx.lossy.push({ path, reason: 'a nested value is shown as JSON text' });
  return JSON.stringify(v, bigintReplacer);
}

function bigintReplacer(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

/**
 * The attributes dict as parsed. JSON.parse made it fresh for this span, so it is used in place
 * (no copy); only values the model cannot hold are replaced.
 */
function attributes(o: unknown, path: string, cx: Conversion): Attributes {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return {};
  const attrs = o as Json;
  for (const key in attrs) {
    const v = attrs[key];
    if (typeof v === 'string' || typeof v === 'boolean') continue;
    const x = scalar(v, `${path}.${key}`, cx);
    if (x !== v) attrs[key] = x;
  }
  return attrs as Attributes;
}

/** The last resource dict read cleanly in this parse: as printed, and as converted. */
interface SharedResource {
  printed: Json;
  keys: string[];
  resource: Attributes;
}

/**
 * Every span of a process prints the same resource: when a span's dict has the same keys in the
 * same order with the same plain values (strings, numbers, booleans; -0 is not 0), the map read
 * for an earlier span is shared instead of keeping one per span.
 */
function resourceFrom(o: unknown, cx: Conversion): Attributes {
  const last = cx.memo?.get('python-console') as SharedResource | undefined;
  if (last && o && typeof o === 'object' && !Array.isArray(o) && sameFlatDict(o as Json, last)) return last.resource;
  const lossyBefore = cx.lossy.length;
  const unsafeBefore = cx.unsafeInt;
  const resource = attributes(o, 'resource', cx);
  if (cx.memo && o && typeof o === 'object' && !Array.isArray(o) && cx.lossy.length === lossyBefore && cx.unsafeInt === unsafeBefore) {
    const keys = Object.keys(o);
    if (keys.every((k) => isPlain((o as Json)[k]))) cx.memo.set('python-console', { printed: o as Json, keys, resource } satisfies SharedResource);
  }
  return resource;
}

function isPlain(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isSafeInteger(v)) || (typeof v === 'number' && !Number.isInteger(v));
}

function sameFlatDict(o: Json, last: SharedResource): boolean {
  const keys = last.keys;
  let n = 0;
  for (const k in o) {
    if (n >= keys.length || k !== keys[n] || !Object.is(o[k], last.printed[k])) return false;
    n++;
  }
  return n === keys.length;
}

/** `0x` + 32/16 hex digits (either case) -> lower-case hex, or null. */
function pythonId(v: unknown, len: 32 | 16): string | null {
  if (typeof v !== 'string' || v.length !== len + 2 || v.charCodeAt(0) !== 48 /* 0 */ || (v.charCodeAt(1) | 32) !== 120 /* x */) return null;
  return hexId(v.slice(2), len);
}

/**
 * The last trace id and parent id read, as printed and as read: spans of one trace (and siblings)
 * repeat them, and sharing the string read keeps one copy instead of one per span.
 */
let lastTraceRaw = '';
let lastTraceId: string | null = null;
let lastParentRaw = '';
let lastParentId: string | null = null;

function traceIdOf(v: unknown): string | null {
  if (typeof v === 'string' && v === lastTraceRaw) return lastTraceId;
  const id = pythonId(v, 32);
  if (typeof v === 'string') {
    lastTraceRaw = v;
    lastTraceId = id;
  }
  return id;
}

function parentIdOf(v: unknown): string | null {
  if (typeof v === 'string' && v === lastParentRaw) return lastParentId;
  const id = pythonId(v, 16);
  if (typeof v === 'string') {
    lastParentRaw = v;
    lastParentId = id;
  }
  return id;
}

function pythonTime(v: unknown): bigint | null {
  return typeof v === 'string' ? rfc3339ToUnixNano(v) : null;
}

function kindFrom(v: unknown): SpanKind | null {
  // The SDK's SpanKind values are 0..4 in SPAN_KINDS order; a formatter may print the number.
  if (typeof v === 'number') return SPAN_KINDS[v] ?? null;
  if (typeof v !== 'string') return null;
  const k = v.startsWith('SpanKind.') ? v.slice(9) : v;
  if ((SPAN_KINDS as readonly string[]).includes(k)) return k as SpanKind;
  return /^[0-4]$/.test(k) ? SPAN_KINDS[Number(k)] : null;
}

function statusFrom(v: unknown): StatusCode {
  return v === 'OK' || v === 'ERROR' ? v : 'UNSET';
}

/**
 * Read one Python string literal as `repr()` writes it (`'…'` or `"…"` with backslash escapes),
 * starting at `s[i]`. Returns the value and the index after the closing quote, or null.
 */
function readPythonStr(s: string, i: number): { value: string; end: number } | null {
  const q = s[i];
  if (q !== "'" && q !== '"') return null;
  let out = '';
  let from = i + 1;
  for (let k = from; k < s.length; k++) {
    const c = s[k];
    if (c === q) return { value: out + s.slice(from, k), end: k + 1 };
    if (c !== '\\') continue;
    out += s.slice(from, k);
    const e = s[k + 1];
    if (e === 'x' || e === 'u' || e === 'U') {
      const width = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const code = parseInt(s.slice(k + 2, k + 2 + width), 16);
      if (!Number.isFinite(code)) return null;
      out += String.fromCodePoint(code);
      k += 1 + width;
    } else {
      out += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
      k += 1;
    }
    from = k + 1;
  }
  return null;
}

/**
 * Python's `str(TraceState)` — `[]` or `['{key=vendor1, value=abc}', …]` — as W3C `vendor1=abc,…`.
 * Returns null when the text is not that shape.
 */
export function traceStateFromPython(text: string): string | null {
  const s = text.trim();
  if (s === '[]' || s === '') return '';
  if (s[0] !== '[' || s[s.length - 1] !== ']') return null;
  const pairs: string[] = [];
  let i = 1;
  for (;;) {
    while (s[i] === ' ') i++;
    const item = readPythonStr(s, i);
    if (!item) return null;
    const m = /^\{key=([^,]*), value=(.*)\}$/s.exec(item.value);
    if (!m) return null;
    pairs.push(`${m[1]}=${m[2]}`);
    i = item.end;
    while (s[i] === ' ') i++;
    if (s[i] === ',') {
      i++;
      continue;
    }
    if (s[i] === ']' && i === s.length - 1) return pairs.join(',');
    return null;
  }
}

function traceStateField(v: unknown, path: string, cx: Conversion): string | null {
  if (typeof v !== 'string') return null;
  const w3c = traceStateFromPython(v);
  if (w3c !== null) return w3c;
  cx.lossy.push({ path, reason: 'trace state not in the form Python prints; kept as printed' });
  return v;
}

/** True when `o` is a span dict as ConsoleSpanExporter prints it. */
function isPythonSpan(o: unknown): o is Json {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return false;
  const r = o as Json;
  const ctx = r.context as Json | null;
  return typeof r.name === 'string' && !!ctx && typeof ctx === 'object';
}

/**
 * What spans share instead of each holding a copy: the scope Python never prints and the
 * unknown-field lists. Frozen, so no holder of one span can change another.
 */
const NO_SCOPE: InstrumentationScope = Object.freeze({ name: '', version: null, schemaUrl: null });
const UNKNOWN_SCOPE = Object.freeze(['scope']) as unknown as UnknownField[];
const UNKNOWN_SCOPE_TIME = Object.freeze(['scope', 'time']) as unknown as UnknownField[];

/**
 * Convert one span dict; null when its context holds no valid ids (not a span after all).
 * `sharedResource`, when given, is the span's resource already read from a repeated tail.
 */
function spanFromPython(r: Json, cx: Conversion, sharedResource?: Attributes): Span | null {
  const ctx = r.context as Json;
  const traceId = traceIdOf(ctx.trace_id);
  const spanId = pythonId(ctx.span_id, 16);
  if (traceId === null || spanId === null) return null;
  const start = pythonTime(r.start_time);
  const end = r.end_time === null || r.end_time === undefined ? null : pythonTime(r.end_time);
  if (r.end_time !== null && r.end_time !== undefined && end === null) cx.lossy.push({ path: 'endTimeUnixNano', reason: `unreadable time ${String(r.end_time)}` });
  const kind = kindFrom(r.kind);
  if (kind === null) cx.lossy.push({ path: 'kind', reason: `unknown kind ${String(r.kind)}` });
  const status = (r.status ?? {}) as Json;
  let events = NO_EVENTS;
  if (Array.isArray(r.events) && r.events.length) {
    events = [];
    const list = r.events as Json[];
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      if (!e || typeof e !== 'object') continue;
      const t = pythonTime(e.timestamp);
      if (t === null) cx.lossy.push({ path: `events.${i}.timeUnixNano`, reason: `unreadable time ${String(e.timestamp)}` });
      events.push({
        name: typeof e.name === 'string' ? e.name : '',
        timeUnixNano: t ?? start ?? 0n,
        attributes: attributes(e.attributes, `events.${i}.attributes`, cx),
        droppedAttributesCount: 0,
      });
    }
  }
  let links = NO_LINKS;
  if (Array.isArray(r.links) && r.links.length) {
    links = [];
    const list = r.links as Json[];
    for (let i = 0; i < list.length; i++) {
      const l = list[i];
      if (!l || typeof l !== 'object') continue;
      const lc = (l.context ?? {}) as Json;
      links.push({
        traceId: pythonId(lc.trace_id, 32) ?? '',
        spanId: pythonId(lc.span_id, 16) ?? '',
        traceState: traceStateField(lc.trace_state, `links.${i}.traceState`, cx),
        attributes: attributes(l.attributes, `links.${i}.attributes`, cx),
        droppedAttributesCount: 0,
      });
    }
  }
  // Since SDK 1.x the resource prints as {attributes, schema_url}; older SDKs printed the map itself.
  const res = sharedResource ? null : (r.resource as Json | null | undefined);
  const resAttrs = res && typeof res === 'object' && res.attributes && typeof res.attributes === 'object' && 'schema_url' in res ? res.attributes : res;
  const parentId = parentIdOf(r.parent_id);
  const span: Span = {
    traceId,
    spanId,
    parentSpanId: parentId,
    parentIsRemote: null,
    name: r.name as string,
    kind: kind ?? 'INTERNAL',
    startTimeUnixNano: start ?? 0n,
    endTimeUnixNano: end,
    attributes: attributes(r.attributes, 'attributes', cx),
    droppedAttributesCount: 0,
    events,
    droppedEventsCount: 0,
    links,
    droppedLinksCount: 0,
    status: statusOf(statusFrom(status.status_code), typeof status.description === 'string' ? status.description : null),
    traceState: traceStateField(ctx.trace_state, 'traceState', cx),
    resource: sharedResource ?? resourceFrom(resAttrs, cx),
    scope: NO_SCOPE,
    unknown: start === null ? UNKNOWN_SCOPE_TIME : UNKNOWN_SCOPE,
    origin: cx.origin,
  };
  if (r.parent_id !== null && r.parent_id !== undefined && parentId === null) cx.lossy.push({ path: 'parentSpanId', reason: `unreadable parent id ${String(r.parent_id)}` });
  if (cx.lossy.length) span.lossy = cx.lossy;
  return span;
}

/** `    "name": …` — the first key of the span dict at any indent (to_json(indent=2) exists too). */
function firstKeyIsName(line: string): boolean {
  let i = 0;
  while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++;
  return i > 0 && line.startsWith('"name": ', i);
}

/** A parsed span dict as a Span; `text` is read again exactly when JSON.parse rounded a 64-bit integer. */
function readPythonText(text: string, parsed: unknown, memo: ParseMemo | undefined, origin: SpanOrigin): Span | null {
  if (!isPythonSpan(parsed)) return null;
  let cx: Conversion = { lossy: [], unsafeInt: false, memo, origin };
  const span = spanFromPython(parsed, cx);
  if (!span || !cx.unsafeInt) {
    if (span) rememberPythonTail(text, span, memo);
    return span;
  }
  // JSON.parse rounded an integer beyond 2^53: read the text again exactly.
  cx = { lossy: [], unsafeInt: false, memo, origin };
  return spanFromPython(parseJsonLoose(text) as Json, cx) ?? span;
}

const PYTHON_TAILS = 'python-console-tails';

/** What a remembered tail was read as: the resource map, and whether empty events and links precede it. */
interface PythonTail {
  resource: Attributes;
  lists: boolean;
}

/**
 * Read a span dict whose last member, `"resource": {…}`, repeats a remembered one as printed:
 * JSON.parse of the rest, the resource map shared. Undefined when no tail matches or anything is
 * unusual (the caller reads the text whole, with the same result).
 */
function readWithRepeatedTail(text: string, memo: ParseMemo | undefined, origin: SpanOrigin): Span | undefined {
  const tail = findTail(text, memo?.get(PYTHON_TAILS) as RepeatedTail<PythonTail>[] | undefined);
  if (!tail) return undefined;
  const value = parseWithoutTail(text, tail.text.length);
  if (!isPythonSpan(value)) return undefined;
  // A tail from `"events"` on holds empty lists: any printed earlier (a repeated key) do not count.
  if (tail.shared.lists) value.events = value.links = null;
  const cx: Conversion = { lossy: [], unsafeInt: false, memo, origin };
  const span = spanFromPython(value, cx, tail.shared.resource);
  return span && !cx.unsafeInt ? span : undefined;
}

/**
 * After a span dict was read whole: remember its resource tail when the resource was read cleanly
 * (it is the map the parser shares, which holds only plain values) and the tail is not known yet.
 */
function rememberPythonTail(text: string, span: Span, memo: ParseMemo | undefined): void {
  if (!memo || span.resource !== (memo.get('python-console') as SharedResource | undefined)?.resource) return;
  const tails = memo.get(PYTHON_TAILS) as RepeatedTail<PythonTail>[] | undefined;
  if (findTail(text, tails)) return;
  // `"events": [], "links": []` before the resource (a span without either) repeat as well.
  const lists = span.events.length === 0 && span.links.length === 0 ? readTail(text, '"events":', ['events', 'links', 'resource']) : undefined;
  const withLists = !!lists && isEmptyList(lists.members.events) && isEmptyList(lists.members.links);
  const tail = withLists ? lists : readTail(text, '"resource":', ['resource']);
  if (tail) rememberTail<PythonTail>(memo, PYTHON_TAILS, { text: tail.text, shared: { resource: span.resource, lists: withLists } });
}

function isEmptyList(v: unknown): boolean {
  return Array.isArray(v) && v.length === 0;
}

/** Python ConsoleSpanExporter (`json.dumps(indent=4)` per span). */
export const pythonConsole: BlockFormat = {
  name: 'python-console',
  parseBlockText(block: Block, startLine: number, memo?: ParseMemo): BlockResult | null {
    // json.dumps of the span dict always writes `name` first.
    if (block.lineCount < 4 || !firstKeyIsName(block.second)) return null;
    const text = block.text;
    const origin: SpanOrigin = { format: 'python-console', line: startLine, endLine: startLine + block.lineCount - 1 };
    const fast = readWithRepeatedTail(text, memo, origin);
    if (fast) return { spans: [fast] };
    // Python prints bare NaN / Infinity (allow_nan=True): readJsonRecord takes those too.
    const read = readJsonRecord(text);
    if ('error' in read) {
      if (!text.includes('"trace_id"')) return null;
      return { spans: [], unparsedReason: `a Python span is not valid JSON (${read.error})` };
    }
    const value = read.value;
    const span = readPythonText(text, value, memo, origin);
    return span ? { spans: [span] } : null;
  },
};

/**
 * The same span dict on one line, as `ConsoleSpanExporter(formatter=lambda s: s.to_json(indent=None) + "\n")`
 * prints it. Not in the default registry: register it among the JSON line formats to read such output.
 */
export const pythonConsoleLines: JsonLineFormat = {
  name: 'python-console',
  parseValue(value: unknown, line: number, raw: string, memo?: ParseMemo): Span[] | null {
    const span = readPythonText(raw.slice(raw.indexOf('{')).trimEnd(), value, memo, { format: 'python-console', line, endLine: line });
    return span ? [span] : null;
  },
};
