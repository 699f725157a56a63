/**
 * The contract between the extension host (or the standalone HTML writer) and the waterfall
 * webview. This is the only module `webview/` imports, and it imports nothing.
 *
 * The run travels as a columnar DTO: one array per field, indexed by span, in pre-order (each
 * trace's spans are contiguous, parents before children, siblings by start time). That keeps
 * a 1,000,000-span run to a few dozen arrays instead of a million objects, both in the
 * postMessage/JSON payload and in the webview heap.
 *
 * Times are numbers of nanoseconds relative to `RunDto.startUnixNano`, which keeps them exact
 * as JS numbers for any run shorter than ~104 days. Ids stay strings.
 */

/** Bumped when the DTO changes shape; the webview refuses a version it does not know. */
export const RUN_DTO_VERSION = 1;

/** Span flag bits (`SpanColumns.flags`). */
export const SpanFlag = {
  /** Status ERROR. */
  Error: 1,
  /** A root of its trace only because its parent id is not in the run. */
  Orphan: 2,
  /** Never ended: `end` is the trace end, drawn open. */
  Unended: 4,
  /** On the critical path of its trace. */
  Critical: 8,
  /** Another span in the same trace has the same span id. */
  DuplicateId: 16,
  /** Its parent link was part of a cycle and was cut here. */
  CycleBroken: 32,
  /** The console format shows no times for this span: `start`/`end` are placeholders, draw no bar. */
  NoTime: 64,
  /** Status OK (set explicitly). */
  StatusOk: 128,
  /** The console format does not show parent links: the nesting is unknown. */
  NoParent: 256,
} as const;

/** Attribute value kinds (`AttrColumns.flags & AttrFlag.TypeMask`). */
export const AttrType = {
  String: 0,
  Number: 1,
  Boolean: 2,
  Array: 3,
  Null: 4,
  BigInt: 5,
} as const;

export const AttrFlag = {
  TypeMask: 7,
  /** The value looks like a secret (password, token, email, card number): mask it until revealed. */
  Sensitive: 8,
} as const;

/** Span kinds by their index in `SpanColumns.kind`. */
export const SPAN_KIND_NAMES: readonly string[] = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

/** One trace of the run: a contiguous range of the run's span columns. */
export interface TraceDto {
  traceId: string;
  /** Index of the trace's first span in the run's span columns. */
  first: number;
  /** Number of spans in the trace (`first .. first+count-1`). */
  count: number;
  /** Earliest start and latest end in the trace, ns relative to the run start. */
  startNs: number;
  endNs: number;
  /** Name and service of the first root (the earliest, preferring true roots over orphans). */
  rootName: string;
  rootService: string;
  rootCount: number;
  errorCount: number;
  /** True when the trace has no true root: every root's parent is missing from the run. */
  orphaned: boolean;
}

/** Per-span columns, all of length `n` except the `*Start` offset arrays (length `n + 1`). */
export interface SpanColumns {
  spanId: string[];
  /** Index of the parent span, -1 for a root (true root, orphan or cycle cut). */
  parent: number[];
  depth: number[];
  /** ns relative to the run start. */
  start: number[];
  end: number[];
  /** Index into `RunDto.strings`. */
  name: number[];
  /** Index into `RunDto.strings` (`service.name` of the resource, '' when none). */
  service: number[];
  /** Index into `SPAN_KIND_NAMES`. */
  kind: number[];
  /** `SpanFlag` bits. */
  flags: number[];
  /** Index into `RunDto.strings`, -1 when there is no status message. */
  statusMessage: number[];
  /** Offsets into `RunDto.attrs`: span i owns `attrStart[i] .. attrStart[i+1]-1`. */
  attrStart: number[];
  /** Offsets into `RunDto.events`. */
  eventStart: number[];
  /** Offsets into `RunDto.links`. */
  linkStart: number[];
  /** Index into `RunDto.resources`. */
  resource: number[];
  /** Index into `RunDto.strings` ("name version"), -1 when unknown. */
  scope: number[];
  /** Index into `RunDto.locations`, -1 when the source location is unknown. */
  location: number[];
  /** Index of the span in the array the DTO was built from (the host maps a reveal back with it). */
  srcIndex: number[];
}

