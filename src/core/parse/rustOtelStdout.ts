/**
 * `opentelemetry_stdout::SpanExporter` (opentelemetry-rust 0.28+ text layout, as of 0.32): every
 * export() prints `Spans`, the first one also a `Resource` block, then per span a `Span #i` header
 * and tab-indented `Key : value` lines; attribute values are Rust Debug of `opentelemetry::Value`
 * (`I64(42)`, `F64(19.99)`, `String(Static("shop"))`, `Array(I64([1, 2]))`).
 *
 * The records are line-shaped but have no end marker: a span is complete when the next `Span #`,
 * `Spans`, or the end of input arrives. The resource printed once applies to every later span.
 */
import type { AttributeScalar, AttributeValue, Attributes, SpanEvent, SpanKind, SpanLink, StatusCode } from '../model';
import { emptySpan } from '../model';
import { hexId } from './kernel/ids';
import { readRfc3339 } from './kernel/time';
import { readDebugString } from './kernel/debugString';
import { LineVerdict, type LineFormat, type LineReader, type Sink } from './types';

const KINDS: { [k: string]: SpanKind } = { Internal: 'INTERNAL', Server: 'SERVER', Client: 'CLIENT', Producer: 'PRODUCER', Consumer: 'CONSUMER' };
const MAX_RAW_LINES = 2000;

/** `2026-11-25 07:56:12.829129` (chrono `%Y-%m-%d %H:%M:%S%.6f`, UTC) in ns. */
function readTime(text: string): bigint | null {
  if (text.length < 19 || text.charCodeAt(10) !== 32) return null;
  const st = readRfc3339(text + 'Z', 0);
  return st && st.end === text.length + 1 ? st.ns : null;
}

/** `Static("x")` / `Owned("x")` / `RefCounted("x")` at `s[i]`: the string and where it ends. */
function readOtelString(s: string, i: number): { value: string; end: number } | null {
  const open = s.indexOf('(', i);
  if (open < 0 || open - i > 10) return null;
  const tag = s.slice(i, open);
  if (tag !== 'Static' && tag !== 'Owned' && tag !== 'RefCounted') return null;
  if (s.charCodeAt(open + 1) !== 34) return null;
  const q = readDebugString(s, open + 1);
  if (!q || s.charCodeAt(q.end) !== 41) return null;
  return { value: q.value, end: q.end + 1 };
}

function scalar(kind: string, text: string): AttributeScalar | undefined {
  switch (kind) {
    case 'Bool':
      return text === 'true' ? true : text === 'false' ? false : undefined;
    case 'I64': {
      if (!/^-?\d+$/.test(text)) return undefined;
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : BigInt(text);
    }
    case 'F64':
      if (text === 'NaN') return NaN;
      if (text === 'inf') return Infinity;
      if (text === '-inf') return -Infinity;
      return /^-?\d+(?:\.\d+)?(?:e-?\d+)?$/.test(text) ? Number(text) : undefined;
    default:
      return undefined;
  }
}

