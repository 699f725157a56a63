/**
 * Span Lens's own framed JSON-lines format, printed by the injected exporters (docs/format.md).
 *
 *   @@span-lens/1 <nonce> {"type":"span","span":{...SCHEMA.md span + location...}}
 *
 * The nonce is random per run and handed to the exporter through the environment, so a run's
 * parser accepts only frames carrying it: program output cannot forge or break a record.
 */
import type { Attributes, RunFacts, SourceLocation, Span } from '../model';
import { ownCopy } from './kernel/text';
import { JSON_STRING_BODY, jsonStringBody, parseJsonLoose } from './kernel/json';
import { attributesFromJson, locationFrom, scopeFrom, spanFromSchema, type SchemaRead, type SchemaShared } from '../schema';
import type { ParseMemo } from './types';

/** The marker that starts every frame; the version number changes if the record shape does. */
export const SPAN_LENS_MARKER = '@@span-lens/1 ';

export interface SpanLensRecord {
  spans: Span[];
  facts?: RunFacts;
  error?: string;
}

/** Build a frame line (without the newline). Used by tests and by the Node preload's twin. */
export function frameRecord(nonce: string, record: unknown, stringify: (v: unknown) => string = JSON.stringify): string {
  return `${SPAN_LENS_MARKER}${nonce} ${stringify(record)}`;
}

/**
 * Read one frame starting at the marker. Returns null when the text is not a frame we accept
 * (wrong nonce, no JSON), so the line stays program output. `memo` is the parser's: the resource
 * and scope every span of a process repeats are read once there and shared.
 */
export function readSpanLensRecord(text: string, nonce?: string, memo?: ParseMemo): SpanLensRecord | null {
  const rest = text.slice(SPAN_LENS_MARKER.length);
  const sp = rest.indexOf(' ');
  if (sp <= 0) return null;
  const frameNonce = rest.slice(0, sp);
  if (nonce !== undefined && frameNonce !== nonce) return null;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(frameNonce)) return null;
  const json = rest.slice(sp + 1);
  const fast = memo ? readWithSharedTail(json, memo) : undefined;
  if (fast) return { spans: [fast] };
  let value: unknown;
  let exact = false;
  try {
    value = JSON.parse(json);
  } catch {
    try {
      // NaN, Infinity: the exact reader takes what JSON.parse refuses.
      value = parseJsonLoose(json);
      exact = true;
    } catch (err) {
      return { spans: [], error: `a Span Lens record is damaged: ${(err as Error).message}` };
    }
  }
  const read: SchemaRead = { unsafeInt: false };
  let record = recordFrom(value, read);
  if (read.unsafeInt && !exact) {
    // JSON.parse rounded an integer beyond 2^53 somewhere: read the text again exactly.
    record = recordFrom(parseJsonLoose(json), { unsafeInt: false });
  }
  if (memo && !read.unsafeInt && record.spans.length === 1) rememberTail(json, record.spans[0], memo);
  return record;
}

/**
 * A remembered stretch of a span record as printed, from a member's comma up to the location (or
 * the record's end). Two kinds: from `,"resource":` (the resource, serviceName and scope members,
 * which all spans of a process print alike), and from `,"droppedAttributesCount":` (those plus
 * the counts, empty events and links, status and trace state of a plain span). `shared` is what
 * it was read as.
 */
interface FrameTail {
  text: string;
  /** The member the stretch starts with, as printed (`,"resource":` or `,"droppedAttributesCount":`). */
  start: string;
  shared: SchemaShared;
}
const FRAME_TAILS = 'span-lens-tails';
const RESOURCE_KEY = ',"resource":';
const COUNTS_KEY = ',"droppedAttributesCount":';
/** The members a remembered stretch may hold, and those of the longer kind only. */
const RESOURCE_MEMBERS: readonly string[] = ['resource', 'serviceName', 'scope'];
const COUNT_MEMBERS: readonly string[] = ['droppedAttributesCount', 'events', 'droppedEventsCount', 'links', 'droppedLinksCount', 'status', 'traceState'];
/** How many stretches are remembered (both kinds, for a few processes writing to one stream). */
const MAX_TAILS = 8;

/**
 * Read a span record whose stretch repeats a remembered one: JSON.parse of the rest, the members
 * of the stretch shared. Undefined when nothing matches or anything is unusual (the caller reads
 * the record whole, with the same result).
 */
