/**
 * OTLP JSON (`{"resourceSpans": [{resource, scopeSpans: [{scope, spans}]}]}`) as the OpenTelemetry
 * file exporters, the Collector's file exporter and Java's OtlpStdoutSpanExporter write it: one
 * export per line, or a pretty-printed file. Follows the OTLP/JSON mapping: hex ids (base64 ids,
 * the protobuf-JSON default, are accepted too), 64-bit integers as strings or numbers, enums as
 * numbers or names, lowerCamelCase keys (the original snake_case names are accepted as well).
 */
import type { AttributeScalar, AttributeValue, Attributes, InstrumentationScope, LossyField, Span, SpanEvent, SpanKind, SpanLink, SpanOrigin, SpanStatus, StatusCode } from '../model';
import { NO_EVENTS, NO_LINKS, statusOf } from '../model';
import { parseJsonLoose, readJsonRecord } from './kernel/json';
import { setAttribute } from './kernel/attributes';
import { hexId, isZeroId, skippedReason } from './kernel/ids';
import type { BlockFormat, BlockResult, JsonLineFormat, Block, ParseMemo } from './types';

type Json = Record<string, unknown>;

const OTLP_KINDS: readonly SpanKind[] = ['INTERNAL', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const KIND_NAMES: Record<string, SpanKind> = {
  SPAN_KIND_UNSPECIFIED: 'INTERNAL',
  SPAN_KIND_INTERNAL: 'INTERNAL',
  SPAN_KIND_SERVER: 'SERVER',
  SPAN_KIND_CLIENT: 'CLIENT',
  SPAN_KIND_PRODUCER: 'PRODUCER',
  SPAN_KIND_CONSUMER: 'CONSUMER',
};
/** Span flags bits (trace.proto SpanFlags): whether the parent's remoteness is known, and its value. */
const FLAG_HAS_IS_REMOTE = 0x100;
const FLAG_IS_REMOTE = 0x200;

/** Per-record conversion state: lossy marks of the span being read, and the exactness signal. */
interface Conversion {
  lossy: LossyField[];
  /** A 64-bit value came back from JSON.parse rounded; the text must be re-read exactly. */
  unsafeNumber: boolean;
  /** Spans skipped because their ids could not be read. */
  skipped: number;
  /** Where the export was printed, when the reader knows: every span of the export shares it. */
  origin?: SpanOrigin;
}

function field(o: Json, camel: string, snake: string): unknown {
  const v = o[camel];
  return v !== undefined ? v : o[snake];
}

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** An id as lower-case hex: OTLP/JSON hex, or base64 of exactly `bytes` bytes; '' when neither. */
function otlpId(v: unknown, bytes: 16 | 8): string {
  if (typeof v !== 'string' || v.length === 0) return '';
  if (v.length === bytes * 2) {
    const hex = hexId(v, bytes * 2);
    if (hex !== null) return hex;
  }
  if (v.length === Math.ceil(bytes / 3) * 4 && BASE64.test(v)) return base64ToHex(v, bytes);
  return '';
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decode base64 (standard or URL alphabet) to hex when it holds exactly `bytes` bytes, else ''. */
function base64ToHex(v: string, bytes: number): string {
  let hex = '';
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < v.length; i++) {
    const ch = v[i];
    if (ch === '=') break;
    let d = B64.indexOf(ch);
    if (d < 0) d = ch === '-' ? 62 : ch === '_' ? 63 : -1;
    if (d < 0) return '';
    acc = (acc << 6) | d;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      hex += ((acc >> bits) & 0xff).toString(16).padStart(2, '0');
    }
  }
  return hex.length === bytes * 2 ? hex : '';
}

/** fixed64 nanoseconds: a decimal string, a number (exact only up to 2^53), or an exact bigint. */
function nanos(v: unknown, cx: Conversion): bigint | null {
  if (typeof v === 'string') {
    if (v.length === 0) return null;
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c < 48 || c > 57) return null;
    }
    return BigInt(v);
  }
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isFinite(v)) {
    if (!Number.isSafeInteger(v)) cx.unsafeNumber = true;
    return BigInt(Math.round(v));
  }
  return null;
}

function count(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number(v) || 0;
  if (typeof v === 'bigint') return Number(v);
  return 0;
}

/** int64 as OTLP/JSON writes it (a decimal string) or a plain number. */
function int64(v: unknown, cx: Conversion): number | bigint | string {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) cx.unsafeNumber = true;
    return v;
  }
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (typeof v === 'string') {
    if (v.length < 16) {
      const n = Number(v);
      if (Number.isInteger(n)) return n;
    } else if (/^-?\d+$/.test(v)) {
      const b = BigInt(v);
      return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
    }
    return v;
  }
  return String(v);
}

/** double as protobuf JSON writes it: a number, or "NaN" / "Infinity" / "-Infinity" strings. */
function double(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return Number(v);
}

