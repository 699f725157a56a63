/**
 * Go stdouttrace output: `WithPrettyPrint()` (a TAB-indented JSON object per span, `{`/`}` at
 * column 0) and the default compact form (one JSON object per line). Both carry the
 * tracetest.SpanStub shape: `Name, SpanContext, Parent, SpanKind, StartTime, EndTime,
 * Attributes [{Key, Value: {Type, Value}}], Events, Links, Status, Dropped*, ChildSpanCount,
 * Resource, InstrumentationLibrary` (otel-go ≤ 1.28) or `InstrumentationScope` plus the
 * deprecated duplicate `InstrumentationLibrary` (1.29+).
 */
import type { AttributeScalar, AttributeValue, Attributes, InstrumentationScope, LossyField, Span, SpanEvent, SpanKind, SpanLink, SpanOrigin, SpanStatus, StatusCode, UnknownField } from '../model';
import { NO_EVENTS, NO_LINKS, statusOf } from '../model';
import { ownCopy } from './kernel/text';
import { ANY_JSON_STRING, JSON_STRING_BODY, jsonStringBody, parseJsonLoose, readJsonRecord } from './kernel/json';
import { setAttribute } from './kernel/attributes';
import { isHexId } from './kernel/ids';
import { findTail, parseWithoutTail, readTail, rememberTail, type RepeatedTail } from './kernel/repeatedTail';
import { rfc3339ToUnixNano } from './kernel/time';
import { isJsonSpace } from './kernel/json';

/** Re-exported for the tests that read Go's times directly. */
export { rfc3339ToUnixNano };
import type { BlockFormat, BlockResult, JsonLineFormat, Block, ParseMemo } from './types';

type Json = Record<string, unknown>;

