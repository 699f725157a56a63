/**
 * The span model every part of Span Lens speaks. Pure data: no vscode, no Node APIs.
 *
 * Field names follow the span object of shared/fixtures/SCHEMA.md so a parsed span can be
 * serialised to that shape without renaming. Times are bigint nanoseconds so that no
 * precision is lost (unix nanoseconds exceed 2^53).
 */

export type SpanKind = 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
export const SPAN_KINDS: readonly SpanKind[] = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

export type StatusCode = 'UNSET' | 'OK' | 'ERROR';

/**
 * An attribute value. Integers beyond ±(2^53−1) are bigint; non-finite floats are plain
 * `NaN`/`Infinity` numbers in memory and become `{"$float": "NaN"}` when serialised.
 */
export type AttributeScalar = string | number | boolean | bigint;
export type AttributeValue = AttributeScalar | AttributeScalar[] | null;
export type Attributes = Record<string, AttributeValue>;

export interface SpanEvent {
  name: string;
  timeUnixNano: bigint;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState: string | null;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface SpanStatus {
  code: StatusCode;
  message: string | null;
}

export interface InstrumentationScope {
  name: string;
  version: string | null;
  schemaUrl: string | null;
}

/** A place in a source file. `line` and `column` are 0-based here; the CLI and docs print them 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  function?: string;
}

/** Names of the console formats Span Lens reads. */
export type FormatName =
  | 'span-lens'
  | 'python-console'
  | 'node-inspect'
  | 'go-stdouttrace'
  | 'java-logging'
  | 'java-otlp-json'
  | 'rust-tracing-fmt'
  | 'rust-tracing-json'
  | 'rust-otel-stdout'
  | 'otlp-json';

export const FORMAT_NAMES: readonly FormatName[] = [
  'span-lens',
  'python-console',
  'node-inspect',
  'go-stdouttrace',
  'java-logging',
  'java-otlp-json',
  'rust-tracing-fmt',
  'rust-tracing-json',
  'rust-otel-stdout',
  'otlp-json',
];

/** Where in the parsed text a span came from. Lines are 0-based, `endLine` inclusive. */
export interface SpanOrigin {
  format: FormatName;
  line: number;
  endLine: number;
}

/** A value the console text could not represent exactly (truncated string, `[Array]`, ...). */
export interface LossyField {
  /** Dotted path inside the span, e.g. `attributes.big_list` or `events.0.attributes.items`. */
  path: string;
  reason: string;
}

/**
 * Span fields a console format does not show at all (Java's LoggingSpanExporter prints no
 * parent or times; Rust `tracing` has no trace ids). Consumers must not draw conclusions from
 * a field listed here: its value in the span is a placeholder.
 */
export type UnknownField = 'parent' | 'time' | 'ids' | 'status' | 'events' | 'links' | 'resource' | 'kind' | 'scope';

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  parentIsRemote: boolean | null;
  name: string;
  kind: SpanKind;
  startTimeUnixNano: bigint;
  /** null for a span that was started and never ended. */
  endTimeUnixNano: bigint | null;
  attributes: Attributes;
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  status: SpanStatus;
  traceState: string | null;
  resource: Attributes;
  scope: InstrumentationScope;
  /**
   * Where the span was started in the user's source, when known. Spans a call site started may
   * share one frozen object: replace it, never change it in place.
   */
  location?: SourceLocation;
  /** Where in the parsed output this span was read from. */
  origin?: SpanOrigin;
  lossy?: LossyField[];
  unknown?: UnknownField[];
  /** The thread that ran the span, as the runtime names it (`main`, `ThreadId(1)`), when printed. */
  thread?: string;
}

/** A stretch of input that looked like span output but could not be read. Lines 0-based, inclusive. */
export interface Unparsed {
  startLine: number;
  endLine: number;
  reason: string;
  format?: FormatName;
  /** The raw text, so nothing is lost. May be cut to a bounded size. */
  text?: string;
}

/** A line the program printed that is not span output. */
export interface OutputLine {
  line: number;
  text: string;
}

/** Facts the injected exporters report about a run that are not spans. */
export interface RunFacts {
  /** The SDK/runtime that produced the framed records, e.g. `node`, `python`. */
  sdk?: string;
  /** Exporters / processors the program configured itself (class names). */
  programExporters?: string[];
  /** True when the program created spans but configured nothing that would export them. */
  noExporter?: boolean;
  /** Spans the program's own pipeline ended but never exported (no shutdown/flush at exit). */
  lostAtExit?: string[];
  /** Spans past Span Lens's own cap, not printed by the injection. */
  droppedSpans?: number;
  /** Spans the program's own SDK dropped (a full batch queue). */
  sdkDroppedSpans?: number;
  /** Something the user must know about the run, in their words (e.g. the API without the SDK). */
  message?: string;
}

export interface ParseResult {
  spans: Span[];
  unparsed: Unparsed[];
  output: OutputLine[];
  /** Formats seen, in order of first appearance. */
  formats: FormatName[];
  facts: RunFacts;
}

/** Severity of a finding, in the order the UI ranks them. */
export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A problem a check found in the instrumentation. */
export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  spanId?: string;
  traceId?: string;
  location?: SourceLocation;
  /** Extra data a quick fix needs (e.g. the deprecated key and its replacement). */
  data?: Record<string, string>;
}

/** Duration in nanoseconds, or null for a span without an end. */
export function durationNano(span: Pick<Span, 'startTimeUnixNano' | 'endTimeUnixNano'>): bigint | null {
  return span.endTimeUnixNano === null ? null : span.endTimeUnixNano - span.startTimeUnixNano;
}

/**
 * Values spans share instead of each holding a copy (most spans have no events or links, and a
 * status without a message). Frozen, so whoever holds one span cannot change another's.
 */
export const NO_EVENTS: SpanEvent[] = Object.freeze([]) as unknown as SpanEvent[];
export const NO_LINKS: SpanLink[] = Object.freeze([]) as unknown as SpanLink[];

const SHARED_STATUS: Record<StatusCode, { none: SpanStatus; empty: SpanStatus }> = {
  UNSET: { none: Object.freeze({ code: 'UNSET', message: null }), empty: Object.freeze({ code: 'UNSET', message: '' }) },
  OK: { none: Object.freeze({ code: 'OK', message: null }), empty: Object.freeze({ code: 'OK', message: '' }) },
  ERROR: { none: Object.freeze({ code: 'ERROR', message: null }), empty: Object.freeze({ code: 'ERROR', message: '' }) },
};

/** A status: the shared one when the message is null or empty, a new one otherwise. */
export function statusOf(code: StatusCode, message: string | null): SpanStatus {
  return message === null ? SHARED_STATUS[code].none : message === '' ? SHARED_STATUS[code].empty : { code, message };
}

/** A blank span to fill in; parsers spread over it so every field is present. */
export function emptySpan(): Span {
  return {
    traceId: '',
    spanId: '',
    parentSpanId: null,
    parentIsRemote: null,
    name: '',
    kind: 'INTERNAL',
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
    scope: { name: '', version: null, schemaUrl: null },
  };
}