function bigintReplacer(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

/** Nesting kept in the JSON text of a nested value; deeper levels are cut (and said), so no value can overflow the stack. */
const MAX_VALUE_DEPTH = 64;

/** What stands where a value was nested deeper than MAX_VALUE_DEPTH. */
const CUT_VALUE = `… (nested deeper than ${MAX_VALUE_DEPTH} levels: cut)`;

/** An AnyValue as plain data (maps as objects), for the JSON text of values the model cannot hold. */
function plainAnyValue(av: unknown, cx: Conversion, path: string, depth = 0): unknown {
  if (!av || typeof av !== 'object') return null;
  if (depth >= MAX_VALUE_DEPTH) {
    cx.lossy.push({ path, reason: `a value nested deeper than ${MAX_VALUE_DEPTH} levels is cut there` });
    return CUT_VALUE;
  }
  const o = av as Json;
  const kv = field(o, 'kvlistValue', 'kvlist_value') as Json | undefined;
  if (kv && typeof kv === 'object') {
    const out: Json = {};
    const values = kv.values;
    if (Array.isArray(values)) for (const e of values as Json[]) if (e && typeof e.key === 'string') setAttribute(out, e.key, plainAnyValue(e.value, cx, path, depth + 1));
    return out;
  }
  const arr = field(o, 'arrayValue', 'array_value') as Json | undefined;
  if (arr && typeof arr === 'object') return Array.isArray(arr.values) ? arr.values.map((x) => plainAnyValue(x, cx, path, depth + 1)) : [];
  return scalarAnyValue(o, cx);
}

function scalarAnyValue(o: Json, cx: Conversion): AttributeScalar | null | undefined {
  // Named loads rather than field(): see spanFromOtlp.
  let v = o.stringValue !== undefined ? o.stringValue : o.string_value;
  if (v !== undefined) return typeof v === 'string' ? v : text(v, cx);
  v = o.intValue !== undefined ? o.intValue : o.int_value;
  if (v !== undefined) return int64(v, cx);
  v = o.doubleValue !== undefined ? o.doubleValue : o.double_value;
  if (v !== undefined) return double(v);
  v = o.boolValue !== undefined ? o.boolValue : o.bool_value;
  if (v !== undefined) return v === true || v === 'true';
  v = o.bytesValue !== undefined ? o.bytesValue : o.bytes_value;
  if (v !== undefined) return typeof v === 'string' ? v : text(v, cx);
  return undefined;
}

/** A value that should have been a string, as text; a number JSON.parse rounded asks for an exact re-read. */
function text(v: unknown, cx: Conversion): string {
  if (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)) cx.unsafeNumber = true;
  return String(v);
}

/** One AnyValue as an attribute value; maps, nested arrays and bytes are kept as text and marked lossy. */
function anyValue(av: unknown, path: string, cx: Conversion): AttributeValue {
  if (!av || typeof av !== 'object') return null;
  const o = av as Json;
  const s = scalarAnyValue(o, cx);
  if (s !== undefined) {
    if (o.bytesValue !== undefined || o.bytes_value !== undefined) cx.lossy.push({ path, reason: 'a bytes value is shown as base64 text' });
    return s;
  }
  const arr = field(o, 'arrayValue', 'array_value') as Json | undefined;
  if (arr && typeof arr === 'object') {
    const values = Array.isArray(arr.values) ? (arr.values as Json[]) : [];
    const out: AttributeScalar[] = [];
    for (const x of values) {
      const item = x && typeof x === 'object' ? scalarAnyValue(x, cx) : undefined;
      if (item === undefined || item === null) {
        if (x && typeof x === 'object' && Object.keys(x).length === 0) {
          // An empty AnyValue inside an array is an explicit null.
          out.push(null as unknown as AttributeScalar);
          continue;
        }
        cx.lossy.push({ path, reason: 'an array holding arrays or maps is shown as JSON text' });
        return JSON.stringify(plainAnyValue(av, cx, path), bigintReplacer);
      }
      out.push(item);
    }
    return out;
  }
  const kv = field(o, 'kvlistValue', 'kvlist_value');
  if (kv && typeof kv === 'object') {
    cx.lossy.push({ path, reason: 'a map value (kvlistValue) is shown as JSON text' });
    return JSON.stringify(plainAnyValue(av, cx, path), bigintReplacer);
  }
  return null;
}

function attributes(list: unknown, path: string, cx: Conversion): Attributes {
  if (!Array.isArray(list) || list.length === 0) return NO_ATTRIBUTES;
  const out: Attributes = {};
  for (let i = 0; i < list.length; i++) {
    const kv = list[i] as Json | null;
    if (!kv || typeof kv !== 'object' || typeof kv.key !== 'string') continue;
    setAttribute(out, kv.key, anyValue(kv.value, `${path}.${kv.key}`, cx));
  }
  return out;
}

