/**
 * An OpenTelemetry JS SDK span (1.x or 2.x ReadableSpan) as the SCHEMA.md span object, written
 * straight to JSON text. Runs inside the user's program once per span, so it builds the text
 * directly and caches what many spans share (resource, scope).
 */

/** A call site, 1-based as in docs/format.md. */
export interface CallSite {
  file: string;
  line: number;
  column: number;
  function?: string;
}

type HrTime = [number, number];

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnySpan = any;

const KINDS = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS = ['UNSET', 'OK', 'ERROR'];
const ZEROS = '000000000';

/** HrTime -> decimal nanoseconds, exact (the value passes 2^53, so no float arithmetic). */
export function hrTimeToNanos(t: HrTime | undefined): string | null {
  if (!Array.isArray(t)) return null;
  const s = t[0];
  const n = t[1];
  if (!Number.isInteger(s) || !Number.isInteger(n) || s < 0 || n < 0 || n >= 1e9) {
    try {
      return (BigInt(Math.trunc(s)) * 1000000000n + BigInt(Math.trunc(n))).toString();
    } catch {
      return null;
    }
  }
  if (s === 0) return String(n);
  const ns = String(n);
  return String(s) + ZEROS.slice(ns.length) + ns;
}

function durationNanos(start: HrTime, end: HrTime): string | null {
  if (!Array.isArray(start) || !Array.isArray(end)) return null;
  // Below 2^53 ns (104 days) a double is exact.
  const d = (end[0] - start[0]) * 1e9 + (end[1] - start[1]);
  return Number.isSafeInteger(d) ? String(d) : (BigInt(hrTimeToNanos(end)!) - BigInt(hrTimeToNanos(start)!)).toString();
}

function needsWrapping(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (Array.isArray(v)) {
    for (const x of v) if (typeof x === 'number' && !Number.isFinite(x)) return true;
  }
  return typeof v === 'bigint';
}

function wrapValue(v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return { $float: Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity' };
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(wrapValue);
  return v;
}

/** Attribute map as JSON; NaN and ±Infinity become {"$float": ...} (SCHEMA.md "Special values"). */
export function attributesJson(attrs: Record<string, unknown> | undefined): string {
  if (!attrs) return '{}';
  let special = false;
  for (const k in attrs) {
    if (needsWrapping(attrs[k])) {
      special = true;
      break;
    }
  }
  if (!special) return JSON.stringify(attrs);
  const copy: Record<string, unknown> = {};
  for (const k in attrs) copy[k] = wrapValue(attrs[k]);
  return JSON.stringify(copy);
}

const resourceCache = new WeakMap<object, string>();
const scopeCache = new WeakMap<object, string>();

/** `"resource":{...},"serviceName":...` for a resource, cached while its attributes are settled. */
function resourcePart(resource: AnySpan): string {
  if (!resource || typeof resource !== 'object') return '"resource":{},"serviceName":null';
  const cached = resourceCache.get(resource);
  if (cached !== undefined) return cached;
  let attrs: Record<string, unknown> = {};
  try {
    attrs = resource.attributes ?? {};
  } catch {
    /* a resource that throws on read: show it empty */
  }
  const name = attrs['service.name'];
  const text = `"resource":${attributesJson(attrs)},"serviceName":${typeof name === 'string' ? JSON.stringify(name) : 'null'}`;
  if (!resource.asyncAttributesPending) resourceCache.set(resource, text);
  return text;
}

function scopePart(scope: AnySpan): string {
  if (!scope || typeof scope !== 'object') return '"scope":{"name":"","version":null,"schemaUrl":null}';
  let text = scopeCache.get(scope);
  if (text === undefined) {
    text = `"scope":${JSON.stringify({ name: String(scope.name ?? ''), version: scope.version ?? null, schemaUrl: scope.schemaUrl ?? null })}`;
    scopeCache.set(scope, text);
  }
  return text;
}

function eventsJson(events: AnySpan[] | undefined): string {
  if (!Array.isArray(events) || events.length === 0) return '[]';
  let out = '[';
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (i) out += ',';
    out += `{"name":${JSON.stringify(String(e.name ?? ''))},"timeUnixNano":${JSON.stringify(hrTimeToNanos(e.time))},"attributes":${attributesJson(e.attributes)},"droppedAttributesCount":${Number(e.droppedAttributesCount) || 0}}`;
  }
  return out + ']';
}

