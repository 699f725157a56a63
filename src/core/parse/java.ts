/**
 * Java exporters that log through java.util.logging (JUL):
 *
 * - LoggingSpanExporter: one JUL record per span whose message is
 *   `'<name>' : <traceId> <spanId> <KIND> [tracer: <scope>:<version>] <attributes>`. With the
 *   default SimpleFormatter a record is two lines, a header
 *   `Nov 25, 2026 7:56:12 AM io.opentelemetry.exporter.logging.LoggingSpanExporter export` and
 *   `INFO: <message>`; other JUL formats put text of their own around the message, so the reader
 *   keys on the message itself wherever it sits in the line. Only ids, name, kind, scope and
 *   attributes are printed (attribute values unquoted and untyped).
 * - OtlpJsonLoggingSpanExporter: one JUL record per export whose message is an OTLP JSON
 *   ResourceSpans object.
 *
 * A span name or attribute value holding a newline spreads a record over several lines; the
 * readers claim those lines as they come and give back (as program output, in order) any lines
 * that turn out not to belong to a record.
 */
import type { AttributeScalar, AttributeValue, Attributes, LossyField, Span, SpanKind, SpanOrigin } from '../model';
import { setAttribute } from './kernel/attributes';
import { skippedReason } from './kernel/ids';
import { LineVerdict, type LineFormat, type LineReader, type ParseMemo, type Sink } from './types';

/** The fixed part of a LoggingSpanExporter message, after the name's closing quote. */
const RECORD_KEY = /' : ([0-9a-f]{32}) ([0-9a-f]{16}) (INTERNAL|SERVER|CLIENT|PRODUCER|CONSUMER) \[tracer: /;
const LOGGER = 'io.opentelemetry.exporter.logging.LoggingSpanExporter';
const OTLP_LOGGER = 'io.opentelemetry.exporter.logging.otlp';
/** SimpleFormatter's default header in an English locale; finds text glued before it. */
const JUL_DATE = /(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2}(?: [AP]M)? /;
const ATTRIBUTES_MAP_END = /\}, capacity=(\d+), totalAddedValues=(\d+)\}/y;
/** Limits on a record spread over lines, so a stray header cannot swallow the rest of the output. */
const MAX_RECORD_LINES = 2000;
const MAX_RECORD_CHARS = 1 << 20;
/** A span name holding more newlines than this is taken for damage, not a name. */
const MAX_NAME_LINES = 64;
const BATCH_PROCESSOR = 'io.opentelemetry.sdk.trace.export.BatchSpanProcessor';
const DROPPED = 'BatchSpanProcessor dropped ';
const UNKNOWN_FIELDS = ['parent', 'time', 'status', 'events', 'links', 'resource'] as const;

interface Held {
  line: number;
  text: string;
}

/** Program text glued before a JUL header (printed without a newline just before the record). */
function gluedPrefix(text: string): string {
  const m = JUL_DATE.exec(text);
  return m && m.index > 0 ? text.slice(0, m.index) : '';
}

function isLoggingHeader(text: string): boolean {
  const t = text.trimEnd();
  return t.endsWith(`${LOGGER} export`);
}

// ---------------------------------------------------------------- attribute text

/** Read a value Java printed with toString(): Boolean, Long, Double, List, else String. */
function javaScalar(raw: string): AttributeScalar {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  const c = raw.charCodeAt(0);
  if ((c >= 48 && c <= 57) || c === 45 || c === 78 || c === 73) {
    if (/^-?\d{1,19}$/.test(raw)) {
      if (raw.length < 16) return Number(raw);
      const b = BigInt(raw);
      if (b > 9223372036854775807n || b < -9223372036854775808n) return raw;
      return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
    }
    // Double.toString always has a fraction or exponent: 19.99, 1.0E10, NaN, -Infinity.
    if (/^-?(?:\d+\.\d+(?:E-?\d+)?|Infinity)$/.test(raw) || raw === 'NaN') return Number(raw);
  }
  return raw;
}