function kindFrom(v: unknown): SpanKind {
  if (typeof v === 'number') return OTLP_KINDS[v] ?? 'INTERNAL';
  if (typeof v === 'string') return KIND_NAMES[v] ?? OTLP_KINDS[Number(v)] ?? 'INTERNAL';
  return 'INTERNAL';
}

function statusFrom(v: unknown): StatusCode {
  if (v === 1 || v === 'STATUS_CODE_OK' || v === '1') return 'OK';
  if (v === 2 || v === 'STATUS_CODE_ERROR' || v === '2') return 'ERROR';
  return 'UNSET';
}

function str(v: unknown, fallback: string): string {
  return typeof v === 'string' ? v : fallback;
}

/** Shared by every span without attributes; frozen, so a change throws instead of reaching other spans. */
const NO_ATTRIBUTES: Attributes = Object.freeze({}) as Attributes;

function otlpStatus(v: unknown): SpanStatus {
  const status = (v ?? {}) as Json;
  // proto3 omits empty strings, so an absent message is the empty one.
  return statusOf(statusFrom(status.code), str(status.message, ''));
}

function eventsOf(raw: unknown, start: bigint | null, cx: Conversion): SpanEvent[] {
  if (!Array.isArray(raw) || raw.length === 0) return NO_EVENTS;
  const events: SpanEvent[] = [];
  for (let i = 0; i < raw.length; i++) {
    const e = raw[i] as Json | null;
    if (!e || typeof e !== 'object') continue;
    events.push({
      name: str(e.name, ''),
      timeUnixNano: nanos(e.timeUnixNano !== undefined ? e.timeUnixNano : e.time_unix_nano, cx) ?? start ?? 0n,
      attributes: attributes(e.attributes, `events.${i}.attributes`, cx),
      droppedAttributesCount: count(e.droppedAttributesCount !== undefined ? e.droppedAttributesCount : e.dropped_attributes_count),
    });
  }
  return events;
}

function linksOf(raw: unknown, cx: Conversion): SpanLink[] {
  if (!Array.isArray(raw) || raw.length === 0) return NO_LINKS;
  const links: SpanLink[] = [];
  for (let i = 0; i < raw.length; i++) {
    const l = raw[i] as Json | null;
    if (!l || typeof l !== 'object') continue;
    links.push({
      traceId: otlpId(field(l, 'traceId', 'trace_id'), 16),
      spanId: otlpId(field(l, 'spanId', 'span_id'), 8),
      traceState: str(field(l, 'traceState', 'trace_state'), ''),
      attributes: attributes(l.attributes, `links.${i}.attributes`, cx),
      droppedAttributesCount: count(field(l, 'droppedAttributesCount', 'dropped_attributes_count')),
    });
  }
  return links;
}

/*
 * The span fields are read as `s.camel !== undefined ? s.camel : s.snake` at each site rather than
 * through field(): a named property load per site stays monomorphic (spans of one exporter share
 * one shape), where field()'s keyed loads with changing keys were megamorphic.
 */
function spanFromOtlp(s: Json, resource: Attributes, scope: InstrumentationScope, cx: Conversion): Span | null {
  const traceId = otlpId(s.traceId !== undefined ? s.traceId : s.trace_id, 16);
  const spanId = otlpId(s.spanId !== undefined ? s.spanId : s.span_id, 8);
  if (!traceId || !spanId) {
    cx.skipped++;
    return null;
  }
  // Marks of the previous span went with it; an unused (empty) list is kept for the next span.
  if (cx.lossy.length) cx.lossy = [];
  const parent = otlpId(s.parentSpanId !== undefined ? s.parentSpanId : s.parent_span_id, 8);
  const parentSpanId = parent && !isZeroId(parent) ? parent : null;
  const flags = count(s.flags);
  const start = nanos(s.startTimeUnixNano !== undefined ? s.startTimeUnixNano : s.start_time_unix_nano, cx);
  const endRaw = nanos(s.endTimeUnixNano !== undefined ? s.endTimeUnixNano : s.end_time_unix_nano, cx);
  const span: Span = {
    traceId,
    spanId,
    parentSpanId,
    // OTLP only knows the parent's remoteness when the HAS_IS_REMOTE bit is set.
    parentIsRemote: parentSpanId && flags & FLAG_HAS_IS_REMOTE ? (flags & FLAG_IS_REMOTE) !== 0 : null,
    name: str(s.name, ''),
    kind: kindFrom(s.kind),
    startTimeUnixNano: start ?? 0n,
    // proto3 omits a zero end time; such a span carries no end.
    endTimeUnixNano: endRaw === null || endRaw === 0n ? null : endRaw,
    attributes: attributes(s.attributes, 'attributes', cx),
    droppedAttributesCount: count(s.droppedAttributesCount !== undefined ? s.droppedAttributesCount : s.dropped_attributes_count),
    events: eventsOf(s.events, start, cx),
    droppedEventsCount: count(s.droppedEventsCount !== undefined ? s.droppedEventsCount : s.dropped_events_count),
    links: linksOf(s.links, cx),
    droppedLinksCount: count(s.droppedLinksCount !== undefined ? s.droppedLinksCount : s.dropped_links_count),
    status: otlpStatus(s.status),
    // proto3 omits empty strings, so an absent trace state is the empty one.
    traceState: str(s.traceState !== undefined ? s.traceState : s.trace_state, ''),
    // Shared by the spans of an export and, while it repeats, of later exports: never changed after.
    resource,
    scope,
    // Set as the span is made: adding it afterwards would change every span's shape.
    origin: cx.origin,
  };
  if (start === null) span.unknown = ['time'];
  if (cx.lossy.length) span.lossy = cx.lossy;
  return span;
}