const GO_KINDS: readonly SpanKind[] = ['INTERNAL', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const ZERO_SPAN_ID = '0000000000000000';

/** Go's zero time.Time, printed by `WithoutTimestamps()`; means "no time", not year 1. */
function isGoZeroTime(s: unknown): boolean {
  return typeof s === 'string' && s.startsWith('0001-01-01T00:00:00');
}

/** Collects lossy marks and the unsafe-integer signal while one span is converted. */
interface Conversion {
  lossy: LossyField[];
  /** An INT64 value came back from JSON.parse rounded; the text must be re-read exactly. */
  unsafeInt: boolean;
  /** The parser's memo, where the last Resource is kept while it repeats. */
  memo?: ParseMemo;
  /**
   * Where the record was printed. Set in the span as it is made (the demux would add it
   * afterwards, changing the object's shape on every span).
   */
  origin: SpanOrigin;
}

function scalarFromTyped(type: string, v: unknown, path: string, cx: Conversion): AttributeValue {
  switch (type) {
    case 'STRING':
    case 'BOOL':
      return v as AttributeScalar;
    case 'INT64':
      if (typeof v === 'number' && !Number.isSafeInteger(v)) cx.unsafeInt = true;
      return v as AttributeScalar;
    case 'FLOAT64':
      // A float too long for JSON.parse's integer test comes back as bigint from the exact reader.
      return typeof v === 'bigint' ? Number(v) : (v as AttributeScalar);
    case 'BOOLSLICE':
    case 'STRINGSLICE':
      return Array.isArray(v) ? (v as AttributeScalar[]) : [];
    case 'INT64SLICE':
      if (!Array.isArray(v)) return [];
      for (const x of v) if (typeof x === 'number' && !Number.isSafeInteger(x)) cx.unsafeInt = true;
      return v as AttributeScalar[];
    case 'FLOAT64SLICE':
      if (!Array.isArray(v)) return [];
      return v.map((x) => (typeof x === 'bigint' ? Number(x) : x)) as AttributeScalar[];
    case 'BYTESLICE':
      cx.lossy.push({ path, reason: 'Go prints a []byte attribute as base64 text' });
      return typeof v === 'string' ? v : null;
    case 'EMPTY':
    case 'INVALID':
      return null;
    case 'SLICE': {
      // Newer otel-go: a slice of typed values, each {Type, Value}.
      if (!Array.isArray(v)) return null;
      const out: AttributeScalar[] = [];
      let flat = true;
      for (let k = 0; k < v.length; k++) {
        const item = v[k] as Json | null;
        const x = item && typeof item === 'object' ? scalarFromTyped(String(item.Type), item.Value, `${path}.${k}`, cx) : item;
        if (Array.isArray(x) || (x !== null && typeof x === 'object')) flat = false;
        out.push(x as AttributeScalar);
      }
      if (flat) return out;
      cx.lossy.push({ path, reason: 'a nested slice is shown as JSON text' });
      return JSON.stringify(v, bigintReplacer);
    }
    default:
      // MAP and any type this reader does not know: keep the printed value as text.
      if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
      cx.lossy.push({ path, reason: `a ${type} attribute is shown as JSON text` });
      return JSON.stringify(v, bigintReplacer);
  }
}

function bigintReplacer(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

function attributesFromGo(list: unknown, path: string, cx: Conversion): Attributes {
  const out: Attributes = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list as Json[]) {
    if (!kv || typeof kv !== 'object') continue;
    const key = kv.Key;
    if (typeof key !== 'string') continue;
    const value = kv.Value as Json | null;
    if (!value || typeof value !== 'object') {
      setAttribute(out, key, null);
      continue;
    }
    setAttribute(out, key, scalarFromTyped(String(value.Type), value.Value, `${path}.${key}`, cx));
  }
  return out;
}

/** The last Resource converted cleanly in this parse: its printed list and the converted map. */
interface SharedResource {
  list: Json[];
  resource: Attributes;
}

/**
 * Every span of a process prints the same Resource: when a span's list equals the previous one
 * (same keys, types and values, in order; -0 is not 0), the converted map is shared instead of
 * rebuilt.
 */
function resourceFromGo(list: unknown, cx: Conversion): Attributes {
  const last = cx.memo?.get('go-stdouttrace') as SharedResource | undefined;
  if (Array.isArray(list) && last && list.length === last.list.length) {
    let same = true;
    for (let i = 0; i < list.length && same; i++) {
      const a = list[i] as Json | null;
      const b = last.list[i];
      const av = a?.Value as Json | null | undefined;
      const bv = b?.Value as Json | null | undefined;
      same = !!a && !!av && !!bv && a.Key === b.Key && av.Type === bv.Type && Object.is(av.Value, bv.Value) && typeof av.Value !== 'object';
    }
    if (same) return last.resource;
  }
  const lossyBefore = cx.lossy.length;
  const converted = attributesFromGo(list, 'resource', cx);
  // Only a clean conversion is shared (a lossy one carries per-span notes).
  if (cx.memo && Array.isArray(list) && cx.lossy.length === lossyBefore && !cx.unsafeInt) {
    cx.memo.set('go-stdouttrace', { list: list as Json[], resource: converted } satisfies SharedResource);
  }
  return converted;
}

function statusFromGo(code: unknown): StatusCode {
  if (code === 'Error' || code === 1) return 'ERROR';
  if (code === 'Ok' || code === 2) return 'OK';
  return 'UNSET';
}

/**
 * The last trace id and parent span id read, as printed and lower-cased: spans of one trace (and
 * siblings) repeat them, and sharing the string read keeps one copy instead of one per span.
 */
let lastTraceRaw = '';
let lastTraceId = '';
let lastParentRaw = '';
let lastParentId = '';

function lowerTraceId(raw: string): string {
  if (raw !== lastTraceRaw) {
    lastTraceRaw = raw;
    lastTraceId = ownCopy(raw.toLowerCase());
  }
  return lastTraceId;
}

function lowerParentId(raw: string): string {
  if (raw !== lastParentRaw) {
    lastParentRaw = raw;
    lastParentId = ownCopy(raw.toLowerCase());
  }
  return lastParentId;
}

function count(v: unknown): number {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : 0;
}

/** True when `o` has the stdouttrace SpanStub shape (so a program's own JSON is left alone). */
function isGoSpanStub(o: unknown): o is Json {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return false;
  const r = o as Json;
  const sc = r.SpanContext as Json | undefined;
  return typeof r.Name === 'string' && !!sc && typeof sc === 'object' && isHexId(sc.TraceID, 32) && isHexId(sc.SpanID, 16);
}

/** The last scope object as parsed and what it was read as (records carrying a repeated tail share the parsed object). */
interface SharedScope {
  printed: unknown;
  scope: InstrumentationScope;
}

/** The scope read from its printed object; shared (frozen) while records repeat that object. */
function scopeFromGo(printed: unknown, memo: ParseMemo | undefined): InstrumentationScope {
  const last = memo?.get('go-stdouttrace-scope') as SharedScope | undefined;
  if (last && last.printed === printed) return last.scope;
  const o = (printed ?? {}) as Json;
  const scope = Object.freeze({
    name: typeof o.Name === 'string' ? o.Name : '',
    version: typeof o.Version === 'string' ? o.Version : null,
    schemaUrl: typeof o.SchemaURL === 'string' ? o.SchemaURL : null,
  });
  if (memo && printed && typeof printed === 'object') memo.set('go-stdouttrace-scope', { printed, scope } satisfies SharedScope);
  return scope;
}

/**
 * The members a SpanStub prints before Attributes, as a span needs them: read from the parsed
 * object (headFromJson) or straight from the text when it is printed as otel-go prints it
 * (readHead). The ids are as printed (hex, either case); the rest are the JSON values.
 */
interface GoHead {
  name: string;
  traceId: string;
  spanId: string;
  traceState: string | null;
  parentSpanId: unknown;
  parentRemote: unknown;
  kind: unknown;
  startTime: unknown;
  endTime: unknown;
  /** Read from the text: where the members after the head begin (`"Attributes"`); else -1. */
  end: number;
}

/**
 * The head of a record exactly as otel-go's encoder prints it, up to `"Attributes"`: pretty
 * (TAB-indented, `": "`) or compact. Captures Name, TraceID, SpanID, TraceState, the parent's
 * SpanID and Remote, SpanKind, StartTime and EndTime. Anything printed otherwise (another key
 * order, a null Parent, a non-hex id, a float kind) does not match, and the record is read whole.
 */
function goHeadPattern(pretty: boolean): RegExp {
  const a = pretty ? '\\n\\t' : '';
  const b = pretty ? '\\n\\t\\t' : '';
  const k = pretty ? ': ' : ':';
  return new RegExp(
    `\\{${a}"Name"${k}${JSON_STRING_BODY},` +
      `${a}"SpanContext"${k}\\{${b}"TraceID"${k}"([0-9a-fA-F]{32})",${b}"SpanID"${k}"([0-9a-fA-F]{16})",${b}"TraceFlags"${k}${ANY_JSON_STRING},${b}"TraceState"${k}${JSON_STRING_BODY},${b}"Remote"${k}(?:true|false)${a}\\},` +
      `${a}"Parent"${k}\\{${b}"TraceID"${k}${ANY_JSON_STRING},${b}"SpanID"${k}${JSON_STRING_BODY},${b}"TraceFlags"${k}${ANY_JSON_STRING},${b}"TraceState"${k}${ANY_JSON_STRING},${b}"Remote"${k}(true|false)${a}\\},` +
      `${a}"SpanKind"${k}(0|[1-9][0-9]{0,8}),${a}"StartTime"${k}${JSON_STRING_BODY},${a}"EndTime"${k}${JSON_STRING_BODY},${a}(?="Attributes"${k})`,
    'y',
  );
}
const PRETTY_HEAD = goHeadPattern(true);
const COMPACT_HEAD = goHeadPattern(false);

/** The head read from the text at `from`; undefined when it is not printed as otel-go prints it. */
function readHead(text: string, from = 0, re = text.charCodeAt(from + 1) === 10 ? PRETTY_HEAD : COMPACT_HEAD): GoHead | undefined {
  re.lastIndex = from;
  const m = re.exec(text);
  if (!m) return undefined;
  const traceState = m[4];
  return {
    name: ownCopy(jsonStringBody(m[1])),
    traceId: m[2],
    spanId: ownCopy(m[3].toLowerCase()),
    traceState: traceState === '' ? '' : ownCopy(jsonStringBody(traceState)),
    parentSpanId: jsonStringBody(m[5]),
    parentRemote: m[6] === 'true',
    kind: Number(m[7]),
    startTime: jsonStringBody(m[8]),
    endTime: jsonStringBody(m[9]),
    end: re.lastIndex,
  };
}

/** `null` is all of `text` from `from` to `to`. */
function isNullAt(text: string, from: number, to: number): boolean {
  return to - from === 4 && text.charCodeAt(from) === 110 && text.charCodeAt(from + 1) === 117 && text.charCodeAt(from + 2) === 108 && text.charCodeAt(from + 3) === 108;
}

/** The JSON value that is all of `text` from `from` to `to`; NOT_JSON when it is not one. */
function valueAt(text: string, from: number, to: number): unknown {
  if (isNullAt(text, from, to)) return null;
  try {
    return JSON.parse(text.slice(from, to));
  } catch {
    return NOT_JSON;
  }
}
const NOT_JSON = Symbol('not JSON');

/**
 * The record's members between a head read from the text (ending at `from`, at `"Attributes"`)
 * and a repeated status run (at `to`): Attributes, Events and Links, as otel-go prints them, each
 * value JSON.parse'd on its own. Undefined when the text there is anything else (the record is
 * then read whole). The keys are found by their first occurrence: one nested in a value would
 * leave that value's text unbalanced, which JSON.parse refuses.
 */
function listsBetween(text: string, from: number, to: number, pretty: boolean): Json | undefined {
  // Searched within the members only (`text` may be a whole chunk of output).
  const members = text.slice(from, to);
  // `"Attributes":` and, pretty-printed, a space.
  const a = pretty ? 14 : 13;
  const eventsKey = pretty ? ',\n\t"Events": ' : ',"Events":';
  const linksKey = pretty ? ',\n\t"Links": ' : ',"Links":';
  const e = members.indexOf(eventsKey, a);
  if (e < 0) return undefined;
  const l = members.indexOf(linksKey, e + eventsKey.length);
  if (l < 0) return undefined;
  const attributes = valueAt(members, a, e);
  const events = valueAt(members, e + eventsKey.length, l);
  const links = valueAt(members, l + linksKey.length, members.length);
  if (attributes === NOT_JSON || events === NOT_JSON || links === NOT_JSON) return undefined;
  return { Attributes: attributes, Events: events, Links: links };
}

/**
 * True when `o`, the members after a head read from the text, holds none of the head's keys
 * again (JSON's last key would win over the head read).
 */
function isRestOfStub(o: unknown): o is Json {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return false;
  const r = o as Json;
  return r.Name === undefined && r.SpanContext === undefined && r.Parent === undefined && r.SpanKind === undefined && r.StartTime === undefined && r.EndTime === undefined;
}

/** The head of a record that isGoSpanStub accepted. */
function headFromJson(r: Json): GoHead {
  const sc = r.SpanContext as Json;
  const parent = r.Parent as Json | null | undefined;
  const p = parent && typeof parent === 'object' ? parent : undefined;
  return {
    name: r.Name as string,
    traceId: sc.TraceID as string,
    spanId: sc.SpanID as string,
    traceState: typeof sc.TraceState === 'string' ? sc.TraceState : null,
    parentSpanId: p?.SpanID,
    parentRemote: p?.Remote,
    kind: r.SpanKind,
    startTime: r.StartTime,
    endTime: r.EndTime,
    end: -1,
  };
}

/**
 * Convert one SpanStub: its head and its other members `r`; `cx.unsafeInt` tells the caller to
 * re-read the text exactly. `sharedResource`, when given, is the span's resource already read
 * from a repeated tail; `middle`, the record's Status … DroppedLinks members read from a
 * repeated run of them.
 */
function spanFromGo(h: GoHead, r: Json, cx: Conversion, sharedResource?: Attributes, middle?: Json, sharedScope?: InstrumentationScope): Span {
  const m = middle ?? r;
  let parentSpanId: string | null = null;
  let parentIsRemote: boolean | null = null;
  if (isHexId(h.parentSpanId, 16) && h.parentSpanId !== ZERO_SPAN_ID) {
    parentSpanId = lowerParentId(h.parentSpanId);
    parentIsRemote = typeof h.parentRemote === 'boolean' ? h.parentRemote : null;
  }
  let unknown: UnknownField[] | undefined;
  let start = 0n;
  let end: bigint | null = 0n;
  if (isGoZeroTime(h.startTime)) {
    unknown = ['time'];
  } else {
    const readStart = typeof h.startTime === 'string' ? rfc3339ToUnixNano(h.startTime) : null;
    if (readStart === null) cx.lossy.push({ path: 'startTimeUnixNano', reason: `unreadable time ${String(h.startTime)}` });
    start = readStart ?? 0n;
    end = typeof h.endTime === 'string' && !isGoZeroTime(h.endTime) ? rfc3339ToUnixNano(h.endTime) : null;
  }
  let events = NO_EVENTS;
  if (Array.isArray(r.Events) && r.Events.length) {
    events = [];
    const list = r.Events as Json[];
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      if (!e || typeof e !== 'object') continue;
      const t = e.Time;
      events.push({
        name: typeof e.Name === 'string' ? e.Name : '',
        // A zeroed event time (WithoutTimestamps) is a placeholder like the span's.
        timeUnixNano: typeof t === 'string' && !isGoZeroTime(t) ? (rfc3339ToUnixNano(t) ?? 0n) : 0n,
        attributes: attributesFromGo(e.Attributes, `events.${i}.attributes`, cx),
        droppedAttributesCount: count(e.DroppedAttributeCount),
      });
    }
  }
  let links = NO_LINKS;
  if (Array.isArray(r.Links) && r.Links.length) {
    links = [];
    const list = r.Links as Json[];
    for (let i = 0; i < list.length; i++) {
      const l = list[i];
      if (!l || typeof l !== 'object') continue;
      const lc = (l.SpanContext ?? {}) as Json;
      links.push({
        traceId: typeof lc.TraceID === 'string' ? lc.TraceID.toLowerCase() : '',
        spanId: typeof lc.SpanID === 'string' ? lc.SpanID.toLowerCase() : '',
        traceState: typeof lc.TraceState === 'string' ? lc.TraceState : null,
        attributes: attributesFromGo(l.Attributes, `links.${i}.attributes`, cx),
        droppedAttributesCount: count(l.DroppedAttributeCount),
      });
    }
  }
  const status = (m.Status ?? {}) as Json;
  const kind = typeof h.kind === 'number' ? h.kind : 1;
  const span: Span = {
    traceId: lowerTraceId(h.traceId),
    spanId: h.spanId.toLowerCase(),
    parentSpanId,
    parentIsRemote,
    name: h.name,
    kind: GO_KINDS[kind] ?? 'INTERNAL',
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes: attributesFromGo(r.Attributes, 'attributes', cx),
    droppedAttributesCount: count(m.DroppedAttributes),
    events,
    droppedEventsCount: count(m.DroppedEvents),
    links,
    droppedLinksCount: count(m.DroppedLinks),
    status: statusOf(statusFromGo(status.Code), typeof status.Description === 'string' ? status.Description : null),
    traceState: h.traceState,
    resource: sharedResource ?? resourceFromGo(r.Resource, cx),
    scope: sharedScope ?? scopeFromGo(r.InstrumentationScope ?? r.InstrumentationLibrary, cx.memo),
    origin: cx.origin,
  };
  if (cx.lossy.length) span.lossy = cx.lossy;
  if (unknown) span.unknown = unknown;
  return span;
}