/** A List attribute (`[a, b, c]`). Java lists are homogeneous: mixed readings mean strings. */
function javaList(raw: string): AttributeScalar[] {
  const inner = raw.slice(1, -1);
  if (inner === '') return [];
  const parts = inner.split(', ');
  const values = parts.map(javaScalar);
  const t = typeof values[0];
  return values.every((v) => typeof v === t || (typeof v === 'bigint' && t === 'number') || (typeof v === 'number' && t === 'bigint')) ? values : parts;
}

function javaValue(raw: string): AttributeValue {
  if (raw.length >= 2 && raw.charCodeAt(0) === 91 && raw.charCodeAt(raw.length - 1) === 93) return javaList(raw);
  return javaScalar(raw);
}

/** Is `s[i…]` a key followed by `=` (an attribute key: no spaces, commas or `=`)? */
function keyAt(s: string, i: number): boolean {
  for (let k = i; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 61 /* = */) return k > i;
    if (c === 44 || c === 32 || c === 10 || c === 9) return false;
  }
  return false;
}

/**
 * Split `k1=v1, k2=v2` (a map's toString) into entries. Values are unquoted, so a value holding
 * `, x=` cannot be told from a new entry; the split happens at every `, key=`. With
 * `quotedStrings` (immutable attributes quote string values) a quoted value runs to its closing
 * quote.
 */
function splitEntries(body: string, quotedStrings = false): [string, string][] {
  const out: [string, string][] = [];
  if (body === '') return out;
  let start = 0;
  let from = 0;
  let quotedFrom = quotedStrings ? quotedValueStart(body, 0) : -1;
  for (;;) {
    const k = body.indexOf(', ', from);
    if (k < 0) break;
    const insideQuotes = quotedFrom >= 0 && (k - 1 <= quotedFrom || body.charCodeAt(k - 1) !== 34);
    if (!insideQuotes && keyAt(body, k + 2)) {
      out.push(entry(body.slice(start, k)));
      start = k + 2;
      if (quotedStrings) quotedFrom = quotedValueStart(body, start);
    }
    from = k + 2;
  }
  out.push(entry(body.slice(start)));
  return out;
}

/** Index of the opening quote when the entry at `start` has a quoted value, else -1. */
function quotedValueStart(body: string, start: number): number {
  for (let i = start; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === 61 /* = */) return body.charCodeAt(i + 1) === 34 ? i + 1 : -1;
    if (c === 44 || c === 32) return -1;
  }
  return -1;
}

function entry(text: string): [string, string] {
  const eq = text.indexOf('=');
  return eq < 0 ? [text, ''] : [text.slice(0, eq), text.slice(eq + 1)];
}

interface AttributeReading {
  attributes: Attributes;
  lossy: LossyField[];
}

/**
 * The attributes part of a message: `{}`, `AttributesMap{data={…}, capacity=N, totalAddedValues=M}`
 * (SDK ≥ 1.x, ended spans) or `{k=v, s="text"}` (immutable attributes: strings quoted).
 * Returns null while the text is incomplete (a value with a newline continues on the next line).
 */