function scopeFrom(ss: Json, memo: ParseMemo | undefined): InstrumentationScope {
  const sc = ((ss.scope !== undefined ? ss.scope : ss.instrumentationLibrary) ?? ss.instrumentation_library ?? {}) as Json;
  const version = sc && typeof sc === 'object' ? sc.version : undefined;
  const schemaUrl = ss.schemaUrl !== undefined ? ss.schemaUrl : ss.schema_url;
  const name = sc && typeof sc === 'object' ? str(sc.name, '') : '';
  const v = typeof version === 'string' ? version : null;
  const u = typeof schemaUrl === 'string' ? schemaUrl : null;
  // The same scope repeats export after export: one object for all of them.
  const last = memo?.get('otlp-json.scope') as InstrumentationScope | undefined;
  if (last && last.name === name && last.version === v && last.schemaUrl === u) return last;
  const scope = { name, version: v, schemaUrl: u };
  memo?.set('otlp-json.scope', scope);
  return scope;
}

/** The last resource read cleanly in this parse: its printed attribute list and the converted map. */
interface SharedResource {
  list: Json[];
  resource: Attributes;
}

/**
 * Every export of a process prints the same resource: when an export's attribute list equals the
 * previous one (same keys and plain values, in order; -0 is not 0), the map read then is shared.
 */
function resourceFrom(list: unknown, cx: Conversion, memo: ParseMemo | undefined): Attributes {
  const last = memo?.get('otlp-json.resource') as SharedResource | undefined;
  if (last && Array.isArray(list) && sameAttributeList(list, last.list)) return last.resource;
  const resource = attributes(list, 'resource', cx);
  if (memo && Array.isArray(list) && !cx.lossy.length && !cx.unsafeNumber && list.every(isPlainKeyValue)) {
    memo.set('otlp-json.resource', { list: list as Json[], resource } satisfies SharedResource);
  }
  return resource;
}

/** `{key, value: {xValue: <string, number or boolean>}}`: a pair whose reading depends on nothing else. */
function isPlainKeyValue(kv: unknown): boolean {
  if (!kv || typeof kv !== 'object') return false;
  const value = (kv as Json).value;
  if (typeof (kv as Json).key !== 'string' || !value || typeof value !== 'object' || Array.isArray(value)) return false;
  for (const k in value as Json) {
    const x = (value as Json)[k];
    if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') return false;
  }
  return true;
}

function sameAttributeList(list: unknown[], last: Json[]): boolean {
  if (list.length !== last.length) return false;
  for (let i = 0; i < list.length; i++) {
    const a = list[i] as Json | null;
    const b = last[i];
    if (!a || typeof a !== 'object' || a.key !== b.key) return false;
    const av = a.value as Json | null;
    const bv = b.value as Json;
    if (!av || typeof av !== 'object' || Array.isArray(av)) return false;
    let n = 0;
    for (const k in av) n++;
    let m = 0;
    for (const k in bv) {
      if (!Object.is(av[k], bv[k]) || !(k in av)) return false;
      m++;
    }
    if (n !== m) return false;
  }
  return true;
}

function readResourceSpans(list: unknown[], from: number, cx: Conversion, out: Span[], memo: ParseMemo | undefined): void {
  for (let i = from; i < list.length; i++) {
    const rsRaw = list[i];
    if (!rsRaw || typeof rsRaw !== 'object') continue;
    const rs = rsRaw as Json;
    const resCx: Conversion = { lossy: [], unsafeNumber: false, skipped: 0 };
    const resource = resourceOf(rs.resource, resCx, memo);
    if (resCx.unsafeNumber) cx.unsafeNumber = true;
    readScopeSpans(rs, resource, resCx.lossy, cx, out, memo);
  }
}