/** The members a Go record's tail may hold: they follow Resource in every otel-go version. */
const GO_TAIL_KEYS: readonly string[] = ['Resource', 'InstrumentationScope', 'InstrumentationLibrary'];
const GO_TAILS = 'go-stdouttrace-tails';

/** A Go tail read: the scope members' keys and values as parsed (copied into each record) and the resource map. */
interface GoTail {
  keys: string[];
  values: unknown[];
  resource: Attributes;
  /**
   * The scope read once from the tail, when the tail decides it whatever the record holds before
   * it: a non-null InstrumentationScope (read first), or InstrumentationLibrary alone for a record
   * without a non-null InstrumentationScope of its own (`onlyLibrary`).
   */
  scope?: InstrumentationScope;
  onlyLibrary?: boolean;
  /** Line breaks in the tail (the last one before the record's `}`), or -1 when a line before that `}` is not indented. */
  breaks: number;
}

/**
 * Read a record (compact line or pretty block) whose tail repeats a remembered one: JSON.parse of
 * the rest, the scope members and the resource map taken from the tail. Undefined when no tail
 * matches or anything is unusual (the caller reads the record whole, with the same result).
 */
function readWithRepeatedTail(text: string, memo: ParseMemo | undefined, origin: SpanOrigin): Span | undefined {
  const tail = findTail(text, memo?.get(GO_TAILS) as RepeatedTail<GoTail>[] | undefined);
  if (!tail) return undefined;
  const cut = text.length - tail.text.length;
  const childCount = childSpanCountAt(text, cut);
  const middle = childCount > 0 ? (memo!.get(GO_MIDDLE) as RepeatedMiddle | undefined) : undefined;
  const head = readHead(text);
  const from = head ? head.end : 0;
  const skipFrom = middle && childCount - middle.text.length > from && text.slice(childCount - middle.text.length, childCount) === middle.text ? childCount - middle.text.length : 0;
  let value: Json | undefined;
  // Head, Attributes, Events, Links, the repeated status run, ChildSpanCount, the repeated tail:
  // only the three lists are left to read.
  if (head && skipFrom) value = listsBetween(text, from, skipFrom, text.charCodeAt(1) === 10);
  if (!value) {
    value = parseWithoutTail(text, tail.text.length, skipFrom, skipFrom ? childCount : 0, from);
    if (!value || (head ? !isRestOfStub(value) : !isGoSpanStub(value))) return undefined;
  }
  if (!skipFrom && childCount > 0) rememberMiddle(text, childCount, memo!);
  return spanWithTail(head ?? headFromJson(value), value, tail.shared, skipFrom ? middle!.members : undefined, memo, origin);
}