function readWithSharedTail(json: string, memo: ParseMemo): Span | undefined {
  const tails = memo.get(FRAME_TAILS) as FrameTail[] | undefined;
  if (!tails || !json.startsWith(SPAN_RECORD_HEAD)) return undefined;
  const k = json.lastIndexOf(RESOURCE_KEY);
  if (k < 0) return undefined;
  let m = -2;
  for (const tail of tails) {
    let at = k;
    if (tail.start === COUNTS_KEY) {
      if (m === -2) m = json.lastIndexOf(COUNTS_KEY, k);
      at = m;
    }
    const end = at + tail.text.length;
    if (at < 0 || json.slice(at, end) !== tail.text) continue;
    if (!closesSpan(json, end)) return undefined;
    const byHead = readByHead(json, at, end, tail.shared, tail.start === COUNTS_KEY, memo);
    if (byHead !== NOT_READ) return byHead;
    let value: unknown;
    try {
      value = JSON.parse(json.slice(0, at) + json.slice(end));
    } catch {
      return undefined;
    }
    const rec = value as Record<string, unknown> | null;
    // `type` and `span` only: then the stretch closed by the record's last two braces was the span's.
    const span = rec && typeof rec === 'object' && memberCount(rec) === 2 ? (rec.span as Record<string, unknown> | null) : null;
    if (!span || typeof span !== 'object') return undefined;
    // A stretch member printed twice would make the whole record read otherwise (JSON's last wins).
    for (const key of RESOURCE_MEMBERS) if (key in span) return undefined;
    if (tail.shared.members) for (const key of COUNT_MEMBERS) if (key in span) return undefined;
    const read: SchemaRead = { unsafeInt: false };
    const out = spanFromSchema(span, read, tail.shared);
    return out && !read.unsafeInt ? out : undefined;
  }
  return undefined;
}

/**
 * The start of a span record as the injected exporters print it, up to `"attributes":`:
 * `type`, then the span's ids, parent, name, kind, times and (optional) duration, in this order.
 * Captures traceId, spanId, parentSpanId, parentIsRemote, name, kind, start, end.
 */
const FRAME_HEAD = new RegExp(
  '\\{"type":"span","span":\\{"traceId":"([0-9a-f]{32})","spanId":"([0-9a-f]{16})","parentSpanId":(?:null|"([0-9a-f]{16})"),"parentIsRemote":(null|true|false),' +
    `"name":${JSON_STRING_BODY},"kind":"(INTERNAL|SERVER|CLIENT|PRODUCER|CONSUMER)","startTimeUnixNano":"([0-9]{1,20})","endTimeUnixNano":(?:null|"([0-9]{1,20})"),` +
    '(?:"durationNano":(?:null|"-?[0-9]{1,20}"),)?(?="attributes":)',
  'y',
);
/** The head's members (the record's `type` and `span` aside): a later duplicate would win in JSON. */
const HEAD_MEMBERS: readonly string[] = ['traceId', 'spanId', 'parentSpanId', 'parentIsRemote', 'name', 'kind', 'startTimeUnixNano', 'endTimeUnixNano', 'durationNano'];
const NOT_READ = Symbol('not read');

/** The last trace id read, as printed and as kept: the spans of a trace share one copy. */
let lastTraceRaw = '';
let lastTraceId = '';

/**
 * A span record whose remembered stretch sits at `at`..`end`, read without JSON.parse of its
 * head: the head by FRAME_HEAD, the members from `attributes` to the stretch and the location
 * after it by JSON.parse. The same span as reading the record whole; NOT_READ when the record
 * does not start as the exporters print it, undefined when the rest is unusual (the caller then
 * reads the record whole).
 */