/** A ResourceSpans' `resource` member as the resource map its spans share. */
function resourceOf(res: unknown, cx: Conversion, memo: ParseMemo | undefined): Attributes {
  return res && typeof res === 'object' ? resourceFrom((res as Json).attributes, cx, memo) : {};
}

/** The spans of one ResourceSpans, whose resource was read already (with `resourceLossy` marks). */
function readScopeSpans(rs: Json, resource: Attributes, resourceLossy: LossyField[], cx: Conversion, out: Span[], memo: ParseMemo | undefined): void {
  // Older exporters (OTLP < 0.15) wrote instrumentationLibrarySpans.
  const scopes = (rs.scopeSpans !== undefined ? rs.scopeSpans : rs.scope_spans) ?? (rs.instrumentationLibrarySpans !== undefined ? rs.instrumentationLibrarySpans : rs.instrumentation_library_spans);
  if (!Array.isArray(scopes)) return;
  for (const ssRaw of scopes) {
    if (!ssRaw || typeof ssRaw !== 'object') continue;
    const ss = ssRaw as Json;
    const scope = scopeFrom(ss, memo);
    const spans = ss.spans;
    if (!Array.isArray(spans)) continue;
    for (const sRaw of spans) {
      if (!sRaw || typeof sRaw !== 'object') {
        cx.skipped++;
        continue;
      }
      const span = spanFromOtlp(sRaw as Json, resource, scope, cx);
      if (!span) continue;
      if (resourceLossy.length) span.lossy = [...resourceLossy, ...(span.lossy ?? [])];
      out.push(span);
    }
  }
}

/** The list of ResourceSpans in an export, or null when the value is not OTLP trace data. */
function resourceSpansOf(value: unknown): unknown[] | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const v = value as Json;
  const list = v.resourceSpans !== undefined ? v.resourceSpans : v.resource_spans;
  if (Array.isArray(list)) return list;
  // A single ResourceSpans, as Java's OtlpJsonLoggingSpanExporter logs it.
  if (Array.isArray(v.scopeSpans !== undefined ? v.scopeSpans : v.scope_spans) || Array.isArray(v.instrumentationLibrarySpans)) return [v];
  return null;
}

export interface OtlpRead {
  spans: Span[];
  /** Set when a 64-bit number was rounded by JSON.parse: the caller should re-read exactly. */
  inexact: boolean;
  skipped: number;
}

/**
 * Read one OTLP JSON trace export (or a single ResourceSpans) into spans; null when the value is
 * not OTLP trace data. `memo` (the parser's) lets repeated resources and scopes share one object;
 * `origin`, when given, is every span's (shared: frozen).
 */
export function readOtlp(value: unknown, memo?: ParseMemo, origin?: Readonly<SpanOrigin>): OtlpRead | null {
  const list = resourceSpansOf(value);
  if (!list) return null;
  const cx: Conversion = { lossy: [], unsafeNumber: false, skipped: 0, origin };
  const spans: Span[] = [];
  readResourceSpans(list, 0, cx, spans, memo);
  return { spans, inexact: cx.unsafeNumber, skipped: cx.skipped };
}

/**
 * The start of an export as printed, up to and including the comma after its first resource:
 * `{"resource":{…},` for a single ResourceSpans (Java's OtlpJsonLoggingSpanExporter logs one per
 * export), `{"resourceSpans":[{"resource":{…},` for the OTLP JSON wrapper (OtlpStdoutSpanExporter,
 * the Collector's file exporter). A process prints the same resource export after export: an
 * export that starts with a remembered head is JSON-parsed without it and its spans share the map.
 */
interface RepeatedHead {
  /** From the `{` through the comma after the resource value. */
  text: string;
  /**
   * What closes the export after its ResourceSpans: '' for a single ResourceSpans, `]}` for the
   * wrapper (whose list then holds that one ResourceSpans).
   */
  close: string;
  /** What the resource value reads as (frozen: spans of many exports share it). */
  resource: Attributes;
  /** Exports of one scope seen after this head: what surrounds their spans list. */
  frames: SpansFrame[];
  /**
   * Set when a frame fitted the text of an export whose list it did not frame (one of several
   * scopes or ResourceSpans: they end as a one-scope export does). From then on such exports are
   * told apart before a JSON.parse that would fail, which costs more than the frame saves.
   */
  framesMislead: boolean;
}

/**
 * The members of a one-scope ResourceSpans around its spans list, as JSON.stringify prints them
 * (`"scopeSpans":[{"scope":{…},"spans":[` and `]}]}`): an export that is head + before + spans +
 * after is the same object with another spans list, whatever the list holds. Only the list is
 * JSON-parsed, in place; the scope read once is shared.
 */
interface SpansFrame {
  before: string;
  after: string;
  scope: InstrumentationScope;
}

/** How many frames one head keeps (a few tracers exporting under one resource). */
const MAX_FRAMES = 4;
/** Stands for the spans list while a frame is printed; its place in the text is where the list goes. */
const SPANS_MARK = '\u0000span-lens:spans\u0000';

