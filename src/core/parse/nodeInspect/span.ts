/**
 * The printed object mapped onto a Span: ids, times, attributes, events, links, status; what
 * util.inspect cut or elided is listed in `span.lossy`, what the SDK version does not print in
 * `span.unknown`.
 */
import { type AttributeScalar, type AttributeValue, type Attributes, type InstrumentationScope, type LossyField, type Span, type SpanEvent, type SpanLink, type StatusCode, type UnknownField, SPAN_KINDS } from '../../model';
import { setAttribute } from '../kernel/attributes';
import { hexId } from '../kernel/ids';
import { microsToNanos } from './micros';
import { CutArray, CutString, Elided, TopFields, detachAttributes, detachKey, detachText, isObject, resourceMemo, scopeMemo, statusMemo } from './values';

const STATUS_CODES: readonly StatusCode[] = ['UNSET', 'OK', 'ERROR'];
const INVALID_SPAN_ID = '0000000000000000';

/** Ids print lower-case; only lower-case a hand-made one that is not. */
function lowerHex(s: string): string {
  return hexId(s, s.length) ?? s;
}

/** Collects lossy marks for one span; most spans have none, so the list is made on the first. */
class LossyLog {
  marks: LossyField[] | null = null;
  get count(): number {
    return this.marks ? this.marks.length : 0;
  }
  add(path: string, reason: string): void {
    (this.marks ??= []).push({ path, reason });
  }
}

/** Placeholders while a span is filled in; replaced by fresh objects before it is returned. */
const NO_EVENTS: SpanEvent[] = [];
const NO_LINKS: SpanLink[] = [];
const NO_ATTRIBUTES: Attributes = {};
const NO_SCOPE: InstrumentationScope = { name: '', version: null, schemaUrl: null };
const UNSET_STATUS = { code: 'UNSET' as StatusCode, message: null };

function elidedReason(e: Elided): string {
  return `console.dir depth limit: util.inspect printed [${e.tag}] instead of the value`;
}

function cutStringReason(c: CutString): string {
  return `util.inspect printed only the first ${c.text.length} characters (${c.more} more not shown)`;
}

function cutArrayReason(c: CutArray): string {
  return `util.inspect printed only the first ${c.items.length} items (${c.more} more not shown)`;
}

/** A string field; cut strings keep their printed start. */
function text(v: unknown, path: string, lossy: LossyLog): string | null {
  if (typeof v === 'string') return v;
  if (v instanceof CutString) {
    lossy.add(path, cutStringReason(v));
    return v.text;
  }
  if (v instanceof Elided) lossy.add(path, elidedReason(v));
  return null;
}

function scalar(v: unknown): AttributeScalar | null | undefined {
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'bigint') return v as AttributeScalar;
  if (v === null || v === undefined) return null;
  return undefined;
}

function attributeValue(v: unknown, path: string, lossy: LossyLog): AttributeValue {
  const s = scalar(v);
  if (s !== undefined) return s;
  if (v instanceof CutString) {
    lossy.add(path, cutStringReason(v));
    return v.text;
  }
  let items: unknown[] | null = null;
  if (Array.isArray(v)) items = v;
  else if (v instanceof CutArray) {
    lossy.add(path, cutArrayReason(v));
    items = v.items;
  }
  if (items) {
    const out: AttributeScalar[] = new Array(items.length);
    let cut = false;
    for (let i = 0; i < items.length; i++) {
      const x = items[i];
      const e = scalar(x);
      if (e !== undefined) out[i] = e as AttributeScalar;
      else {
        if (x instanceof CutString) out[i] = x.text;
        else out[i] = null as unknown as AttributeScalar;
        if (!cut) lossy.add(path, x instanceof CutString ? cutStringReason(x) : x instanceof Elided ? elidedReason(x) : 'an array item that is not a plain value');
        cut = true;
      }
    }
    return out;
  }
  if (v instanceof Elided) lossy.add(path, elidedReason(v));
  else lossy.add(path, 'an object value, which is not a valid attribute');
  return null;
}

function attributes(v: unknown, path: string, lossy: LossyLog): Attributes {
  if (!isObject(v)) {
    if (v instanceof Elided) lossy.add(path, elidedReason(v));
    return {};
  }
  let plain = true;
  for (const k in v) {
    const t = typeof v[k];
    if (t !== 'string' && t !== 'number' && t !== 'boolean') {
      plain = false;
      break;
    }
  }
  // The common case: the object read is already a valid attribute map.
  if (plain) return v as Attributes;
  const out: Attributes = {};
  for (const k of Object.keys(v)) {
    const x = v[k];
    // The SDK drops undefined values, and so does the JSON the ground truth is written in.
    if (x === undefined) continue;
    const value = typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? x : attributeValue(x, `${path}.${k}`, lossy);
    setAttribute(out, k, value);
  }
  return out;
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0;
}