/** A whole `Value` Debug text, or undefined when it is not one. */
export function decodeOtelValue(s: string): AttributeValue | undefined {
  const open = s.indexOf('(');
  if (open < 0 || s.charCodeAt(s.length - 1) !== 41) return undefined;
  const kind = s.slice(0, open);
  const inner = s.slice(open + 1, -1);
  if (kind === 'String') {
    const str = readOtelString(inner, 0);
    return str && str.end === inner.length ? str.value : undefined;
  }
  if (kind !== 'Array') return scalar(kind, inner);
  const o2 = inner.indexOf('(');
  if (o2 < 0 || inner.charCodeAt(inner.length - 1) !== 41) return undefined;
  const ek = inner.slice(0, o2);
  const list = inner.slice(o2 + 1, -1);
  if (list.charCodeAt(0) !== 91 || list.charCodeAt(list.length - 1) !== 93) return undefined;
  const body = list.slice(1, -1);
  if (body === '') return [];
  const out: AttributeScalar[] = [];
  if (ek === 'String') {
    let i = 0;
    for (;;) {
      const str = readOtelString(body, i);
      if (!str) return undefined;
      out.push(str.value);
      if (str.end === body.length) return out;
      if (!body.startsWith(', ', str.end)) return undefined;
      i = str.end + 2;
    }
  }
  for (const part of body.split(', ')) {
    const v = scalar(ek, part);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

/** `key<sep>Value(..)`: the key may itself hold the separator, so try each place it occurs. */
function splitKeyValue(s: string, sep: string): [string, AttributeValue] | null {
  let k = s.indexOf(sep);
  while (k >= 0) {
    const v = decodeOtelValue(s.slice(k + sep.length));
    if (v !== undefined) return [s.slice(0, k), v];
    k = s.indexOf(sep, k + 1);
  }
  return null;
}

function readStatus(text: string): { code: StatusCode; message: string | null } | null {
  if (text === 'Unset') return { code: 'UNSET', message: '' };
  if (text === 'Ok') return { code: 'OK', message: '' };
  const pre = 'Error { description: ';
  if (text.startsWith(pre) && text.endsWith(' }')) {
    const q = readDebugString(text, pre.length);
    if (q && q.end === text.length - 2) return { code: 'ERROR', message: q.value };
  }
  return null;
}

type Section = 'scope' | 'scopeAttrs' | 'span' | 'attrs' | 'events' | 'event' | 'eventAttrs' | 'links' | 'link' | 'linkAttrs';

interface Building {
  startLine: number;
  lastLine: number;
  raw: string[];
  section: Section;
  span: ReturnType<typeof emptySpan>;
  have: Set<string>;
  event: SpanEvent | null;
  link: SpanLink | null;
  problem: string | null;
}

class OtelStdoutReader implements LineReader {
  private resource: Attributes | null = null;
  private inResource = false;
  private spansLine = -2;
  private cur: Building | null = null;

  constructor(private readonly sink: Sink) {}

  line(text: string, lineNo: number): LineVerdict {
    const c = text.charCodeAt(0);
    if (c === 83 /* S */) {
      if (text === 'Spans') {
        this.flush();
        this.inResource = false;
        this.spansLine = lineNo;
        // Kept as output unless a `Resource` or `Span #` follows at once.
        return LineVerdict.NotMine;
      }
      if (text.startsWith('Span #') && /^\d+$/.test(text.slice(6))) {
        this.flush();
        this.inResource = false;
        const span = emptySpan();
        span.resource = this.resource ?? {};
        if (!this.resource) span.unknown = ['resource'];
        this.cur = { startLine: lineNo, lastLine: lineNo, raw: [text], section: 'scope', span, have: new Set(), event: null, link: null, problem: null };
        return this.spansLine === lineNo - 1 ? LineVerdict.MineWithPrevious : LineVerdict.Mine;
      }
      return LineVerdict.NotMine;
    }
    if (text === 'Resource') {
      if (this.spansLine !== lineNo - 1) return LineVerdict.NotMine;
      this.flush();
      this.resource = {};
      this.inResource = true;
      return LineVerdict.MineWithPrevious;
    }
    if (this.inResource && c === 9) {
      if (text.startsWith('\t ->  ')) {
        const kv = splitKeyValue(text.slice(6), '=');
        if (kv) {
          this.resource![kv[0]] = kv[1];
          return LineVerdict.Mine;
        }
      }
      if (text.startsWith('\tResource SchemaUrl: ')) return LineVerdict.Mine;
      return LineVerdict.NotMine;
    }
    const b = this.cur;
    if (!b) return LineVerdict.NotMine;
    if (text === '') {
      if (b.section !== 'scope' && b.section !== 'scopeAttrs') return LineVerdict.NotMine;
      b.section = 'span';
      return this.took(b, text, lineNo);
    }
    if (c !== 9) return LineVerdict.NotMine;
    return this.spanLine(b, text, lineNo) ? this.took(b, text, lineNo) : LineVerdict.NotMine;
  }

  private took(b: Building, text: string, lineNo: number): LineVerdict {
    b.lastLine = lineNo;
    if (b.raw.length < MAX_RAW_LINES) b.raw.push(text);
    return LineVerdict.Mine;
  }

  /** One tab-indented line of the span being read; false when it is not one the exporter prints. */
  private spanLine(b: Building, text: string, lineNo: number): boolean {
    const s = b.span;
    if (text.startsWith('\t\t\t ->  ')) return b.section === 'scopeAttrs'; // scope attributes: not in the model
    if (text.startsWith('\t\t ->  ')) {
      const kv = splitKeyValue(text.slice(7), ': ');
      const target = b.section === 'attrs' ? s.attributes : b.section === 'eventAttrs' ? b.event?.attributes : b.section === 'linkAttrs' ? b.link?.attributes : undefined;
      if (!target) return false;
      if (!kv) {
        b.problem ??= `line ${lineNo + 1}: an attribute value that is not an opentelemetry Value`;
        return true;
      }
      target[kv[0]] = kv[1];
      return true;
    }
    if (text.startsWith('\t\t')) {
      if (b.section !== 'scope') return false;
      const sep = text.indexOf(': ');
      const key = sep > 0 ? text.slice(2, sep).trim() : text.slice(2).trim();
      if (key === 'Scope Attributes:') {
        b.section = 'scopeAttrs';
        return true;
      }
      const q = sep > 0 && text.charCodeAt(sep + 2) === 34 ? readDebugString(text, sep + 2) : null;
      if (!q || q.end !== text.length) return false;
      if (key === 'Name') s.scope.name = q.value;
      else if (key === 'Version') s.scope.version = q.value;
      else if (key === 'SchemaUrl') s.scope.schemaUrl = q.value;
      else return false;
      return true;
    }
    const body = text.slice(1);
    switch (body) {
      case 'Instrumentation Scope':
        b.section = 'scope';
        return true;
      case 'Attributes:':
        if (b.section === 'span') b.section = 'attrs';
        else if (b.section === 'event') b.section = 'eventAttrs';
        else if (b.section === 'link') b.section = 'linkAttrs';
        else return false;
        return true;
      case 'Events:':
        b.section = 'events';
        return true;
      case 'Links:':
        b.section = 'links';
        return true;
    }
    if (body.startsWith('Event #')) {
      if (b.section !== 'events' && b.section !== 'event' && b.section !== 'eventAttrs') return false;
      b.event = { name: '', timeUnixNano: 0n, attributes: {}, droppedAttributesCount: 0 };
      s.events.push(b.event);
      b.section = 'event';
      return true;
    }
    if (body.startsWith('Link #')) {
      if (b.section !== 'links' && b.section !== 'link' && b.section !== 'linkAttrs') return false;
      b.link = { traceId: '', spanId: '', traceState: null, attributes: {}, droppedAttributesCount: 0 };
      s.links.push(b.link);
      b.section = 'link';
      return true;
    }
    const sep = body.indexOf(': ');
    if (sep < 0) return false;
    const key = body.slice(0, sep).trimEnd();
    const value = body.slice(sep + 2);
    if (b.section === 'event' || b.section === 'eventAttrs') {
      const e = b.event!;
      if (key === 'Name') e.name = value;
      else if (key === 'Timestamp') {
        const t = readTime(value);
        if (t === null) return false;
        e.timeUnixNano = t;
      } else return false;
      return true;
    }
    if (b.section === 'link' || b.section === 'linkAttrs') {
      const l = b.link!;
      const id = key === 'TraceId' ? hexId(value, 32) : key === 'SpanId' ? hexId(value, 16) : null;
      if (id === null) return false;
      if (key === 'TraceId') l.traceId = id;
      else l.spanId = id;
      return true;
    }
    if (b.section !== 'span' && b.section !== 'attrs') return false;
    switch (key) {
      case 'Name':
        s.name = value;
        break;
      case 'TraceId': {
        const id = hexId(value, 32);
        if (id === null) return false;
        s.traceId = id;
        break;
      }
      case 'SpanId': {
        const id = hexId(value, 16);
        if (id === null) return false;
        s.spanId = id;
        break;
      }
      case 'TraceFlags':
        break;
      case 'ParentSpanId': {
        const id = value === 'None (root span)' ? null : hexId(value, 16);
        if (id === null && value !== 'None (root span)') return false;
        s.parentSpanId = id;
        break;
      }
      case 'Kind': {
        const k = KINDS[value];
        if (!k) return false;
        s.kind = k;
        break;
      }
      case 'Start time':
      case 'End time': {
        const t = readTime(value);
        if (t === null) return false;
        if (key === 'Start time') s.startTimeUnixNano = t;
        else s.endTimeUnixNano = t;
        break;
      }
      case 'Status': {
        const st = readStatus(value);
        if (!st) return false;
        s.status = st;
        break;
      }
      default:
        return false;
    }
    b.have.add(key);
    return true;
  }

  private flush(): void {
    const b = this.cur;
    if (!b) return;
    this.cur = null;
    const missing = ['Name', 'TraceId', 'SpanId', 'ParentSpanId', 'Start time', 'End time'].filter((k) => !b.have.has(k));
    if (missing.length || b.problem) {
      this.sink.unparsed({
        startLine: b.startLine,
        endLine: b.lastLine,
        reason: b.problem ?? `an opentelemetry-stdout span without ${missing.join(', ')} (cut off or damaged)`,
        text: b.raw.join('\n'),
      });
      return;
    }
    const s = b.span;
    s.origin = { format: 'rust-otel-stdout', line: b.startLine, endLine: b.lastLine };
    this.sink.span(s);
  }

  end(): void {
    this.flush();
  }
}

/** opentelemetry-rust `opentelemetry_stdout::SpanExporter` text output. */
export const rustOtelStdout: LineFormat = {
  name: 'rust-otel-stdout',
  mayMatch: (text) => {
    const c = text.charCodeAt(0);
    return c === 9 || text === '' || text === 'Spans' || text === 'Resource' || (c === 83 && text.startsWith('Span #'));
  },
  createReader: (sink) => new OtelStdoutReader(sink),
};