function readAttributes(text: string): AttributeReading | null {
  const lossy: LossyField[] = [];
  if (text.startsWith('{}')) return { attributes: {}, lossy };
  if (text.startsWith('AttributesMap{data={')) {
    // The last `}, capacity=N, totalAddedValues=M}` ends the map (a value may hold a lookalike).
    let end: RegExpExecArray | null = null;
    for (let at = text.lastIndexOf('}, capacity='); at >= 0 && !end; at = at > 0 ? text.lastIndexOf('}, capacity=', at - 1) : -1) {
      ATTRIBUTES_MAP_END.lastIndex = at;
      end = ATTRIBUTES_MAP_END.exec(text);
    }
    if (!end) return null;
    const entries = splitEntries(text.slice('AttributesMap{data={'.length, end.index));
    const attributes: Attributes = {};
    for (const [k, v] of entries) {
      const value = javaValue(v);
      setAttribute(attributes, k, value);
      if (Array.isArray(value) && value.length > 1 && typeof value[0] === 'string') {
        lossy.push({ path: `attributes.${k}`, reason: "list elements are printed unquoted: an element holding ', ' reads as two" });
      }
    }
    const added = Number(end[2]);
    if (entries.length > added) {
      lossy.push({ path: 'attributes', reason: "values hold ', key=' so Java's unquoted attribute list cannot be split reliably" });
    }
    return { attributes, lossy };
  }
  if (text.startsWith('{')) {
    const close = text.trimEnd();
    if (!close.endsWith('}')) return null;
    const attributes: Attributes = {};
    for (const [k, v] of splitEntries(close.slice(1, -1), true)) {
      setAttribute(attributes, k, v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : javaValue(v));
    }
    return { attributes, lossy };
  }
  lossy.push({ path: 'attributes', reason: 'attributes not in a form LoggingSpanExporter prints' });
  return { attributes: {}, lossy };
}

// ---------------------------------------------------------------- LoggingSpanExporter reader

interface OpenRecord {
  span: Span;
  /** Lines claimed for this record so far (for limits and for the text of a damaged record). */
  lines: number;
  chars: number;
  attributesText: string;
  firstLine: number;
}

class JavaLoggingReader implements LineReader {
  /** A header line claimed and waiting for its message. */
  private header: (Held & { prefix: string; sdk: boolean }) | null = null;
  /** Message lines of a span name that holds newlines, waiting for the rest of the record. */
  private message: Held[] = [];
  private messageChars = 0;
  /** A record whose attributes continue on the next lines. */
  private open: OpenRecord | null = null;

  constructor(private readonly sink: Sink) {}

  line(text: string, lineNo: number): LineVerdict {
    if (this.open) {
      if (this.continueAttributes(text, lineNo)) return LineVerdict.Mine;
    }
    const pending = this.header !== null || this.message.length > 0;
    // No record line starts with `{`; JSON lines are the hot path of other formats.
    if (!pending && text.charCodeAt(0) === 123) return LineVerdict.NotMine;
    const key = RECORD_KEY.exec(text);
    if (key) {
      // A one-line JUL record names the logger itself: it starts a record of its own.
      if (this.message.length && text.lastIndexOf(LOGGER, key.index) >= 0) this.abandon();
      this.record(text, lineNo, key);
      return LineVerdict.Mine;
    }
    if (this.header?.sdk) {
      const header = this.header;
      this.header = null;
      if (this.sdkMessage(text)) {
        if (header.prefix) this.sink.output?.(header.line, header.prefix);
        return LineVerdict.Mine;
      }
      this.sink.output?.(header.line, header.text);
    } else if (pending) {
      // The message of a span whose name holds newlines, until the line with the record key.
      const boundary = isLoggingHeader(text) || JUL_DATE.exec(text)?.index === 0;
      if (!boundary && (this.message.length || text.includes("'")) && this.message.length < MAX_NAME_LINES && this.messageChars + text.length < MAX_RECORD_CHARS) {
        this.message.push({ line: lineNo, text });
        this.messageChars += text.length;
        return LineVerdict.Mine;
      }
      this.abandon();
    }
    if (text.indexOf('io.opentelemetry.') < 0) return this.sdkMessage(text) ? LineVerdict.Mine : LineVerdict.NotMine;
    if (isLoggingHeader(text)) {
      this.header = { line: lineNo, text, prefix: gluedPrefix(text), sdk: false };
      return LineVerdict.Mine;
    }
    if (this.sdkMessage(text)) return LineVerdict.Mine;
    if (text.indexOf(BATCH_PROCESSOR) >= 0) {
      // The SDK's own JUL header (e.g. spans dropped by a full queue); its message comes next.
      this.header = { line: lineNo, text, prefix: gluedPrefix(text), sdk: true };
      return LineVerdict.Mine;
    }
    // A one-line JUL format whose span name continues on the next line.
    const at = text.indexOf(LOGGER);
    if (at >= 0 && text.indexOf("'", at) > 0) {
      this.message.push({ line: lineNo, text });
      this.messageChars = text.length;
      return LineVerdict.Mine;
    }
    return LineVerdict.NotMine;
  }

