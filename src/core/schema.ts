/**
 * Conversion between the in-memory Span and the SCHEMA.md span object (the JSON shape the CLI
 * prints and the Span Lens framed format carries): lower-case hex ids, nanosecond times as
 * decimal strings, upper-case kind names, `status: {code, message}`, `parentSpanId: null` roots.
 */
import type {
  AttributeScalar,
  AttributeValue,
  Attributes,
  SourceLocation,
  Span,
  SpanKind,
  StatusCode,
} from './model';
import { SPAN_KINDS } from './model';

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
function nanos(v: unknown): bigint | null {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.round(v));
  return null;
}
function hex(v: unknown): string {
  return typeof v === 'string' ? v.toLowerCase().replace(/^0x/, '') : '';
}

/** Normalise one attribute value read from JSON (unwrapping `{"$float": "NaN"}`). */
export function attributeFromJson(v: unknown): AttributeValue {
  if (v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  if (Array.isArray(v)) return v.map((x) => attributeFromJson(x) as AttributeScalar);
  if (typeof v === 'object') {
    const f = (v as Record<string, unknown>).$float;
    if (f === 'NaN') return NaN;
    if (f === 'Infinity') return Infinity;
    if (f === '-Infinity') return -Infinity;
  }
  return String(v);
}

export function attributesFromJson(v: unknown): Attributes {
  const out: Attributes = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) out[k] = attributeFromJson(val);
  }
  return out;
}

function kindFrom(v: unknown): SpanKind {
  const k = typeof v === 'string' ? v.toUpperCase().replace(/^SPANKIND\./, '').replace(/^SPAN_KIND_/, '') : '';
  return (SPAN_KINDS as readonly string[]).includes(k) ? (k as SpanKind) : 'INTERNAL';
}
function statusFrom(v: unknown): StatusCode {
  const s = typeof v === 'string' ? v.toUpperCase() : '';
  return s === 'OK' || s === 'ERROR' ? s : 'UNSET';
}

/**
 * SCHEMA.md object -> Span. Returns null when the object lacks what every span has (ids, a
 * name and a start time), so lookalike JSON is not mistaken for a span.
 */
export function spanFromSchema(o: unknown): Span | null {
  if (!o || typeof o !== 'object') return null;
  const r = o as Record<string, unknown>;
  const traceId = hex(r.traceId);
  const spanId = hex(r.spanId);
  const start = nanos(r.startTimeUnixNano);
  if (!traceId || !spanId || typeof r.name !== 'string' || start === null) return null;
  const status = (r.status ?? {}) as Record<string, unknown>;
  const scope = (r.scope ?? {}) as Record<string, unknown>;
  const span: Span = {
    traceId,
    spanId,
    parentSpanId: typeof r.parentSpanId === 'string' && r.parentSpanId ? hex(r.parentSpanId) : null,
    parentIsRemote: typeof r.parentIsRemote === 'boolean' ? r.parentIsRemote : null,
    name: r.name,
    kind: kindFrom(r.kind),
    startTimeUnixNano: start,
    endTimeUnixNano: nanos(r.endTimeUnixNano),
    attributes: attributesFromJson(r.attributes),
    droppedAttributesCount: int(r.droppedAttributesCount),
    events: Array.isArray(r.events)
      ? r.events.map((e: Record<string, unknown>) => ({
          name: str(e?.name),
          timeUnixNano: nanos(e?.timeUnixNano) ?? start,
          attributes: attributesFromJson(e?.attributes),
          droppedAttributesCount: int(e?.droppedAttributesCount),
        }))
      : [],
    droppedEventsCount: int(r.droppedEventsCount),
    links: Array.isArray(r.links)
      ? r.links.map((l: Record<string, unknown>) => ({
          traceId: hex(l?.traceId),
          spanId: hex(l?.spanId),
          traceState: strOrNull(l?.traceState),
          attributes: attributesFromJson(l?.attributes),
          droppedAttributesCount: int(l?.droppedAttributesCount),
        }))
      : [],
    droppedLinksCount: int(r.droppedLinksCount),
    status: { code: statusFrom(status.code), message: strOrNull(status.message) },
    traceState: strOrNull(r.traceState),
    resource: attributesFromJson(r.resource),
    scope: { name: str(scope.name), version: strOrNull(scope.version), schemaUrl: strOrNull(scope.schemaUrl) },
  };
  const loc = r.location as Record<string, unknown> | undefined;
  if (loc && typeof loc.file === 'string' && typeof loc.line === 'number') {
    const location: SourceLocation = {
      file: loc.file,
      line: Math.max(0, loc.line - 1),
      column: Math.max(0, (typeof loc.column === 'number' ? loc.column : 1) - 1),
    };
    if (typeof loc.function === 'string' && loc.function) location.function = loc.function;
    span.location = location;
  }
  if (Array.isArray(r.lossy)) span.lossy = r.lossy as Span['lossy'];
  return span;
}