function readByHead(json: string, at: number, end: number, shared: SchemaShared, plain: boolean, memo: ParseMemo): Span | undefined | typeof NOT_READ {
  FRAME_HEAD.lastIndex = 0;
  const m = FRAME_HEAD.exec(json);
  if (!m) return NOT_READ;
  const from = FRAME_HEAD.lastIndex;
  // Before a plain span's stretch, `"attributes":{…}` is usually all there is.
  let attributes: unknown = NOT_READ;
  let rest: Record<string, unknown> | undefined;
  let location: unknown;
  if (plain) {
    try {
      attributes = JSON.parse(json.slice(from + 13, at));
    } catch {
      /* more members: read below */
    }
  }
  if (attributes === NOT_READ) {
    try {
      rest = JSON.parse('{' + json.slice(from, at) + '}') as Record<string, unknown>;
    } catch {
      return undefined;
    }
    for (const key of HEAD_MEMBERS) if (key in rest) return undefined;
    for (const key of RESOURCE_MEMBERS) if (key in rest) return undefined;
    if (shared.members) for (const key of COUNT_MEMBERS) if (key in rest) return undefined;
  }
  // closesSpan checked what follows the stretch: `}}`, or a location object and `}}`.
  if (end < json.length - 2) {
    location = sharedLocation(json.slice(end + 12, json.length - 2), memo);
    if (location === NOT_READ) return undefined;
  }
  const traceRaw = m[1];
  if (traceRaw !== lastTraceRaw) {
    lastTraceRaw = traceRaw;
    lastTraceId = ownCopy(traceRaw);
  }
  const traceId = lastTraceId;
  const spanId = ownCopy(m[2]);
  const parentSpanId = m[3] === undefined ? null : ownCopy(m[3]);
  const parentIsRemote = m[4] === 'null' ? null : m[4] === 'true';
  const name = ownCopy(jsonStringBody(m[5]));
  const kind = m[6];
  const startTimeUnixNano = m[7];
  const endTimeUnixNano = m[8] === undefined ? null : m[8];
  let span: Record<string, unknown>;
  if (!rest) {
    span = { traceId, spanId, parentSpanId, parentIsRemote, name, kind, startTimeUnixNano, endTimeUnixNano, attributes };
  } else {
    span = Object.assign(rest, { traceId, spanId, parentSpanId, parentIsRemote, name, kind, startTimeUnixNano, endTimeUnixNano });
    // A location after the stretch is the last one printed, which JSON would keep.
    if (end < json.length - 2) delete span.location;
  }
  const read: SchemaRead = { unsafeInt: false };
  const out = spanFromSchema(span, read, shared);
  if (!out || read.unsafeInt) return undefined;
  if (location) out.location = location as SourceLocation;
  return out;
}

const FRAME_LOCATIONS = 'span-lens-locations';
/** How many different locations are kept (call sites of one program). */
const MAX_LOCATIONS = 4096;

/**
 * A frame's location as printed (`{"file":…,"line":…}`) read once per call site: the spans a
 * line starts share one (frozen) SourceLocation. Undefined when it has no file and line (as
 * spanFromSchema reads it); NOT_READ when the text is not JSON.
 */
function sharedLocation(text: string, memo: ParseMemo): SourceLocation | undefined | typeof NOT_READ {
  let known = memo.get(FRAME_LOCATIONS) as Map<string, SourceLocation | undefined> | undefined;
  if (!known) memo.set(FRAME_LOCATIONS, (known = new Map()));
  const hit = known.get(text);
  if (hit !== undefined || known.has(text)) return hit;
  let location: SourceLocation | undefined;
  try {
    location = locationFrom(JSON.parse(text));
  } catch {
    return NOT_READ;
  }
  if (known.size >= MAX_LOCATIONS) known.clear();
  // The key is a copy: a slice would keep the whole chunk of output it was cut from.
  known.set(ownCopy(text), location && Object.freeze(location));
  return location;
}

function memberCount(o: object): number {
  let n = 0;
  for (const _ in o) n++;
  return n;
}

/** After a span record was read whole and exactly: remember its stretches when they are new. */
function rememberTail(json: string, span: Span, memo: ParseMemo): void {
  if (!json.startsWith(SPAN_RECORD_HEAD)) return;
  const k = json.lastIndexOf(RESOURCE_KEY);
  if (k < 0) return;
  const loc = json.indexOf(',"location":', k);
  const end = loc >= 0 ? loc : json.length - 2;
  if (end <= k || !closesSpan(json, end)) return;
  const resource = readStretch(json, k, end, RESOURCE_MEMBERS);
  if (!resource) return;
  const read: SchemaRead = { unsafeInt: false };
  const resourceMap = attributesFromJson(resource.members.resource, read);
  if (read.unsafeInt || !sameAttributes(resourceMap, span.resource)) return;
  const shared: SchemaShared = { resource: Object.freeze(resourceMap) as Attributes, scope: Object.freeze(scopeFrom(resource.members.scope)) };
  let tails = memo.get(FRAME_TAILS) as FrameTail[] | undefined;
  if (!tails) memo.set(FRAME_TAILS, (tails = []));
  const remember = (tail: FrameTail) => {
    if (tails!.some((t) => t.text === tail.text)) return;
    tails!.unshift(tail);
    if (tails!.length > MAX_TAILS) tails!.pop();
  };
  remember({ text: resource.text, start: RESOURCE_KEY, shared });
  // The longer stretch, for a plain span: no events, no links, plain counts, status and trace state.
  const m = json.lastIndexOf(COUNTS_KEY, k);
  const counts = m > 0 ? readStretch(json, m, end, [...COUNT_MEMBERS, ...RESOURCE_MEMBERS]) : undefined;
  if (!counts || !isPlainCounts(counts.members)) return;
  const members: Record<string, unknown> = {};
  for (const key of COUNT_MEMBERS) members[key] = counts.members[key];
  members.events = members.links = [];
  remember({ text: counts.text, start: COUNTS_KEY, shared: { ...shared, members: Object.freeze(members) } });
}