  end(): void {
    if (this.open) this.closeOpen('the record is cut off before its attributes end');
    if (this.header?.sdk) this.sink.output?.(this.header.line, this.header.text);
    else this.abandon();
    this.header = null;
  }

  /** `BatchSpanProcessor dropped N span(s) …`: a fact about the run, not program output. */
  private sdkMessage(text: string): boolean {
    const at = text.indexOf(DROPPED);
    if (at < 0) return false;
    const m = /^(\d+) span\(s\)/.exec(text.slice(at + DROPPED.length));
    if (!m) return false;
    this.sink.facts({ droppedSpans: Number(m[1]) });
    return true;
  }

  /**
   * Claimed lines that never became a record. A header alone is given back as output (its
   * message may still come on its own); a started message is a damaged record.
   */
  private abandon(): void {
    const header = this.header;
    const message = this.message;
    this.header = null;
    this.message = [];
    this.messageChars = 0;
    if (!message.length) {
      if (header) this.sink.output?.(header.line, header.text);
      return;
    }
    if (header?.prefix) this.sink.output?.(header.line, header.prefix);
    const lines = message.map((m) => m.text);
    this.sink.unparsed({
      startLine: header ? header.line : message[0].line,
      endLine: message[message.length - 1].line,
      reason: 'a LoggingSpanExporter record is cut off before its trace and span ids',
      text: (header ? [header.text, ...lines] : lines).join('\n').slice(0, 65536),
    });
  }

  private record(text: string, lineNo: number, key: RegExpExecArray): void {
    let name: string;
    const lossy: LossyField[] = [];
    let firstLine = lineNo;
    if (this.message.length) {
      // The name began on an earlier line: from the first quote of the message to the key.
      const first = this.message[0].text;
      const parts = [first.slice(first.indexOf("'") + 1)];
      for (let i = 1; i < this.message.length; i++) parts.push(this.message[i].text);
      parts.push(text.slice(0, key.index));
      name = parts.join('\n');
      firstLine = this.message[0].line;
    } else {
      const q = text.indexOf("'");
      if (q < key.index) {
        name = text.slice(q + 1, key.index);
      } else {
        name = text.slice(0, key.index).trim();
        lossy.push({ path: 'name', reason: 'the start of the span name is not in the output' });
      }
    }
    if (this.header) {
      if (this.header.prefix) this.sink.output?.(this.header.line, this.header.prefix);
      firstLine = this.header.line;
    }
    this.header = null;
    this.message = [];
    this.messageChars = 0;

    const afterTracer = key.index + key[0].length;
    const scopeEnd = findScopeEnd(text, afterTracer);
    const scope = text.slice(afterTracer, scopeEnd < 0 ? text.length : scopeEnd);
    const colon = scope.lastIndexOf(':');
    // Built in the field order of emptySpan() so every parser's spans share one object shape.
    const span: Span = {
      traceId: key[1],
      spanId: key[2],
      parentSpanId: null,
      parentIsRemote: null,
      name,
      kind: key[3] as SpanKind,
      startTimeUnixNano: 0n,
      endTimeUnixNano: 0n,
      attributes: {},
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { code: 'UNSET', message: null },
      traceState: null,
      resource: {},
      scope: {
        name: colon < 0 ? scope : scope.slice(0, colon),
        version: colon < 0 || colon === scope.length - 1 ? null : scope.slice(colon + 1),
        schemaUrl: null,
      },
      origin: { format: 'java-logging', line: firstLine, endLine: lineNo },
      unknown: [...UNKNOWN_FIELDS],
    };
    if (lossy.length) span.lossy = lossy;
    const attributesText = scopeEnd < 0 ? '' : text.slice(scopeEnd + 2);
    const reading = readAttributes(attributesText);
    if (reading) {
      this.finish(span, reading);
      return;
    }
    this.open = { span, lines: 1, chars: text.length, attributesText, firstLine };
  }