/** The span of a record read without its repeated tail (and status run, when `middle` is given). */
function spanWithTail(head: GoHead, value: Json, shared: GoTail, middle: Json | undefined, memo: ParseMemo | undefined, origin: SpanOrigin): Span | undefined {
  let scope: InstrumentationScope | undefined;
  if (shared.scope && (!shared.onlyLibrary || value.InstrumentationScope === undefined || value.InstrumentationScope === null)) {
    scope = shared.scope;
  } else {
    // The members override the record's own (JSON's last key wins).
    for (let i = 0; i < shared.keys.length; i++) value[shared.keys[i]] = shared.values[i];
  }
  const cx: Conversion = { lossy: [], unsafeInt: false, memo, origin };
  const span = spanFromGo(head, value, cx, shared.resource, middle, scope);
  return cx.unsafeInt ? undefined : span;
}

/** Line breaks in `text` from `from` to `to`, or -1 when a line there does not start with a space or TAB. */
function indentedBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) {
    const c = text.charCodeAt(i + 1);
    if (c !== 9 && c !== 32) return -1;
    n++;
  }
  return n;
}

/** Line breaks in the pretty head (its strings hold none): one per `\n` the pattern spells. */
const PRETTY_HEAD_BREAKS = PRETTY_HEAD.source.split('\\n').length - 1;
const CHILD_KEY = 'ChildSpanCount": ';
/** How far after its head a record read in place may end; a longer one is collected as a block. */
const RECORD_WINDOW = 16 * 1024;