/** A W3C trace state: the serialised string, or a printed TraceStateImpl (its map is stored reversed). */
function traceState(v: unknown, path: string, lossy: LossyLog): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || v instanceof CutString || v instanceof Elided) return text(v, path, lossy);
  if (isObject(v)) {
    const state = v._internalState;
    if (isObject(state)) {
      const pairs: string[] = [];
      for (const k of Object.keys(state)) pairs.push(`${k}=${String(state[k])}`);
      return pairs.reverse().join(',');
    }
  }
  lossy.add(path, 'a trace state in an unexpected shape');
  return null;
}

function list(v: unknown, path: string, lossy: LossyLog): unknown[] {
  if (Array.isArray(v)) return v;
  if (v instanceof CutArray) {
    lossy.add(path, cutArrayReason(v));
    return v.items;
  }
  if (v instanceof Elided) lossy.add(path, elidedReason(v));
  return [];
}

function events(v: unknown, start: bigint, lossy: LossyLog): SpanEvent[] {
  const items = list(v, 'events', lossy);
  // A fresh empty array from the reader: nothing to convert.
  if (items.length === 0 && Array.isArray(v)) return v as SpanEvent[];
  const out: SpanEvent[] = [];
  for (let i = 0; i < items.length; i++) {
    const e = items[i];
    const at = `events.${i}`;
    if (!(isObject(e))) {
      lossy.add(at, e instanceof Elided ? elidedReason(e) : 'an event in an unexpected shape');
      out.push({ name: '', timeUnixNano: start, attributes: {}, droppedAttributesCount: 0 });
      continue;
    }
    let time: bigint | null = null;
    const t = e.time;
    if (Array.isArray(t) && t.length === 2 && Number.isSafeInteger(t[0]) && Number.isSafeInteger(t[1])) {
      time = BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
    } else if (typeof t === 'number' && Number.isFinite(t)) {
      time = BigInt(Math.round(t * 1e6)); // epoch milliseconds, as some SDKs accept
    }
    if (time === null) lossy.add(`${at}.timeUnixNano`, t instanceof Elided ? elidedReason(t) : 'the event time was not printed');
    out.push({
      name: text(e.name, `${at}.name`, lossy) ?? '',
      timeUnixNano: time ?? start,
      attributes: attributes(e.attributes, `${at}.attributes`, lossy),
      droppedAttributesCount: count(e.droppedAttributesCount),
    });
  }
  return out;
}

function links(v: unknown, lossy: LossyLog): SpanLink[] {
  const items = list(v, 'links', lossy);
  if (items.length === 0 && Array.isArray(v)) return v as SpanLink[];
  const out: SpanLink[] = [];
  for (let i = 0; i < items.length; i++) {
    const l = items[i];
    const at = `links.${i}`;
    const ctx = isObject(l) ? l.context : undefined;
    if (!(isObject(l)) || !(isObject(ctx))) {
      const why = l instanceof Elided ? l : ctx instanceof Elided ? ctx : null;
      lossy.add(at, why ? elidedReason(why) : 'a link in an unexpected shape');
      out.push({ traceId: '', spanId: '', traceState: null, attributes: {}, droppedAttributesCount: 0 });
      continue;
    }
    const traceId = ctx.traceId;
    const spanId = ctx.spanId;
    out.push({
      traceId: typeof traceId === 'string' ? lowerHex(traceId) : '',
      spanId: typeof spanId === 'string' ? lowerHex(spanId) : '',
      traceState: traceState(ctx.traceState, `${at}.traceState`, lossy),
      attributes: attributes(l.attributes, `${at}.attributes`, lossy),
      droppedAttributesCount: count(l.droppedAttributesCount),
    });
  }
  return out;
}

function nanosField(v: unknown): bigint | null {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string') return microsToNanos(v);
  if (typeof v === 'number' && Number.isFinite(v)) return microsToNanos(String(v));
  return null;
}

/**
 * The printed object -> Span. Null when it is not the exporter's span info (a program's own
 * `console.dir` of something else); a string when it is one but cannot be used.
 */