  /** A line while a record's attributes are open. Returns false when the line is not part of it. */
  private continueAttributes(text: string, lineNo: number): boolean {
    const open = this.open!;
    if (RECORD_KEY.test(text) || isLoggingHeader(text) || open.lines >= MAX_RECORD_LINES || open.chars + text.length > MAX_RECORD_CHARS) {
      this.closeOpen('the record is cut off before its attributes end');
      return false;
    }
    open.attributesText += '\n' + text;
    open.lines++;
    open.chars += text.length;
    open.span.origin!.endLine = lineNo;
    // Only a line that can end the attributes is worth re-reading them for (keeps this linear).
    const mayEnd = open.attributesText.startsWith('AttributesMap{') ? text.includes('}, capacity=') : text.trimEnd().endsWith('}');
    const reading = mayEnd ? readAttributes(open.attributesText) : null;
    if (!reading) return true;
    this.open = null;
    this.finish(open.span, reading);
    return true;
  }

  private closeOpen(reason: string): void {
    const open = this.open!;
    this.open = null;
    const head = open.attributesText.startsWith('AttributesMap{data={') ? open.attributesText.slice('AttributesMap{data={'.length) : open.attributesText.slice(1);
    const attributes: Attributes = {};
    for (const [k, v] of splitEntries(head)) setAttribute(attributes, k, javaValue(v));
    this.finish(open.span, { attributes, lossy: [{ path: 'attributes', reason }] });
  }

  private finish(span: Span, reading: AttributeReading): void {
    span.attributes = reading.attributes;
    if (reading.lossy.length) span.lossy = [...(span.lossy ?? []), ...reading.lossy];
    this.sink.span(span);
  }
}

/** Where `[tracer: scope:version]` ends: the `] ` before the attributes. */
function findScopeEnd(text: string, from: number): number {
  const map = text.indexOf('] AttributesMap{', from);
  const brace = text.indexOf('] {', from);
  if (map < 0) return brace;
  if (brace < 0) return map;
  return Math.min(map, brace);
}

/** Java LoggingSpanExporter through java.util.logging (any JUL format). */
export const javaLogging: LineFormat = {
  name: 'java-logging',
  // Records may span lines the reader has to see (continuations), so every line goes to it;
  // the reader's own first test is one indexOf.
  mayMatch: () => true,
  createReader: (sink: Sink) => new JavaLoggingReader(sink),
};

// ---------------------------------------------------------------- OtlpJsonLoggingSpanExporter reader

/** The OTLP JSON object in a logged line: it starts at the first `{"resource…` / `{"scopeSpans…`. */
function otlpJsonStart(text: string): number {
  // Most lines hold no `{"` at all: one scan settles them.
  const brace = text.indexOf('{"');
  if (brace < 0) return -1;
  const r = text.indexOf('{"resource', brace);
  if (r >= 0) return r;
  return text.indexOf('{"scopeSpans', brace);
}

function isOtlpLoggerHeader(text: string): boolean {
  const at = text.indexOf(OTLP_LOGGER);
  if (at < 0) return false;
  // `<class> <method>` ends the header: one word after the class name, nothing more.
  const rest = text.slice(at).trimEnd();
  const sp = rest.indexOf(' ');
  return sp > 0 && rest.indexOf(' ', sp + 1) < 0 && rest.indexOf('{', sp) < 0;
}