/** The members printed from `from` to `end` (a comma first), when they are whole members with only `allowed` keys. */
function readStretch(json: string, from: number, end: number, allowed: readonly string[]): { text: string; members: Record<string, unknown> } | undefined {
  // A copy, not a slice: a slice would keep the whole output chunk alive.
  const text = (' ' + json.slice(from, end)).slice(1);
  let members: unknown;
  try {
    // Parses only when the stretch is whole members at one level.
    members = JSON.parse('{' + text.slice(1) + '}');
  } catch {
    return undefined;
  }
  if (!members || typeof members !== 'object' || Array.isArray(members)) return undefined;
  for (const key in members) if (!allowed.includes(key)) return undefined;
  return { text, members: members as Record<string, unknown> };
}

/** Every count member present, events and links empty, a status of plain values, a string or null trace state. */
function isPlainCounts(m: Record<string, unknown>): boolean {
  for (const key of COUNT_MEMBERS) if (!(key in m)) return false;
  const status = m.status as Record<string, unknown> | null;
  return (
    Array.isArray(m.events) && m.events.length === 0 && Array.isArray(m.links) && m.links.length === 0 &&
    typeof m.droppedAttributesCount === 'number' && Number.isSafeInteger(m.droppedAttributesCount) &&
    typeof m.droppedEventsCount === 'number' && Number.isSafeInteger(m.droppedEventsCount) &&
    typeof m.droppedLinksCount === 'number' && Number.isSafeInteger(m.droppedLinksCount) &&
    (m.traceState === null || typeof m.traceState === 'string') &&
    !!status && typeof status === 'object' && !Array.isArray(status) &&
    Object.values(status).every((v) => v === null || typeof v !== 'object')
  );
}

/** How the injected exporters start a span record. */
const SPAN_RECORD_HEAD = '{"type":"span","span":{';

/**
 * True when the text from `end` only closes the span and the record: `}}`, or a location object
 * (strings and numbers, as the exporters print it) and then `}}`. So a stretch ending at `end`
 * sits at the top level of the record's last member.
 */
function closesSpan(json: string, end: number): boolean {
  let i = end;
  if (json.startsWith(',"location":{', i)) {
    let inString = false;
    for (i += 13; i < json.length; i++) {
      const c = json.charCodeAt(i);
      if (inString) {
        if (c === 92 /* \ */) i++;
        else if (c === 34) inString = false;
      } else if (c === 34) inString = true;
      else if (c === 123 || c === 91) return false;
      else if (c === 125) break;
    }
    i++;
  }
  return i === json.length - 2 && json.charCodeAt(i) === 125 && json.charCodeAt(i + 1) === 125;
}

/** The same keys in the same order with the same values (a check that the stretch is what was read). */
function sameAttributes(a: Attributes, b: Attributes): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const x = a[ka[i]];
    const y = b[kb[i]];
    if (ka[i] !== kb[i] || !(Object.is(x, y) || (Array.isArray(x) && Array.isArray(y) && JSON.stringify(x) === JSON.stringify(y)))) return false;
  }
  return true;
}

function recordFrom(value: unknown, read: SchemaRead): SpanLensRecord {
  if (!value || typeof value !== 'object') return { spans: [], error: 'a Span Lens record is not an object' };
  const rec = value as Record<string, unknown>;
  switch (rec.type) {
    case 'span':
    case 'unended': {
      const span = spanFromSchema(rec.span, read);
      if (!span) return { spans: [], error: `a Span Lens ${rec.type} record lacks ids, name or start time` };
      if (rec.type === 'unended') span.endTimeUnixNano = null;
      return { spans: [span] };
    }
    case 'facts': {
      const facts: RunFacts = {};
      if (typeof rec.sdk === 'string') facts.sdk = rec.sdk;
      if (Array.isArray(rec.programExporters)) facts.programExporters = rec.programExporters.filter((x): x is string => typeof x === 'string');
      if (typeof rec.noExporter === 'boolean') facts.noExporter = rec.noExporter;
      if (Array.isArray(rec.lostAtExit)) facts.lostAtExit = rec.lostAtExit.filter((x): x is string => typeof x === 'string');
      if (typeof rec.droppedSpans === 'number') facts.droppedSpans = rec.droppedSpans;
      if (typeof rec.sdkDroppedSpans === 'number' && rec.sdkDroppedSpans > 0) facts.sdkDroppedSpans = rec.sdkDroppedSpans;
      if (typeof rec.message === 'string' && rec.message) facts.message = rec.message;
      return { spans: [], facts };
    }
    default:
      // A newer exporter's record type: skip it quietly (forward compatible).
      return { spans: [] };
  }
}