const HEADS = 'otlp-json.heads';
const HEAD_START = '{"resource":';
/** The wrapper `{"resourceSpans":[…]}` whose first ResourceSpans starts with its resource. */
const WRAPPED_HEAD_START = '{"resourceSpans":[{"resource":';
const WRAPPED_CLOSE = ']}';
/** How many different heads are remembered (a few processes interleaving their output). */
const MAX_HEADS = 4;

/**
 * Read the JSON text of one export (or single ResourceSpans), as the logged form prints it:
 * JSON.parse, the exact reader only when JSON.parse refuses the text (NaN, Infinity) or rounded a
 * 64-bit number. A text starting with a remembered resource head is parsed without the head, or,
 * when a remembered frame of its one scope fits too, only its spans list is. Every shortcut gives
 * what the whole text reads as, or steps aside for the whole read.
 * Returns null when the text is JSON but not trace data; throws when it is not JSON.
 */
export function readOtlpText(json: string, memo: ParseMemo, origin: Readonly<SpanOrigin>): OtlpRead | null {
  const head = rememberedHead(json, memo);
  if (head) {
    const read = readAfterHead(json, head, memo, origin);
    if (read) return read;
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return readOtlp(parseJsonLoose(json), memo, origin);
  }
  const read = readOtlp(value, memo, origin);
  if (read?.inexact) return readOtlp(parseJsonLoose(json), memo, origin);
  if (read && !head) rememberHead(json, value, memo);
  return read;
}

/** The remembered head `json` starts with (at most one can: a head ends with a complete value and a comma). */
function rememberedHead(json: string, memo: ParseMemo): RepeatedHead | undefined {
  const heads = memo.get(HEADS) as RepeatedHead[] | undefined;
  if (!heads) return undefined;
  for (const head of heads) {
    // slice + === compares by memcmp; startsWith goes character by character.
    if (json.length > head.text.length && json.slice(0, head.text.length) === head.text) return head;
  }
  return undefined;
}

/** An export starting with `head` read by a shortcut, or undefined: then the text must be read whole. */
function readAfterHead(json: string, head: RepeatedHead, memo: ParseMemo, origin: Readonly<SpanOrigin>): OtlpRead | undefined {
  const framed = head.frames.length ? readFramedSpans(json, head, origin) : NO_FRAME_FITS;
  if (typeof framed === 'object') return framed;
  // A frame that fitted the text is remembered already.
  return readWithoutHead(json, head, memo, origin, framed === NO_FRAME_FITS);
}

/**
 * The export minus its head: `{` and the members after the head, JSON-parsed, with the head's
 * resource. Undefined when the rest changes what the head meant (a second `resource` member wins
 * over the first in JSON.parse; a `resourceSpans` list makes it a different kind of export), when
 * the rest is not JSON, or when it asks for an exact re-read: the caller reads the text whole.
 * After a wrapper's head, the wrapper's list is parsed (`[{` and the rest without the closing
 * `}`), so one head serves exports of several ResourceSpans too: only the first lacks its resource.
 */
function readWithoutHead(json: string, head: RepeatedHead, memo: ParseMemo, origin: Readonly<SpanOrigin>, rememberFrames: boolean): OtlpRead | undefined {
  const from = head.text.length;
  // A member must follow the head's comma: `{"resource":…,}` is not JSON though `{}` is.
  if (json.charCodeAt(from) !== 34 /* " */) return undefined;
  const end = json.length - head.close.length;
  if (head.close && json.slice(end) !== head.close) return undefined;
  let rest: unknown;
  try {
    rest = JSON.parse(head.close ? '[{' + json.slice(from, end) + ']' : '{' + json.slice(from));
  } catch {
    return undefined;
  }
  // The wrapper's text is then `{"resourceSpans":` + the list with `"resource":…,` put back first
  // in its first item: the list JSON.parse gives, with that item's resource.
  const list = head.close ? (rest as unknown[]) : null;
  const rs = (list ? list[0] : rest) as Json;
  if (rs.resource !== undefined) return undefined;
  if (!list) {
    const own = resourceSpansOf(rs);
    if (!own || own[0] !== rs) return undefined;
  }
  const cx: Conversion = { lossy: [], unsafeNumber: false, skipped: 0, origin };
  const spans: Span[] = [];
  readScopeSpans(rs, head.resource, NO_LOSSY, cx, spans, memo);
  if (list && list.length > 1) readResourceSpans(list, 1, cx, spans, memo);
  if (cx.unsafeNumber) return undefined;
  if (rememberFrames && head.frames.length < MAX_FRAMES && (!list || list.length === 1)) rememberFrame(json, head, rs, memo);
  return { spans, inexact: false, skipped: cx.skipped };
}

