/**
 * Conversion between the in-memory Span and the SCHEMA.md span object (the JSON shape the CLI
 * prints and the Span Lens framed format carries): lower-case hex ids, nanosecond times as
 * decimal strings, upper-case kind names, `status: {code, message}`, `parentSpanId: null` roots.
 */
import type {
  AttributeScalar,
  AttributeValue,
  Attributes,
  InstrumentationScope,
  SourceLocation,
  Span,
  SpanEvent,
  SpanKind,
  SpanLink,
  SpanStatus,
  StatusCode,
} from './model';
import { NO_EVENTS, NO_LINKS, SPAN_KINDS, statusOf } from './model';
import { setAttribute } from './parse/kernel/attributes';
import { hexId } from './parse/kernel/ids';

export interface SchemaLocation {
  file: string;
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
  function?: string;
}

/** The SCHEMA.md span object (plus optional Span Lens extras). */
export interface SchemaSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  parentIsRemote: boolean | null;
  name: string;
  kind: SpanKind;
  startTimeUnixNano: string;
  endTimeUnixNano: string | null;
  durationNano: string | null;
  attributes: Record<string, unknown>;
  droppedAttributesCount: number;
  events: { name: string; timeUnixNano: string; attributes: Record<string, unknown>; droppedAttributesCount: number }[];
  droppedEventsCount: number;
  links: {
    traceId: string;
    spanId: string;
    traceState: string | null;
    attributes: Record<string, unknown>;
    droppedAttributesCount: number;
  }[];
  droppedLinksCount: number;
  status: { code: StatusCode; message: string | null };
  traceState: string | null;
  resource: Record<string, unknown>;
  serviceName: string | null;
  scope: { name: string; version: string | null; schemaUrl: string | null };
  location?: SchemaLocation;
  lossy?: { path: string; reason: string }[];
  unknown?: string[];
}