/** The attribute pool shared by spans, events, links and resources. */
export interface AttrColumns {
  /** Index into `RunDto.strings`. */
  key: number[];
  /** Index into `RunDto.strings`: the value as display text. */
  value: number[];
  /** `AttrType` in the low bits, plus `AttrFlag.Sensitive`. */
  flags: number[];
}

export interface EventColumns {
  /** ns relative to the run start. */
  time: number[];
  name: number[];
  /** Offsets into `RunDto.attrs`, length events + 1. */
  attrStart: number[];
}

export interface LinkColumns {
  traceId: string[];
  spanId: string[];
  /** Offsets into `RunDto.attrs`, length links + 1. */
  attrStart: number[];
}

/** A place in a source file; `line`/`column` 0-based like the core model. */
export interface LocationDto {
  file: string;
  line: number;
  column: number;
  function?: string;
}

/** A remark about one span the detail pane lists (lossy fields, dropped counts, missing parent). */
export interface SpanNoteColumns {
  span: number[];
  /** Index into `RunDto.strings`. */
  text: number[];
}

/** Everything the waterfall shows for one run. */
export interface RunDto {
  version: typeof RUN_DTO_VERSION;
  /** Identifies the run for the host (e.g. document URI + run number); restored panels send it back. */
  runId: string;
  title: string;
  /** Unix nanoseconds of the earliest span start, as a decimal string. */
  startUnixNano: string;
  /** Interned strings: names, services, attribute keys and display values. */
  strings: string[];
  traces: TraceDto[];
  spans: SpanColumns;
  attrs: AttrColumns;
  events: EventColumns;
  links: LinkColumns;
  /** Offsets into `attrs` per distinct resource, length resources + 1. */
  resourceAttrStart: number[];
  locations: LocationDto[];
  notes: SpanNoteColumns;
  /** Spans left out because the run exceeded the builder's cap. */
  droppedSpans: number;
  /** The run's instrumentation score (0–100, 100 = no findings) and how many findings it has, when checked. */
  checks?: { score: number; findings: number };
  /** The program is still running: the traces complete so far (the waterfall offers Stop). */
  live?: boolean;
  /** The run can be run again from the waterfall (a run of a file, not an opened trace file). */
  canRerun?: boolean;
}

/** UI state the webview keeps across hide/show and window reloads (`getState`/`setState`). */
export interface WaterfallUiState {
  traceId?: string;
  selectedSpanId?: string;
  collapsedSpanIds?: string[];
  /** Visible time window, ns relative to the trace start. */
  viewStartNs?: number;
  viewEndNs?: number;
  scrollTop?: number;
  search?: string;
  searchMode?: 'highlight' | 'filter';
  critical?: boolean;
  detailWidth?: number;
  /** Width (px) the user dragged the name column to; unset, the column fits the names. */
  nameWidth?: number;
}

/** What the webview hands to `setState`; a panel serializer reads `runId` to send the run again. */
export interface WebviewState {
  runId?: string;
  /** The run itself, kept only while it is small enough to persist cheaply. */
  run?: RunDto;
  ui: WaterfallUiState;
}

/** Host → webview. */
export type ToWebviewMessage =
  | { type: 'load'; run: RunDto; focusSpanId?: string; focusTraceId?: string }
  | { type: 'focusSpan'; spanId: string; traceId?: string }
  /** The colour theme changed: re-read the CSS variables (the canvas caches them). */
  | { type: 'theme' }
  /** The run is gone (document closed, run cleared). */
  | { type: 'clear'; message?: string };