/** What readFramedSpans says when it read nothing: no frame fits, or one fits the text but not as a frame. */
const NO_FRAME_FITS = 0;
const FRAME_FITS_TEXT = 1;

/**
 * An export that is a remembered head and frame around a spans list: only the list is parsed.
 * A number when it was not read so: no frame fits, or one fits but the list is not JSON or asks
 * for an exact re-read.
 */
function readFramedSpans(json: string, head: RepeatedHead, origin: Readonly<SpanOrigin>): OtlpRead | typeof NO_FRAME_FITS | typeof FRAME_FITS_TEXT {
  const from = head.text.length;
  for (const frame of head.frames) {
    const listStart = from + frame.before.length - 1;
    const listEnd = json.length - frame.after.length + 1;
    if (listEnd <= listStart + 1 || json.slice(from, listStart + 1) !== frame.before || json.slice(listEnd - 1) !== frame.after) continue;
    if (head.framesMislead) {
      // The `"spans":` key of another ScopeSpans or ResourceSpans after the first list (those
      // characters stand outside strings, or in a key) is cheaper to find than a failed parse.
      const more = json.indexOf('"spans":', listStart);
      if (more >= 0 && more < listEnd) return FRAME_FITS_TEXT;
    }
    let list: unknown;
    try {
      // `[` … `]` of the text itself: a complete array here stands where the frame's list stood.
      list = JSON.parse(json.slice(listStart, listEnd));
    } catch {
      head.framesMislead = true;
      return FRAME_FITS_TEXT;
    }
    const cx: Conversion = { lossy: [], unsafeNumber: false, skipped: 0, origin };
    const spans: Span[] = [];
    for (const s of list as unknown[]) {
      if (!s || typeof s !== 'object') {
        cx.skipped++;
        continue;
      }
      const span = spanFromOtlp(s as Json, head.resource, frame.scope, cx);
      if (span) spans.push(span);
    }
    return cx.unsafeNumber ? FRAME_FITS_TEXT : { spans, inexact: false, skipped: cx.skipped };
  }
  return NO_FRAME_FITS;
}

/**
 * Remember the frame of `rest` (the export after `head`, read as `rs`) when it holds one scope and
 * the text prints it as JSON.stringify does. The frame is printed from the object, so it holds
 * each key once: a list put in its place cannot be overridden by a later duplicate key.
 */
function rememberFrame(json: string, head: RepeatedHead, rs: Json, memo: ParseMemo): void {
  const scopes = rs.scopeSpans;
  if (!Array.isArray(scopes) || scopes.length !== 1) return;
  const ss = scopes[0] as Json;
  if (!ss || typeof ss !== 'object' || Array.isArray(ss) || !Array.isArray(ss.spans)) return;
  const printed = JSON.stringify({ ...rs, scopeSpans: [{ ...ss, spans: [SPANS_MARK] }] });
  const mark = JSON.stringify(SPANS_MARK);
  const at = printed.indexOf(mark);
  if (at < 0 || printed.lastIndexOf(mark) !== at) return;
  const before = printed.slice(1, at);
  const after = printed.slice(at + mark.length) + head.close;
  const from = head.text.length;
  if (json.length < from + before.length + after.length || json.slice(from, from + before.length) !== before || !json.endsWith(after)) return;
  for (const f of head.frames) if (f.before === before && f.after === after) return;
  head.frames.push({ before, after, scope: Object.freeze(scopeFrom(ss, memo)) });
}

const NO_LOSSY: LossyField[] = Object.freeze([]) as unknown as LossyField[];

/**
 * After a whole read: remember `{"resource":<value>,` (or the wrapper's
 * `{"resourceSpans":[{"resource":<value>,`) when the text starts so, the resource value ends right
 * before `,"scopeSpans":` and reads without loss (no lossy marks, no rounded numbers). The head's
 * meaning comes from its text alone; the shortcuts check the rest of each later export.
 */
function rememberHead(json: string, value: unknown, memo: ParseMemo): void {
  const wrapped = json.startsWith(WRAPPED_HEAD_START);
  if (!wrapped && !json.startsWith(HEAD_START)) return;
  const list = resourceSpansOf(value);
  if (!list || (wrapped ? list !== (value as Json).resourceSpans : list[0] !== value)) return;
  const start = wrapped ? WRAPPED_HEAD_START.length : HEAD_START.length;
  const end = json.indexOf(',"scopeSpans":', start);
  if (end < 0) return;
  const text = json.slice(0, end + 1);
  let heads = memo.get(HEADS) as RepeatedHead[] | undefined;
  // A head already remembered: an export its shortcuts stepped aside for (read whole) starts with it.
  if (heads?.some((h) => h.text === text)) return;
  let res: unknown;
  try {
    // A complete JSON value: then the head ends where the text's resource member ends (a cut
    // inside it would leave an unclosed string or bracket).
    res = JSON.parse(json.slice(start, end));
  } catch {
    return;
  }
  if (!res || typeof res !== 'object' || Array.isArray(res)) return;
  const cx: Conversion = { lossy: [], unsafeNumber: false, skipped: 0 };
  const resource = resourceOf(res, cx, memo);
  if (cx.lossy.length || cx.unsafeNumber) return;
  if (!heads) memo.set(HEADS, (heads = []));
  heads.unshift({ text, close: wrapped ? WRAPPED_CLOSE : '', resource: freezeAttributes(resource), frames: [], framesMislead: false });
  if (heads.length > MAX_HEADS) heads.pop();
}