/** Span -> SCHEMA.md object. Attribute values keep bigint / NaN; serialise with stringifyJson. */
export function spanToSchema(span: Span): SchemaSpan {
  const out: SchemaSpan = {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    parentIsRemote: span.parentIsRemote,
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: span.startTimeUnixNano.toString(),
    endTimeUnixNano: span.endTimeUnixNano === null ? null : span.endTimeUnixNano.toString(),
    durationNano: span.endTimeUnixNano === null ? null : (span.endTimeUnixNano - span.startTimeUnixNano).toString(),
    attributes: span.attributes,
    droppedAttributesCount: span.droppedAttributesCount,
    events: span.events.map((e) => ({
      name: e.name,
      timeUnixNano: e.timeUnixNano.toString(),
      attributes: e.attributes,
      droppedAttributesCount: e.droppedAttributesCount,
    })),
    droppedEventsCount: span.droppedEventsCount,
    links: span.links.map((l) => ({ ...l })),
    droppedLinksCount: span.droppedLinksCount,
    status: { code: span.status.code, message: span.status.message },
    traceState: span.traceState,
    resource: span.resource,
    serviceName: typeof span.resource['service.name'] === 'string' ? (span.resource['service.name'] as string) : null,
    scope: { ...span.scope },
  };
  if (span.location) {
    out.location = {
      file: span.location.file,
      line: span.location.line + 1,
      column: span.location.column + 1,
      ...(span.location.function ? { function: span.location.function } : {}),
    };
  }
  if (span.lossy && span.lossy.length) out.lossy = span.lossy;
  if (span.unknown && span.unknown.length) out.unknown = span.unknown;
  return out;
}

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : fallback;
}
function strOrNull(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}
function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'bigint' ? Number(v) : 0;
}
function nanos(v: unknown, read?: SchemaRead): bigint | null {
  if (typeof v === 'string') return isDecimal(v) ? BigInt(v) : null;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isFinite(v)) {
    if (read && Number.isInteger(v) && !Number.isSafeInteger(v)) read.unsafeInt = true;
    return BigInt(Math.round(v));
  }
  return null;
}
/** `-?\d+`, checked without a regex (every span has two or more). */
function isDecimal(v: string): boolean {
  const n = v.length;
  let i = n > 0 && v.charCodeAt(0) === 45 ? 1 : 0;
  if (i === n) return false;
  for (; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
/** An id as lower-case hex without `0x`; the common case (already so, `len` digits) as is. */
function hex(v: unknown, len: number): string {
  if (typeof v !== 'string') return '';
  return hexId(v, len) ?? v.toLowerCase().replace(/^0x/, '');
}

/** Array nesting kept in an attribute value; deeper arrays become a note, so no value can overflow the stack. */
const MAX_VALUE_DEPTH = 64;

/** Normalise one attribute value read from JSON (unwrapping `{"$float": "NaN"}`). */
export function attributeFromJson(v: unknown, depth = 0): AttributeValue {
  if (v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  if (Array.isArray(v)) {
    if (depth >= MAX_VALUE_DEPTH) return `… (nested deeper than ${MAX_VALUE_DEPTH} levels: cut)`;
    return v.map((x) => attributeFromJson(x, depth + 1) as AttributeScalar);
  }
  if (typeof v === 'object') {
    const f = (v as Record<string, unknown>).$float;
    if (f === 'NaN') return NaN;
    if (f === 'Infinity') return Infinity;
    if (f === '-Infinity') return -Infinity;
  }
  return String(v);
}

/**
 * An attribute map read from JSON, as the model holds it. The object is used in place (it came
 * fresh from JSON.parse); only values the model holds otherwise are replaced. `read.unsafeInt`
 * is set when a number may be an integer JSON.parse rounded.
 */
export function attributesFromJson(v: unknown, read?: SchemaRead): Attributes {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  const attrs = v as Record<string, unknown>;
  for (const k in attrs) {
    const x = attrs[k];
    if (typeof x === 'string' || typeof x === 'boolean') continue;
    if (typeof x === 'number') {
      if (read && Number.isInteger(x) && !Number.isSafeInteger(x)) read.unsafeInt = true;
      continue;
    }
    if (read && Array.isArray(x)) for (const e of x) if (typeof e === 'number' && Number.isInteger(e) && !Number.isSafeInteger(e)) read.unsafeInt = true;
    const y = attributeFromJson(x);
    // An own key named __proto__ (JSON.parse makes one) stays a key, never the prototype.
    if (y !== x) setAttribute(attrs, k, y);
  }
  return attrs as Attributes;
}

function kindFrom(v: unknown): SpanKind {
  if (v === 'INTERNAL' || v === 'SERVER' || v === 'CLIENT' || v === 'PRODUCER' || v === 'CONSUMER') return v;
  const k = typeof v === 'string' ? v.toUpperCase().replace(/^SPANKIND\./, '').replace(/^SPAN_KIND_/, '') : '';
  return (SPAN_KINDS as readonly string[]).includes(k) ? (k as SpanKind) : 'INTERNAL';
}
function statusFrom(v: unknown): StatusCode {
  if (v === 'UNSET' || v === 'OK' || v === 'ERROR') return v;
  const s = typeof v === 'string' ? v.toUpperCase() : '';
  return s === 'OK' || s === 'ERROR' ? s : 'UNSET';
}

/** What a caller can learn from reading a span object beyond the span itself. */
export interface SchemaRead {
  /**
   * A number that may hold an integer JSON.parse rounded (beyond 2^53) was read: the caller
   * reads the text again with parseJsonLoose (exact, bigint) and converts that instead.
   */
  unsafeInt: boolean;
}

/** What a reader shares between spans instead of converting it again (only ever read). */
export interface SchemaShared {
  resource: Attributes;
  scope: InstrumentationScope;
  /**
   * The dropped counts, events, links, status and trace state, as parsed, when the reader
   * shares those too (a plain span's, printed alike by every such span): read from here
   * instead of the span object.
   */
  members?: Readonly<Record<string, unknown>>;
}

/** A frame's `location` (1-based line and column) as a SourceLocation (0-based); undefined when it has no file and line. */
export function locationFrom(v: unknown): SourceLocation | undefined {
  const loc = v as Record<string, unknown> | null | undefined;
  if (!loc || typeof loc !== 'object' || typeof loc.file !== 'string' || typeof loc.line !== 'number') return undefined;
  const location: SourceLocation = {
    file: loc.file,
    line: Math.max(0, loc.line - 1),
    column: Math.max(0, (typeof loc.column === 'number' ? loc.column : 1) - 1),
  };
  if (typeof loc.function === 'string' && loc.function) location.function = loc.function;
  return location;
}

/**
 * SCHEMA.md object -> Span. Returns null when the object lacks what every span has (ids, a
 * name and a start time), so lookalike JSON is not mistaken for a span.
 *
 * The object is taken over: it came fresh from JSON.parse, so its attribute maps become the
 * span's (values the model holds otherwise, such as `{"$float": "NaN"}`, are replaced in place).
 * `shared`, when given, is the resource and scope read once for spans that repeat them.
 */
export function spanFromSchema(o: unknown, read: SchemaRead = { unsafeInt: false }, shared?: SchemaShared): Span | null {
  if (!o || typeof o !== 'object') return null;
  const r = o as Record<string, unknown>;
  const traceId = hex(r.traceId, 32);
  const spanId = hex(r.spanId, 16);
  const start = nanos(r.startTimeUnixNano, read);
  if (!traceId || !spanId || typeof r.name !== 'string' || start === null) return null;
  const m = shared?.members ?? r;
  const status = (m.status ?? {}) as Record<string, unknown>;
  let events = NO_EVENTS;
  if (Array.isArray(m.events) && m.events.length) {
    events = [];
    for (const e of m.events as (Record<string, unknown> | null)[]) {
      events.push({
        name: str(e?.name),
        timeUnixNano: nanos(e?.timeUnixNano, read) ?? start,
        attributes: attributesFromJson(e?.attributes, read),
        droppedAttributesCount: int(e?.droppedAttributesCount),
      });
    }
  }
  let links = NO_LINKS;
  if (Array.isArray(m.links) && m.links.length) {
    links = [];
    for (const l of m.links as (Record<string, unknown> | null)[]) {
      links.push({
        traceId: hex(l?.traceId, 32),
        spanId: hex(l?.spanId, 16),
        traceState: strOrNull(l?.traceState),
        attributes: attributesFromJson(l?.attributes, read),
        droppedAttributesCount: int(l?.droppedAttributesCount),
      });
    }
  }
  const span: Span = {
    traceId,
    spanId,
    parentSpanId: typeof r.parentSpanId === 'string' && r.parentSpanId ? hex(r.parentSpanId, 16) : null,
    parentIsRemote: typeof r.parentIsRemote === 'boolean' ? r.parentIsRemote : null,
    name: r.name,
    kind: kindFrom(r.kind),
    startTimeUnixNano: start,
    endTimeUnixNano: nanos(r.endTimeUnixNano, read),
    attributes: attributesFromJson(r.attributes, read),
    droppedAttributesCount: int(m.droppedAttributesCount),
    events,
    droppedEventsCount: int(m.droppedEventsCount),
    links,
    droppedLinksCount: int(m.droppedLinksCount),
    status: statusOf(statusFrom(status.code), strOrNull(status.message)),
    traceState: strOrNull(m.traceState),
    resource: shared ? shared.resource : attributesFromJson(r.resource, read),
    scope: shared ? shared.scope : scopeFrom(r.scope),
  };
  const location = locationFrom(r.location);
  if (location) span.location = location;
  if (Array.isArray(r.lossy)) span.lossy = r.lossy as Span['lossy'];
  return span;
}

/** The scope of a SCHEMA.md span object. */
export function scopeFrom(v: unknown): InstrumentationScope {
  const scope = (v ?? {}) as Record<string, unknown>;
  return { name: str(scope.name), version: strOrNull(scope.version), schemaUrl: strOrNull(scope.schemaUrl) };
}