export function spanFrom(top: TopFields): Span | string | null {
  const traceId = hexId(top.traceId, 32);
  const spanId = hexId(top.id, 16);
  // Every SDK version prints all of these; an object without them is the program's own.
  if (traceId === null || spanId === null || !top.hasName || top.hasTimes !== 2) return null;
  const lossy = new LossyLog();
  const unknown: UnknownField[] = [];
  const name = text(top.name, 'name', lossy) ?? '';
  const start = nanosField(top.timestamp);
  if (start === null) return `the span "${name}" has no readable timestamp`;
  const duration = nanosField(top.duration);
  if (duration === null) return `the span "${name}" has no readable duration`;
  const span: Span = {
    traceId,
    spanId,
    parentSpanId: null,
    parentIsRemote: null,
    name,
    kind: 'INTERNAL',
    startTimeUnixNano: start,
    endTimeUnixNano: start + duration,
    attributes: attributes(top.attributes, 'attributes', lossy),
    droppedAttributesCount: 0,
    events: NO_EVENTS,
    droppedEventsCount: 0,
    links: NO_LINKS,
    droppedLinksCount: 0,
    status: UNSET_STATUS,
    traceState: null,
    resource: NO_ATTRIBUTES,
    scope: NO_SCOPE,
  };

  const parent = top.parent;
  if (top.parentField === 'context') {
    if (isObject(parent)) {
      const id = parent.spanId;
      if (typeof id === 'string' && id !== INVALID_SPAN_ID) span.parentSpanId = lowerHex(id);
      const remote = parent.isRemote;
      span.parentIsRemote = typeof remote === 'boolean' ? remote : null;
    } else if (parent !== undefined) {
      lossy.add('parentSpanId', parent instanceof Elided ? elidedReason(parent) : 'a parent in an unexpected shape');
    }
  } else if (top.parentField === 'id') {
    // SDK 1.x printed only the parent's span id.
    if (typeof parent === 'string' && parent && parent !== INVALID_SPAN_ID) span.parentSpanId = lowerHex(parent);
  } else unknown.push('parent');

  const kind = top.kind;
  if (typeof kind === 'number' && kind >= 0 && kind < SPAN_KINDS.length && Number.isInteger(kind)) span.kind = SPAN_KINDS[kind];
  else if (!top.hasKind) unknown.push('kind');
  else lossy.add('kind', `an unknown span kind ${String(kind)}`);

  const status = top.status;
  const statusHit = top.statusHit;
  if (statusHit) span.status = { code: statusHit.code, message: statusHit.message };
  else if (isObject(status)) {
    const marks = lossy.count;
    const code = status.code;
    span.status = {
      code: typeof code === 'number' && STATUS_CODES[code] ? STATUS_CODES[code] : 'UNSET',
      message: text(status.message, 'status.message', lossy),
    };
    if (lossy.count === marks && top.statusKey) {
      statusMemo.key = detachKey(top.statusKey);
      statusMemo.value = { code: span.status.code, message: detachText(span.status.message) };
    }
  } else if (!top.hasStatus) unknown.push('status');
  else lossy.add('status', status instanceof Elided ? elidedReason(status) : 'a status in an unexpected shape');

  if (top.hasEvents) span.events = events(top.events, start, lossy);
  else unknown.push('events');
  if (top.hasLinks) span.links = links(top.links, lossy);
  else unknown.push('links');
  // The placeholders above are shared; every span owns its containers.
  if (span.events === NO_EVENTS) span.events = [];
  if (span.links === NO_LINKS) span.links = [];
  if (span.status === UNSET_STATUS) span.status = { code: 'UNSET', message: null };

  span.traceState = traceState(top.traceState, 'traceState', lossy);

  if (top.resourceHit) span.resource = { ...top.resourceHit };
  else if (top.hasResource) {
    const marks = lossy.count;
    const resource = top.resource;
    span.resource = attributes(isObject(resource) ? resource.attributes : resource, 'resource', lossy);
    if (lossy.count === marks && top.resourceKey) {
      resourceMemo.key = detachKey(top.resourceKey);
      resourceMemo.value = detachAttributes(span.resource);
    }
  } else {
    span.resource = {};
    unknown.push('resource');
  }

  const scope = top.scope;
  const scopeHit = top.scopeHit;
  if (scopeHit) span.scope = { name: scopeHit.name, version: scopeHit.version, schemaUrl: scopeHit.schemaUrl };
  else if (isObject(scope)) {
    const marks = lossy.count;
    span.scope = {
      name: text(scope.name, 'scope.name', lossy) ?? '',
      version: text(scope.version, 'scope.version', lossy),
      schemaUrl: text(scope.schemaUrl, 'scope.schemaUrl', lossy),
    };
    if (lossy.count === marks && top.scopeKey) {
      scopeMemo.key = detachKey(top.scopeKey);
      scopeMemo.value = { name: detachText(span.scope.name)!, version: detachText(span.scope.version), schemaUrl: detachText(span.scope.schemaUrl) };
    }
  } else {
    span.scope = { name: '', version: null, schemaUrl: null };
    if (!top.hasScope) unknown.push('scope');
    else lossy.add('scope', scope instanceof Elided ? elidedReason(scope) : 'a scope in an unexpected shape');
  }

  if (lossy.marks) span.lossy = lossy.marks;
  if (unknown.length) span.unknown = unknown;
  return span;
}