/** Webview → host. */
export type FromWebviewMessage =
  /** The webview is listening. `runId` is the run it restored from its saved state, if any. */
  | { type: 'ready'; runId?: string }
  /**
   * Show the source of a span. `index` is the span's index in the array the DTO was built from;
   * `preserveFocus` is true for a click (keep the keyboard in the waterfall), false for Enter.
   */
  | {
      type: 'reveal';
      runId: string;
      traceId: string;
      spanId: string;
      index: number;
      location?: LocationDto;
      preserveFocus: boolean;
    }
  /** The selection moved (keyboard or click); a host may highlight the span's line. */
  | { type: 'select'; runId: string; traceId: string; spanId: string; index: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  /** The Stop or Re-run button of the waterfall's toolbar. */
  | { type: 'command'; command: 'stop' | 'rerun' };

/** The id of the `<script type="application/json">` element the standalone HTML embeds its run in. */
export const EMBEDDED_DATA_ID = 'span-lens-data';

/** The DOM event the webview dispatches on `window` with each message when no VS Code host is present. */
export const STANDALONE_MESSAGE_EVENT = 'span-lens:host-message';

// ---------------------------------------------------------------------------------------------
// How a duration reads, everywhere: CodeLens, hovers, the CLI and the waterfall. It lives here,
// in the one module both sides may import, so there is a single rule (src/core/format.ts
// re-exports it for the host).

const NS_PER_US = 1e3;
const NS_PER_MS = 1e6;
const NS_PER_S = 1e9;
const NS_PER_MIN = 60e9;
const NS_PER_H = 3600e9;

/**
 * Formats a duration given in nanoseconds: `120 ns`, `1.5 µs`, `15 µs`, `0.3 ms`, `2.5 ms`,
 * `834 ms`, `2.1 s`, `1 min 5 s`, `2 h 3 min`. Two significant figures below ten of a unit, whole
 * units above; a value that rounds up to the next unit is shown in that unit (`999.7 µs` → `1 ms`).
 * Negative durations keep their sign; `null`, NaN and infinities give `—`.
 */
export function formatDuration(ns: number | bigint | null | undefined): string {
  if (ns === null || ns === undefined) return '—';
  let n = typeof ns === 'bigint' ? Number(ns) : ns;
  if (!Number.isFinite(n)) return '—';
  const sign = n < 0 ? '-' : '';
  n = Math.abs(n);
  if (n < NS_PER_US) {
    const r = Math.round(n);
    if (r < 1000) return `${sign}${r} ns`;
  }
  if (n < 100 * NS_PER_US) {
    const s = scaled(n / NS_PER_US);
    if (s !== null && Number(s) < 100) return `${sign}${s} µs`;
  }
  if (n < NS_PER_S) {
    // 100 µs and up reads better as a fraction of a millisecond (`0.3 ms`) than as `300 µs`.
    const v = n / NS_PER_MS;
    if (v < 1) {
      const r = Math.round(v * 10) / 10;
      if (r < 1) return `${sign}${r.toFixed(1)} ms`;
    }
    const s = scaled(v);
    if (s !== null) return `${sign}${s} ms`;
  }
  if (n < NS_PER_MIN) {
    const v = n / NS_PER_S;
    const r = Math.round(v * 10) / 10;
    if (r < 60) return `${sign}${trimZero(r.toFixed(1))} s`;
  }
  if (n < NS_PER_H) {
    const totalS = Math.round(n / NS_PER_S);
    const min = Math.floor(totalS / 60);
    const s = totalS % 60;
    if (min < 60) return `${sign}${min} min${s ? ` ${s} s` : ''}`;
  }
  const totalMin = Math.round(n / NS_PER_MIN);
  const h = Math.floor(totalMin / 60);
  const min = totalMin % 60;
  return `${sign}${h} h${min ? ` ${min} min` : ''}`;
}

/** One decimal below 10, whole numbers up to 999; null when it rounds to 1000 (next unit). */
function scaled(v: number): string | null {
  if (v < 10) {
    const r = Math.round(v * 10) / 10;
    if (r < 10) return trimZero(r.toFixed(1));
  }
  const r = Math.round(v);
  return r < 1000 ? String(r) : null;
}

function trimZero(s: string): string {
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}