/** A pretty record read in place: its span, the index of its closing `}`, its line breaks. */
export interface RecordAt {
  span: Span;
  close: number;
  breaks: number;
}

/**
 * A pretty-printed record read in place in the stream's text, from its `{` line at `from`, with
 * no block collected first: when it is printed as the records before it were (their remembered
 * tail and status run), every line indented, `}` alone on the last. Undefined otherwise: the
 * block is then collected and read as usual, with the same result.
 *
 * The text is verified piece by piece: the head (a pattern), Attributes/Events/Links (each a JSON
 * value), the status run, `,"ChildSpanCount": N` and the tail (both compared as text), so the
 * record is exactly that JSON.
 */
export function readPrettyAt(text: string, from: number, startLine: number, memo: ParseMemo): RecordAt | undefined {
  const tails = memo.get(GO_TAILS) as RepeatedTail<GoTail>[] | undefined;
  const middle = memo.get(GO_MIDDLE) as RepeatedMiddle | undefined;
  if (!tails || !middle || middle.breaks < 0) return undefined;
  const head = readHead(text, from, PRETTY_HEAD);
  if (!head) return undefined;
  // `,\n\t"ChildSpanCount": N`, right after the status run; looked for in a window, so that
  // heads without it cost a bounded search each, not one to the end of the output.
  const w = text.slice(head.end, head.end + RECORD_WINDOW).indexOf(CHILD_KEY);
  const k = head.end + w;
  const comma = k - 4;
  if (w < 0 || text.charCodeAt(comma) !== 44 || text.charCodeAt(comma + 1) !== 10 || text.charCodeAt(comma + 2) !== 9 || text.charCodeAt(comma + 3) !== 34) return undefined;
  const run = comma - middle.text.length;
  if (run <= head.end || text.slice(run, comma) !== middle.text) return undefined;
  const d = k + CHILD_KEY.length;
  let e = d;
  while (text.charCodeAt(e) >= 48 && text.charCodeAt(e) <= 57) e++;
  if (e === d || (text.charCodeAt(d) === 48 && e > d + 1)) return undefined;
  let tail: RepeatedTail<GoTail> | undefined;
  for (const t of tails) if (t.shared.breaks >= 0 && text.slice(e, e + t.text.length) === t.text) tail = t;
  if (!tail) return undefined;
  const close = e + tail.text.length - 1;
  if (text.charCodeAt(close + 1) !== 10) return undefined;
  const lists = indentedBreaks(text, head.end, run);
  if (lists < 0) return undefined;
  const value = listsBetween(text, head.end, run, true);
  if (!value) return undefined;
  const breaks = PRETTY_HEAD_BREAKS + lists + middle.breaks + 1 + tail.shared.breaks;
  const span = spanWithTail(head, value, tail.shared, middle.members, memo, { format: 'go-stdouttrace', line: startLine, endLine: startLine + breaks });
  return span ? { span, close, breaks } : undefined;
}