function linksJson(links: AnySpan[] | undefined): string {
  if (!Array.isArray(links) || links.length === 0) return '[]';
  let out = '[';
  for (let i = 0; i < links.length; i++) {
    const l = links[i];
    const ctx = l.context ?? {};
    if (i) out += ',';
    out += `{"traceId":${JSON.stringify(String(ctx.traceId ?? ''))},"spanId":${JSON.stringify(String(ctx.spanId ?? ''))},"traceState":${traceStateJson(ctx.traceState)},"attributes":${attributesJson(l.attributes)},"droppedAttributesCount":${Number(l.droppedAttributesCount) || 0}}`;
  }
  return out + ']';
}

function traceStateJson(ts: AnySpan): string {
  if (!ts || typeof ts.serialize !== 'function') return 'null';
  try {
    return JSON.stringify(String(ts.serialize()));
  } catch {
    return 'null';
  }
}

function parentOf(span: AnySpan): { id: string | null; remote: boolean | null } {
  const p = span.parentSpanContext;
  if (p && typeof p.spanId === 'string') return { id: p.spanId, remote: typeof p.isRemote === 'boolean' ? p.isRemote : null };
  if (typeof span.parentSpanId === 'string' && span.parentSpanId) return { id: span.parentSpanId, remote: null };
  return { id: null, remote: null };
}

/**
 * One record line body: `{"type":"span"|"unended","span":{...}}`. `ended` false writes null end
 * time and duration (a span started and never ended).
 */
export function spanRecordJson(span: AnySpan, location: CallSite | undefined, ended: boolean): string {
  const ctx = typeof span.spanContext === 'function' ? span.spanContext() : {};
  const parent = parentOf(span);
  const status = span.status ?? {};
  const start = hrTimeToNanos(span.startTime);
  const end = ended ? hrTimeToNanos(span.endTime) : null;
  const duration = ended ? durationNanos(span.startTime, span.endTime) : null;
  const kind = KINDS[span.kind as number] ?? 'INTERNAL';
  const code = STATUS[status.code as number] ?? 'UNSET';
  let text =
    `{"type":"${ended ? 'span' : 'unended'}","span":{` +
    `"traceId":${JSON.stringify(String(ctx.traceId ?? ''))},` +
    `"spanId":${JSON.stringify(String(ctx.spanId ?? ''))},` +
    `"parentSpanId":${parent.id === null ? 'null' : JSON.stringify(parent.id)},` +
    `"parentIsRemote":${parent.remote === null ? 'null' : parent.remote},` +
    `"name":${JSON.stringify(String(span.name ?? ''))},` +
    `"kind":"${kind}",` +
    `"startTimeUnixNano":${start === null ? 'null' : `"${start}"`},` +
    `"endTimeUnixNano":${end === null ? 'null' : `"${end}"`},` +
    `"durationNano":${duration === null ? 'null' : `"${duration}"`},` +
    `"attributes":${attributesJson(span.attributes)},` +
    `"droppedAttributesCount":${Number(span.droppedAttributesCount) || 0},` +
    `"events":${eventsJson(span.events)},` +
    `"droppedEventsCount":${Number(span.droppedEventsCount) || 0},` +
    `"links":${linksJson(span.links)},` +
    `"droppedLinksCount":${Number(span.droppedLinksCount) || 0},` +
    `"status":{"code":"${code}","message":${typeof status.message === 'string' ? JSON.stringify(status.message) : 'null'}},` +
    `"traceState":${traceStateJson(ctx.traceState)},` +
    resourcePart(span.resource) +
    ',' +
    scopePart(span.instrumentationScope ?? span.instrumentationLibrary);
  if (location) text += `,"location":${JSON.stringify(location)}`;
  return text + '}}';
}