/**
 * Without its header line, an export is a JUL record only when the text before the JSON says so:
 * the logger's name (a one-line JUL format) or a level (`INFO: `, in any language). Otherwise it
 * is plain OTLP JSON after program text (`progress: 50%{"resourceSpans":…}`), which the JSON
 * line readers take, keeping the program's text.
 */
function isJulMessageStart(text: string, start: number): boolean {
  const before = text.slice(0, start);
  return before.indexOf(OTLP_LOGGER) >= 0 || JUL_LEVEL_END.test(before);
}
const JUL_LEVEL_END = /(?:^|\s)\p{Lu}+: $/u;

/**
 * The OTLP JSON reader (otlpJson.ts) as this reader uses it: one export's text into spans, null
 * when it is not trace data, throwing when it is not JSON. Passed in by the registry so that
 * readers never import each other.
 */
export type OtlpTextReader = (json: string, memo: ParseMemo, origin: Readonly<SpanOrigin>) => { spans: Span[]; skipped: number } | null;

class JavaOtlpJsonReader implements LineReader {
  private header: (Held & { prefix: string }) | null = null;
  /** Lets the resource and scope every export repeats be read once and shared. */
  private readonly memo: ParseMemo = new Map();

  constructor(
    private readonly sink: Sink,
    private readonly readOtlpText: OtlpTextReader,
  ) {}

  line(text: string, lineNo: number): LineVerdict {
    const header = this.header;
    // A bare JSON line is the demux's (plain OTLP JSON lines); only JUL-wrapped ones are read here.
    if (!header && text.charCodeAt(0) === 123) return LineVerdict.NotMine;
    this.header = null;
    const start = otlpJsonStart(text);
    if (start >= 0 && (header || isJulMessageStart(text, start)) && this.record(text, lineNo, start, header)) return LineVerdict.Mine;
    if (header) this.sink.output?.(header.line, header.text);
    if (text.indexOf(OTLP_LOGGER) >= 0 && isOtlpLoggerHeader(text)) {
      this.header = { line: lineNo, text, prefix: gluedPrefix(text) };
      return LineVerdict.Mine;
    }
    return LineVerdict.NotMine;
  }

  end(): void {
    if (this.header) this.sink.output?.(this.header.line, this.header.text);
    this.header = null;
  }

  private record(text: string, lineNo: number, start: number, header: (Held & { prefix: string }) | null): boolean {
    const close = text.lastIndexOf('}');
    if (close < start) return false;
    const first = header ? header.line : lineNo;
    let read: ReturnType<OtlpTextReader>;
    try {
      read = this.readOtlpText(text.slice(start, close + 1), this.memo, Object.freeze({ format: 'java-otlp-json', line: first, endLine: lineNo }));
    } catch {
      if (!header && text.indexOf(OTLP_LOGGER) < 0) return false;
      if (header?.prefix) this.sink.output?.(header.line, header.prefix);
      this.sink.unparsed({
        startLine: header ? header.line : lineNo,
        endLine: lineNo,
        reason: 'a logged OTLP JSON export is not valid JSON (cut off or damaged)',
        text: text.length > 65536 ? text.slice(0, 65536) : text,
      });
      return true;
    }
    // Logs and metrics go through the same JUL writer; they are not spans.
    if (!read) return false;
    if (header?.prefix) this.sink.output?.(header.line, header.prefix);
    for (const span of read.spans) this.sink.span(span);
    if (read.skipped) {
      this.sink.unparsed({ startLine: first, endLine: lineNo, reason: skippedReason(read.skipped), text: text.length > 65536 ? text.slice(0, 65536) : text });
    }
    return true;
  }
}

/** Java OtlpJsonLoggingSpanExporter: OTLP JSON per JUL record, each export read by `readOtlpText`. */
export function javaOtlpJsonFormat(readOtlpText: OtlpTextReader): LineFormat {
  return {
    name: 'java-otlp-json',
    mayMatch: () => true,
    createReader: (sink: Sink) => new JavaOtlpJsonReader(sink, readOtlpText),
  };
}