/**
 * The members between Links and ChildSpanCount, as printed: `,"Status":{…},"DroppedAttributes":0,
 * "DroppedEvents":0,"DroppedLinks":0`. Most spans print the same text there, so it is left out of
 * JSON.parse like the tail and its values are copied in.
 */
interface RepeatedMiddle {
  text: string;
  /** All of GO_MIDDLE_KEYS: plain values and a Status object of plain values, only ever read. */
  members: Json;
  /** Its line breaks, or -1 when a line in it does not start with a space or TAB. */
  breaks: number;
}
const GO_MIDDLE = 'go-stdouttrace-status-run';
const GO_MIDDLE_KEYS: readonly string[] = ['Status', 'DroppedAttributes', 'DroppedEvents', 'DroppedLinks'];

/**
 * Where the `,"ChildSpanCount": N` member ending at `end` begins (its comma), or -1. Only digits
 * may follow the key, so the comma is at the record's top level when `end` is.
 */
function childSpanCountAt(text: string, end: number): number {
  let i = end - 1;
  while (i > 0 && isJsonSpace(text.charCodeAt(i))) i--;
  const lastDigit = i;
  while (i > 0 && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i--;
  // A JSON integer: digits, no leading zero (the member may be left out of JSON.parse).
  if (i === lastDigit || (text.charCodeAt(i + 1) === 48 && lastDigit > i + 1)) return -1;
  while (i > 0 && isJsonSpace(text.charCodeAt(i))) i--;
  if (text.charCodeAt(i) !== 58 /* : */) return -1;
  i--;
  while (i > 0 && isJsonSpace(text.charCodeAt(i))) i--;
  const key = '"ChildSpanCount"';
  if (i < key.length || !text.endsWith(key, i + 1)) return -1;
  i -= key.length;
  while (i > 0 && isJsonSpace(text.charCodeAt(i))) i--;
  return i > 0 && text.charCodeAt(i) === 44 ? i : -1;
}

function rememberMiddle(text: string, childCount: number, memo: ParseMemo): void {
  const k = text.lastIndexOf('"Status":', childCount);
  let comma = k - 1;
  while (comma > 0 && isJsonSpace(text.charCodeAt(comma))) comma--;
  if (k < 0 || comma <= 0 || text.charCodeAt(comma) !== 44) return;
  const middle = text.slice(comma, childCount);
  let members: Json;
  try {
    // Parses only when the members are whole and at the top level (as for a tail).
    members = JSON.parse('{' + middle.slice(1) + '}') as Json;
  } catch {
    return;
  }
  for (const key in members) {
    const v = members[key];
    if (!GO_MIDDLE_KEYS.includes(key)) return;
    if (v === null || typeof v !== 'object') continue;
    if (key !== 'Status' || Array.isArray(v)) return;
    for (const x of Object.values(v)) if (x !== null && typeof x === 'object') return;
  }
  if (Object.keys(members).length !== GO_MIDDLE_KEYS.length) return;
  memo.set(GO_MIDDLE, { text: middle, members, breaks: indentedBreaks(middle, 0, middle.length) } satisfies RepeatedMiddle);
}

/**
 * After a record was read whole: remember its tail when its resource was read cleanly (it is the
 * map the parser shares, which holds no lossy or rounded values) and the tail is not known yet.
 */
function rememberGoTail(text: string, span: Span, memo: ParseMemo | undefined): void {
  if (!memo || span.resource !== (memo.get('go-stdouttrace') as SharedResource | undefined)?.resource) return;
  const tails = memo.get(GO_TAILS) as RepeatedTail<GoTail>[] | undefined;
  if (findTail(text, tails)) return;
  const tail = readTail(text, '"Resource":', GO_TAIL_KEYS);
  if (!tail) return;
  const members = tail.members;
  delete members.Resource;
  const t = tail.text;
  const breaks = t.charCodeAt(t.length - 2) === 10 ? indentedBreaks(t, 0, t.length - 2) : -1;
  const shared: GoTail = { keys: Object.keys(members), values: Object.values(members), resource: span.resource, breaks: breaks < 0 ? -1 : breaks + 1 };
  const own = members.InstrumentationScope;
  const library = members.InstrumentationLibrary;
  if (own !== undefined && own !== null) shared.scope = scopeFromGo(own, undefined);
  else if (own === undefined && library !== undefined && library !== null) {
    shared.scope = scopeFromGo(library, undefined);
    shared.onlyLibrary = true;
  }
  rememberTail<GoTail>(memo, GO_TAILS, { text: tail.text, shared });
}

function firstKeyIsName(line: string | undefined): boolean {
  // Go's encoder writes Name first, indented with one TAB (any indent is accepted).
  if (line === undefined) return false;
  let i = 0;
  while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++;
  return i > 0 && line.startsWith('"Name": ', i);
}

/** Go stdouttrace with `WithPrettyPrint()`. */
export const goStdouttracePretty: BlockFormat = {
  name: 'go-stdouttrace',
  parseBlockText(block: Block, startLine: number, memo?: ParseMemo): BlockResult | null {
    if (block.lineCount < 4 || !firstKeyIsName(block.second)) return null;
    const text = block.text;
    const origin: SpanOrigin = { format: 'go-stdouttrace', line: startLine, endLine: startLine + block.lineCount - 1 };
    const fast = readWithRepeatedTail(text, memo, origin);
    if (fast) return { spans: [fast] };
    const read = readJsonRecord(text);
    if ('error' in read) {
      if (!text.includes('"SpanContext"')) return null;
      return { spans: [], unparsedReason: `a Go stdouttrace span is not valid JSON (${read.error})` };
    }
    const value = read.value;
    if (!isGoSpanStub(value)) return null;
    let cx: Conversion = { lossy: [], unsafeInt: false, memo, origin };
    let span = spanFromGo(headFromJson(value), value, cx);
    if (cx.unsafeInt) {
      cx = { lossy: [], unsafeInt: false, memo, origin };
      const exact = parseJsonLoose(text) as Json;
      span = spanFromGo(headFromJson(exact), exact, cx);
    }
    rememberGoTail(text, span, memo);
    return { spans: [span] };
  },
  readAt: (text, from, startLine, memo) => readPrettyAt(text, from, startLine, memo),
};

/** Go stdouttrace default output: one compact JSON object per line. */
export const goStdouttraceLines: JsonLineFormat = {
  name: 'go-stdouttrace',
  parseLine(json: string, line: number, _raw: string, memo?: ParseMemo): Span[] | undefined {
    const span = readWithRepeatedTail(json, memo, { format: 'go-stdouttrace', line, endLine: line });
    return span ? [span] : undefined;
  },
  parseValue(value: unknown, line: number, raw: string, memo?: ParseMemo): Span[] | null {
    if (!isGoSpanStub(value)) return null;
    const origin: SpanOrigin = { format: 'go-stdouttrace', line, endLine: line };
    let cx: Conversion = { lossy: [], unsafeInt: false, memo, origin };
    const span = spanFromGo(headFromJson(value), value, cx);
    if (!cx.unsafeInt) {
      if (memo) rememberGoTail(raw.slice(raw.indexOf('{')).trimEnd(), span, memo);
      return [span];
    }
    // The demux normally re-reads long integers exactly; this covers a value it did not.
    const start = raw.indexOf('{');
    cx = { lossy: [], unsafeInt: false, memo, origin };
    try {
      const exact = parseJsonLoose(raw.slice(start).trimEnd()) as Json;
      return [spanFromGo(headFromJson(exact), exact, cx)];
    } catch {
      return [span];
    }
  },
};