/** Freeze a map spans share, and its list values: a change would throw instead of reaching other spans. */
function freezeAttributes(attributes: Attributes): Attributes {
  for (const key in attributes) {
    const v = attributes[key];
    if (Array.isArray(v)) Object.freeze(v);
  }
  return Object.freeze(attributes);
}

/**
 * Read one OTLP JSON trace export (`{"resourceSpans": […]}`) or a single ResourceSpans object
 * into spans. Returns null when the value is not OTLP trace data. Spans whose ids cannot be read
 * are left out. `line` (0-based) becomes each span's origin when given. Never throws.
 */
export function parseOtlpJsonValue(value: unknown, line?: number): Span[] | null {
  const read = readOtlp(value, undefined, line === undefined ? undefined : Object.freeze({ format: 'otlp-json', line, endLine: line }));
  if (!read) return null;
  if (line === undefined) for (const s of read.spans) delete s.origin;
  return read.spans;
}

/** A pretty-printed OTLP JSON file (or one export spread over indented lines). */
export const otlpJsonBlock: BlockFormat = {
  name: 'otlp-json',
  parseBlockText(block: Block, startLine: number, memo?: ParseMemo): BlockResult | null {
    const first = block.second;
    if (block.lineCount < 3 || first === undefined || !(first.includes('"resourceSpans"') || first.includes('"resource_spans"') || first.includes('"resource"'))) return null;
    const text = block.text;
    const json = readJsonRecord(text);
    if ('error' in json) {
      if (!text.includes('"spanId"') && !text.includes('"span_id"')) return null;
      return { spans: [], unparsedReason: `an OTLP JSON export is not valid JSON (${json.error})` };
    }
    const value = json.value;
    const origin = Object.freeze({ format: 'otlp-json', line: startLine, endLine: startLine + block.lineCount - 1 } as const);
    let read = readOtlp(value, memo, origin);
    if (!read) return null;
    if (read.inexact) read = readOtlp(parseJsonLoose(text), memo, origin) ?? read;
    return read.skipped ? { spans: read.spans, unparsedReason: skippedReason(read.skipped) } : { spans: read.spans };
  },
};

/**
 * One OTLP JSON export per line (file exporters, OtlpStdoutSpanExporter). A wrapper line
 * `{"resourceSpans":[…]}` starting with a resource remembered from an earlier line is read from its
 * text (`parseLine`): without the resource, or only its spans list when the rest repeats too.
 */
export const otlpJsonLines: JsonLineFormat = {
  name: 'otlp-json',
  parseLine(json: string, line: number, _raw: string, memo?: ParseMemo): Span[] | undefined {
    // Only the wrapper: its one member cannot make the line another format's record (a Go
    // stdouttrace line is one by its Name and SpanContext members), so claiming it before the
    // other formats see the parsed value changes nothing.
    if (!memo || json.length <= WRAPPED_HEAD_START.length || json.slice(0, WRAPPED_HEAD_START.length) !== WRAPPED_HEAD_START) return undefined;
    const head = rememberedHead(json, memo);
    if (!head) return undefined;
    const read = readAfterHead(json, head, memo, Object.freeze({ format: 'otlp-json', line, endLine: line } as const));
    // Spans left out are reported by the ordinary path.
    return read && !read.skipped ? read.spans : undefined;
  },
  parseValue(value: unknown, line: number, raw: string, memo?: ParseMemo): Span[] | BlockResult | null {
    const origin = Object.freeze({ format: 'otlp-json', line, endLine: line } as const);
    let read = readOtlp(value, memo, origin);
    if (!read) return null;
    if (read.inexact) {
      try {
        read = readOtlp(parseJsonLoose(raw.slice(raw.indexOf('{')).trimEnd()), memo, origin) ?? read;
      } catch {
        // Keep the rounded reading: the line parsed once already.
      }
    } else if (memo) {
      // The line as the demux read it (a line with program text glued before it is not remembered).
      const json = raw.trim();
      if (json.startsWith(WRAPPED_HEAD_START)) rememberHead(json, value, memo);
    }
    return read.skipped ? { spans: read.spans, unparsedReason: skippedReason(read.skipped) } : read.spans;
  },
};
