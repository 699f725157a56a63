/**
 * Rust `tracing-subscriber` console output: the fmt `Full` formatter (with or without ANSI colour
 * codes, with or without FmtSpan NEW/CLOSE lines, thread names/ids, file:line) and the `.json()`
 * formatter (one JSON object per line).
 *
 * tracing prints no trace id, span id or parent id, and a span has no line of its own unless
 * FmtSpan events are on. What the output does show is, on every line, the path of spans from the
 * root to the innermost one (`checkout{user.id=42}:payment.charge{payment.amount=19.99}:`), so the
 * tree is rebuilt from those paths: a line's path is matched against the spans still open, and
 * ids are synthesised from the order spans first appear (stable for a given output). The close
 * line (`close time.busy=15.1ms time.idle=7.25µs`) ends a span; its timestamp is the close time and
 * busy+idle its lifetime. Spans never closed are reported at the end of the input: with no end when
 * the output has close lines (the span really never closed), with their times marked unknown when it
 * has none (FmtSpan::CLOSE off: a span is only a prefix of event lines).
 */
import type { AttributeValue, Attributes, FormatName, LossyField, SourceLocation, Span, SpanEvent, UnknownField } from '../model';
import { NO_LINKS, statusOf } from '../model';
import { parseJsonLoose } from './kernel/json';
import { setAttribute } from './kernel/attributes';
import { readRfc3339 as readRfc3339Any, type Rfc3339Stamp } from './kernel/time';
import { readDebugString } from './kernel/debugString';
import { LineVerdict, type LineFormat, type LineReader, type Sink } from './types';

/** Re-exported for the tests that read Debug strings directly. */
export { readDebugString };

// ---------------------------------------------------------------------------------------------
// Values as tracing prints them

/**
 * The RFC 3339 timestamp at `s[i]` as tracing-subscriber's default timer and the chrono RFC 3339
 * timers print it (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, always a `T`): its nanoseconds and
 * where it ends, or null when `s[i]` does not start one.
 */
export function readRfc3339(s: string, i: number): Rfc3339Stamp | null {
  return s.charCodeAt(i + 10) === 84 /* T */ ? readRfc3339Any(s, i) : null;
}

/** `15.1ms` / `7.25µs` / `871ns` / `1.02s` (FmtSpan timings, 3 significant digits) in ns, or null. */
export function parseTiming(text: string): number | null {
  // The number read in place: digits / 10^decimals is Number(digits text) exactly while both are
  // exact doubles (division rounds correctly); anything longer goes through Number().
  let mantissa = 0;
  let digitCount = 0;
  let decimals = 0;
  let points = 0;
  let end = 0;
  for (; end < text.length; end++) {
    const c = text.charCodeAt(end);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digitCount++;
      if (points) decimals++;
    } else if (c === 46) points++;
    else break;
  }
  if (end === 0) return null;
  const simple = digitCount <= 15 && points <= 1 && text.charCodeAt(0) !== 46 && text.charCodeAt(end - 1) !== 46;
  const v = simple ? mantissa / 10 ** decimals : Number(text.slice(0, end));
  if (!Number.isFinite(v)) return null;
  const unit = text.length - end;
  const u0 = text.charCodeAt(end);
  if (unit === 1 && u0 === 115 /* s */) return v * 1e9;
  if (unit !== 2 || text.charCodeAt(end + 1) !== 115) return null;
  switch (u0) {
    case 110 /* n */:
      return v;
    case 0xb5 /* µ */:
    case 0x3bc /* μ */:
    case 117 /* u */:
      return v * 1e3;
    case 109 /* m */:
      return v * 1e6;
    default:
      return null;
  }
}

const INTEGER = /^-?\d+$/;
const FLOAT = /^-?\d+(?:\.\d+)?(?:e-?\d+)?$/;

/**
 * A field value as `DefaultFields` prints it, back to the type tracing recorded: `"..."` is a
 * `&str` (Debug-quoted), `42` an integer, `19.99`/`1e300`/`NaN`/`inf` a float, `true` a bool;
 * anything else is the raw text of a `%Display` / `?Debug` value.
 */
export function decodeFieldValue(raw: string): AttributeValue {
  const c = raw.charCodeAt(0);
  if (c === 34) {
    const q = readDebugString(raw, 0);
    if (q && q.end === raw.length) return q.value;
    return raw;
  }
  if ((c >= 48 && c <= 57) || c === 45) {
    if (INTEGER.test(raw)) {
      if (raw.length < 16) return Number(raw);
      const big = BigInt(raw);
      return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    }
    if (FLOAT.test(raw)) return Number(raw);
    if (raw === '-inf') return -Infinity;
    return raw;
  }
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw === 'NaN') return NaN;
  if (raw === 'inf') return Infinity;
  return raw;
}

/** `[a, b]` as `ErrorSourceList` prints an error's source chain (`error.sources=[...]`). */
function decodeSources(raw: string): AttributeValue {
  if (raw.length < 2 || raw[0] !== '[' || raw[raw.length - 1] !== ']') return raw;
  const inner = raw.slice(1, -1);
  return inner === '' ? [] : inner.split(', ');
}

/** Fields (key, raw printed value) -> attributes; a later value of the same key wins (Span::record). */
function fieldsToAttributes(pairs: readonly (readonly [string, string])[], skipMessage: boolean): Attributes {
  const attrs: Attributes = {};
  for (const [k, v] of pairs) {
    if (skipMessage && k === 'message') continue;
    setAttribute(attrs, k, k.endsWith('.sources') ? decodeSources(v) : decodeFieldValue(v));
  }
  return attrs;
}

// ---------------------------------------------------------------------------------------------
// Splitting the plain (no ANSI) text of fields

function isKeyStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46;
}

/** If a `key=` starts at `s[i]`, the index of its `=`; else -1. */
function keyAt(s: string, i: number): number {
  if (!isKeyStart(s.charCodeAt(i))) return -1;
  let k = i + 1;
  while (k < s.length && isKeyChar(s.charCodeAt(k))) k++;
  return s.charCodeAt(k) === 61 /* = */ ? k : -1;
}

/** The next ` key=` at or after `from` (index of the space), or -1. */
function nextField(s: string, from: number): number {
  let k = s.indexOf(' ', from);
  while (k >= 0) {
    if (keyAt(s, k + 1) > 0) return k;
    k = s.indexOf(' ', k + 1);
  }
  return -1;
}

/**
 * Split `k=v k2="x y" k3=some text` into pairs. A Debug-quoted value ends at its closing quote;
 * any other value runs to the next ` key=` (so a Display value with spaces stays whole, and one
 * that itself contains ` word=` is split there: the plain text cannot tell).
 */
function splitPairs(s: string, from: number, out: [string, string][]): void {
  let i = from;
  while (i < s.length) {
    const eq = keyAt(s, i);
    if (eq < 0) {
      // Not a field: glue to the previous value (cannot happen for text this function produced).
      if (out.length) out[out.length - 1][1] += ' ' + s.slice(i);
      return;
    }
    const key = s.slice(i, eq);
    const v = eq + 1;
    if (s.charCodeAt(v) === 34) {
      const q = readDebugString(s, v);
      if (q && (q.end === s.length || (s.charCodeAt(q.end) === 32 && keyAt(s, q.end + 1) > 0))) {
        out.push([key, s.slice(v, q.end)]);
        i = q.end + 1;
        continue;
      }
    }
    const next = nextField(s, v);
    if (next < 0) {
      out.push([key, s.slice(v)]);
      return;
    }
    out.push([key, s.slice(v, next)]);
    i = next + 1;
  }
}

// ---------------------------------------------------------------------------------------------
// One fmt line

/** A span in a line's path: its name and its fields exactly as printed (ANSI removed). */
interface Segment {
  name: string;
  fields: string;
  /** The fields split into (key, raw value), when the ANSI codes made the split exact. */
  pairs?: [string, string][];
  /** JSON format: key -> JSON text of the value, to compare spans. */
  /** JSON format: the span object as printed ({name, ...fields}); maps and attributes are made from it on demand. */
  obj?: { [k: string]: unknown };
  /** JSON format: key -> text of the value, to compare spans whose fields differ. */
  map?: Map<string, string>;
}

const enum Kind {
  Event,
  New,
  Close,
  Enter,
  Exit,
}

interface FmtLine {
  kind: Kind;
  time: bigint | null;
  level: string;
  thread?: string;
  path: Segment[];
  target?: string;
  file?: string;
  /** 1-based, as printed. */
  line?: number;
  message: string | null;
  pairs: [string, string][];
  busyIdle?: number;
  /**
   * The compact formatter: names alone on the path, each span's fields printed after the event's.
   * `compact` when the line's own styling says so (ANSI); `groups` the span fields (ANSI: one
   * fields text per span that has fields, root first); `spanPairsFrom` where, in `pairs`, the span
   * fields start on a plain new/close line that has more fields than Full ever prints there.
   */
  compact?: boolean;
  groups?: string[];
  spanPairsFrom?: number;
}

const LEVELS = new Map([
  ['TRACE', 'TRACE'],
  ['DEBUG', 'DEBUG'],
  [' INFO', 'INFO'],
  [' WARN', 'WARN'],
  ['ERROR', 'ERROR'],
]);
const ANSI_LEVEL_CODES = new Set(['35', '34', '32', '33', '31']);
const ESC = '\x1b';
const ANSI_SEQ = /\x1b\[[0-9;]*m/g;
/** Where compact starts a span's fields after the event's: a space, dimmed, then an italic field name. */
const COMPACT_GROUP = ' \x1b[2m\x1b[3m';

/** A line from the formatter, or one whose span fields run on into the next line (a Display value with a newline). */
type LineParse = FmtLine | 'incomplete' | null;

function normaliseThreadId(text: string): string {
  // `{:0>2?}` pads the number inside: ThreadId(01) is ThreadId(1).
  const m = /^ThreadId\(0*(\d+)\)$/.exec(text);
  return m ? `ThreadId(${m[1] === '' ? '0' : m[1]})` : text;
}

/** Where a header (timestamp + level) starts in `s`, when program text is glued before it; -1 if none. */
function findGluedHeader(s: string): number {
  // Every tracing line names its level; most program lines (and other formats' JSON) do not, and
  // five substring searches are cheaper than the timestamp scan below.
  if (s.indexOf('INFO') < 0 && s.indexOf('WARN') < 0 && s.indexOf('ERROR') < 0 && s.indexOf('DEBUG') < 0 && s.indexOf('TRACE') < 0) return -1;
  let k = s.indexOf(ESC + '[2m', 1);
  while (k > 0) {
    if (readRfc3339(s, k + 4)) return k;
    k = s.indexOf(ESC + '[2m', k + 1);
  }
  // A plain header is a timestamp, a space and a level padded to 5: without one of these five
  // texts no timestamp below can pass (a JSON line's `"level":"INFO"` is not one; skip the scan).
  if (!hasPaddedLevel(s)) return -1;
  GLUED.lastIndex = 0;
  const m = GLUED.exec(s);
  if (m && m.index > 0) {
    const st = readRfc3339(s, m.index);
    if (st && s.charCodeAt(st.end) === 32 && LEVELS.has(s.slice(st.end + 1, st.end + 6))) return m.index;
  }
  return -1;
}
const GLUED = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/g;

/** Is `word` at `s[i]`? (No substring made.) */
function textAt(s: string, i: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if (s.charCodeAt(i + k) !== word.charCodeAt(k)) return false;
  return true;
}

/** Does `s` hold a level as a plain header prints it, space-padded to 5 after a space (`  INFO`, ` ERROR`)? */
function hasPaddedLevel(s: string): boolean {
  for (let k = s.indexOf(' '); k >= 0; k = s.indexOf(' ', k + 1)) {
    switch (s.charCodeAt(k + 1)) {
      case 32:
        if (textAt(s, k + 2, 'INFO') || textAt(s, k + 2, 'WARN')) return true;
        break;
      case 69:
        if (textAt(s, k + 1, 'ERROR')) return true;
        break;
      case 68:
        if (textAt(s, k + 1, 'DEBUG')) return true;
        break;
      case 84:
        if (textAt(s, k + 1, 'TRACE')) return true;
        break;
    }
  }
  return false;
}

/** The kind of line from its message and fields: FmtSpan lines are `new`, `close time.busy=.. time.idle=..`, `enter`, `exit`. */
function classify(rec: FmtLine, hasTime: boolean): void {
  const m = rec.message;
  if (rec.path.length === 0 || m === null) return;
  if (m === 'close') {
    if (rec.pairs.length >= 2 && rec.pairs[0][0] === 'time.busy' && rec.pairs[1][0] === 'time.idle') {
      const busy = parseTiming(rec.pairs[0][1]);
      const idle = parseTiming(rec.pairs[1][1]);
      if (busy !== null && idle !== null) {
        rec.kind = Kind.Close;
        rec.busyIdle = busy + idle;
        if (rec.pairs.length > 2) rec.spanPairsFrom = 2; // compact: the spans' fields follow the timings
      }
    } else if (rec.pairs.length === 0 && !hasTime) rec.kind = Kind.Close; // without_time() also drops the timings
    return;
  }
  if (rec.pairs.length) {
    // Full prints a bare `new`; compact follows it with the spans' fields.
    if (m === 'new') {
      rec.kind = Kind.New;
      rec.spanPairsFrom = 0;
    }
    return;
  }
  if (m === 'new') rec.kind = Kind.New;
  else if (m === 'enter') rec.kind = Kind.Enter;
  else if (m === 'exit') rec.kind = Kind.Exit;
}

/** `file:line: ` / `file: ` after the target (with_file / with_line_number). */
function readLocation(s: string, i: number, rec: FmtLine): number {
  const sp = s.indexOf(': ', i);
  if (sp < 0) return i;
  const tok = s.slice(i, sp);
  if (tok.indexOf(' ') >= 0) return i;
  const colon = tok.lastIndexOf(':');
  if (colon > 0) {
    const n = tok.slice(colon + 1);
    if (/^\d+$/.test(n)) {
      rec.file = tok.slice(0, colon);
      rec.line = Number(n);
      return sp + 2;
    }
  }
  if (tok.endsWith('.rs')) {
    rec.file = tok;
    return sp + 2;
  }
  return i;
}

/** The body after target and location: message, then ` key=value` fields. */
function readBody(s: string, i: number, rec: FmtLine): void {
  if (keyAt(s, i) > 0) {
    rec.message = null;
    splitPairs(s, i, rec.pairs);
    return;
  }
  const f = nextField(s, i);
  if (f < 0) {
    rec.message = s.slice(i);
    return;
  }
  rec.message = s.slice(i, f);
  splitPairs(s, f + 1, rec.pairs);
}

/** A default target: the module path (crate names are lower case; `Error:` in a message is not one). */
const RUST_PATH = /^[a-z_][a-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*$/;
/** A printed `file.rs:line` (or `file.rs`): a location, never a target (targets have no dot). */
const RUST_FILE = /\.rs(?::\d+)?$/;

/** Knowledge a line reader has gathered, used where the plain text is ambiguous. */
interface Hints {
  isOpenSpanName(name: string): boolean;
  isKnownTarget(target: string): boolean;
}

/**
 * Parse a line without ANSI codes. The span path is read greedily (`name{fields}:` repeated, then a
 * space), then the target (`target: `). When a line has a single bare `word: ` where either a span
 * or the target could stand, the reader's knowledge decides.
 */
function parsePlain(s: string, hints: Hints): LineParse {
  const st = readRfc3339(s, 0);
  if (!st || s.charCodeAt(st.end) !== 32) return null;
  const level = LEVELS.get(s.slice(st.end + 1, st.end + 6));
  if (!level || (s.length > st.end + 6 && s.charCodeAt(st.end + 6) !== 32)) return null;
  const rec: FmtLine = { kind: Kind.Event, time: st.ns, level, path: [], message: null, pairs: [] };
  let i = st.end + 7;
  // Thread name (right-aligned to the longest seen) and/or ThreadId(NN).
  const tid = s.indexOf('ThreadId(', i);
  if (tid >= 0 && tid - i < 256) {
    const close = s.indexOf(') ', tid);
    const between = s.slice(i, tid);
    if (close > 0 && /^\d+$/.test(s.slice(tid + 9, close)) && between.indexOf(': ') < 0 && between.indexOf('{') < 0) {
      rec.thread = normaliseThreadId(s.slice(tid, close + 1));
      i = close + 2;
    }
  }
  if (rec.thread === undefined) {
    let k = i;
    while (s.charCodeAt(k) === 32) k++;
    const sp = s.indexOf(' ', k);
    if (sp > k) {
      const tok = s.slice(k, sp);
      if (tok.indexOf(':') < 0 && tok.indexOf('{') < 0) {
        rec.thread = tok;
        i = sp + 1;
      }
    }
  }
  // Span path.
  const start = i;
  let j = i;
  for (;;) {
    let k = j;
    while (k < s.length) {
      const c = s.charCodeAt(k);
      if (c === 123 /* { */ || c === 58 /* : */) break;
      k++;
    }
    if (k >= s.length || k === j) break;
    const name = s.slice(j, k);
    let fields = '';
    if (s.charCodeAt(k) === 123) {
      const end = fieldsEnd(s, k + 1);
      if (end === -2) return rec.path.length || start === j ? 'incomplete' : null;
      if (end < 0) break;
      fields = s.slice(k + 1, end);
      k = end + 1;
    }
    if (s.charCodeAt(k) !== 58) break;
    rec.path.push({ name, fields });
    j = k + 1;
    if (s.charCodeAt(j) === 32) {
      j++;
      break;
    }
  }
  // The path must end with `: `; otherwise what was read is not a path.
  if (rec.path.length && s.charCodeAt(j - 1) !== 32) {
    rec.path = [];
    j = start;
  }
  // Target.
  let t = s.indexOf(': ', j);
  let target = t > j ? s.slice(j, t) : '';
  if (rec.path.length === 1 && rec.path[0].fields === '') {
    // `word: x: rest` — a span and the target, or the target and a message containing ': '?
    const word = rec.path[0].name;
    // `word: file.rs:N: ` is a target and its location, unless the word is no target seen and names a
    // span (open, or being opened by this `new` line): with_target(false) with the location.
    const fileReading = RUST_FILE.test(target) && !hints.isKnownTarget(word) && (hints.isOpenSpanName(word) || textAt(s, t + 2, 'new'));
    const spanReading = target !== '' && target.indexOf(' ') < 0 && (hints.isKnownTarget(target) || fileReading || (!hints.isKnownTarget(word) && RUST_PATH.test(target)) || hints.isOpenSpanName(word));
    if (!spanReading) {
      rec.path = [];
      j = start;
      t = s.indexOf(': ', j);
      target = t > j ? s.slice(j, t) : '';
    }
  }
  if (target === '' || target.indexOf(' ') >= 0) {
    // with_target(false): the body follows directly.
    readBody(s, j, rec);
  } else if (RUST_FILE.test(target)) {
    // with_target(false) with file:line: the location stands where the target would.
    readBody(s, readLocation(s, j, rec), rec);
  } else {
    rec.target = target;
    readBody(s, readLocation(s, t + 2, rec), rec);
  }
  classify(rec, true);
  return rec;
}

/**
 * The `}` closing span fields opened just before `from`: braces nest (Debug structs), Debug-quoted
 * strings are skipped. -2 when the line ends inside the braces (a value with a newline), -1 when the
 * text has no sensible end.
 */
function fieldsEnd(s: string, from: number): number {
  let depth = 0;
  let k = from;
  const n = s.length;
  while (k < n) {
    const c = s.charCodeAt(k);
    if (c === 34 && s.charCodeAt(k - 1) === 61 /* =" starts a &str value */) {
      const q = readDebugString(s, k);
      if (q) {
        k = q.end;
        continue;
      }
    } else if (c === 123) depth++;
    else if (c === 125) {
      if (depth === 0 && s.charCodeAt(k + 1) === 58) return k;
      if (depth > 0) depth--;
    }
    k++;
  }
  // Unbalanced braces inside a Display value: fall back to the first `}:` that ends the path or a segment.
  let f = s.indexOf('}:', from);
  while (f >= 0) {
    const after = s.charCodeAt(f + 2);
    if (after === 32 || isKeyStart(after)) return f;
    f = s.indexOf('}:', f + 1);
  }
  return -2;
}

// ANSI: split the line into runs of one style. ansi_term paints each piece as ESC[<code>m text ESC[0m.
interface Run {
  code: string;
  text: string;
}

function toRuns(s: string): Run[] | null {
  const runs: Run[] = [];
  let code = '';
  let i = 0;
  const n = s.length;
  while (i < n) {
    const e = s.indexOf(ESC, i);
    if (e < 0) {
      runs.push({ code, text: s.slice(i) });
      break;
    }
    if (e > i) runs.push({ code, text: s.slice(i, e) });
    if (s.charCodeAt(e + 1) !== 91) return null;
    const m = s.indexOf('m', e + 2);
    if (m < 0 || m - e > 12) return null;
    const c = s.slice(e + 2, m);
    code = c === '0' ? '' : c;
    i = m + 1;
  }
  return runs;
}

/**
 * Parse a line with ANSI colours. The styles make the structure exact: span names and their braces
 * are bold, the target and separators dimmed, field names italic; values and the message plain.
 * Returns null when the styles are not where the Full formatter puts them (values holding escape
 * codes of their own), so the caller can fall back to the plain reading.
 */
function parseAnsi(s: string): LineParse {
  // Compact prints each span's fields dimmed after the event's: ` ESC[2m` right before the first
  // field name's italic ESC[3m, a pair Full never prints. Cut them off first: runs would lose the
  // empty dimmed run that tells them from the event's own fields.
  let groups: string[] | undefined;
  const g = s.indexOf(COMPACT_GROUP);
  if (g > 0) {
    groups = s
      .slice(g + COMPACT_GROUP.length)
      .split(COMPACT_GROUP)
      .map((t) => t.replace(ANSI_SEQ, ''));
    s = s.slice(0, g);
  }
  const runs = toRuns(s);
  if (!runs || runs.length < 4) return null;
  let r = 0;
  if (runs[0].code !== '2') return null;
  const st = readRfc3339(runs[0].text, 0);
  if (!st || st.end !== runs[0].text.length) return null;
  if (runs[1].code !== '' || runs[1].text !== ' ' || !ANSI_LEVEL_CODES.has(runs[2].code)) return null;
  const level = LEVELS.get(runs[2].text);
  if (!level) return null;
  const rec: FmtLine = { kind: Kind.Event, time: st.ns, level, path: [], message: null, pairs: [] };
  if (groups) {
    rec.compact = true;
    rec.groups = groups;
  }
  r = 3;
  // Plain text after the level: ' ' [thread name] [ThreadId(NN)] ' ', possibly followed by the message.
  let body = '';
  if (r < runs.length && runs[r].code === '') {
    const t = runs[r].text;
    if (t.charCodeAt(0) !== 32) return null;
    const nextStyled = r + 1 < runs.length;
    if (nextStyled && t.charCodeAt(t.length - 1) === 32) {
      const th = t.trim();
      if (th) {
        const tid = th.lastIndexOf('ThreadId(');
        rec.thread = tid >= 0 ? normaliseThreadId(th.slice(tid)) : th;
      }
    } else body = t.slice(1); // no spans, no target: the message follows the level
    r++;
  }
  // Spans: bold name, optionally bold `{` fields bold `}`, dimmed `:`.
  while (r < runs.length && runs[r].code === '1' && !body) {
    const name = runs[r].text;
    r++;
    const seg: Segment = { name, fields: '' };
    if (r < runs.length && runs[r].code === '1' && runs[r].text === '{') {
      r++;
      const pairs: [string, string][] = [];
      let text = '';
      for (;;) {
        if (r >= runs.length) return 'incomplete';
        const run = runs[r];
        if (run.code === '1' && run.text === '}') break;
        const f = readAnsiField(runs, r, pairs, true);
        if (f < 0) return null;
        r = f;
      }
      r++;
      for (let p = 0; p < pairs.length; p++) text += (p ? ' ' : '') + pairs[p][0] + '=' + pairs[p][1];
      seg.fields = text;
      seg.pairs = pairs;
    }
    rec.path.push(seg);
    if (r < runs.length && runs[r].code === '' && runs[r].text.charCodeAt(0) === 58 && !seg.pairs) {
      // Compact: the `:` after a span name is not dimmed, and the space ending the path follows it.
      rec.compact = true;
      const rest = runs[r].text.slice(1);
      if (rest) runs[r] = { code: '', text: rest };
      else r++;
      if (rest) break;
      continue;
    }
    if (r >= runs.length || runs[r].code !== '2' || runs[r].text !== ':') return null;
    r++;
  }
  if (rec.path.length) {
    if (r >= runs.length || runs[r].code !== '' || runs[r].text.charCodeAt(0) !== 32) return null;
    if (runs[r].text.length > 1) body = runs[r].text.slice(1);
    r++;
  }
  // Target: dimmed text, dimmed `:`, then a plain run starting with a space.
  if (!body && r + 1 < runs.length && runs[r].code === '2' && runs[r + 1].code === '2' && runs[r + 1].text === ':') {
    rec.target = runs[r].text;
    r += 2;
    if (r < runs.length) {
      if (runs[r].code !== '' || runs[r].text.charCodeAt(0) !== 32) return null;
      body = runs[r].text.slice(1);
      r++;
    }
    // File and line: dimmed `file`, dimmed `:`, then dimmed `N:` and a space, or a space.
    if (!body && r + 1 < runs.length && runs[r].code === '2' && runs[r + 1].code === '2' && runs[r + 1].text === ':') {
      rec.file = runs[r].text;
      r += 2;
      if (r < runs.length && runs[r].code === '' && runs[r].text.charCodeAt(0) === 32) {
        body = runs[r].text.slice(1);
        r++;
      }
    }
    // Compact prints the number and its `:` as two dimmed runs.
    const split = !body && r + 1 < runs.length && runs[r].code === '2' && /^\d+$/.test(runs[r].text) && runs[r + 1].code === '2' && runs[r + 1].text === ':';
    if (split || (!body && r < runs.length && runs[r].code === '2' && /^\d+:$/.test(runs[r].text))) {
      rec.line = Number(split ? runs[r].text : runs[r].text.slice(0, -1));
      if (split) r++;
      if (rec.file === undefined && /\.rs$|\//.test(rec.target ?? '')) {
        // with_target(false): what stood where the target goes was the file.
        rec.file = rec.target;
        rec.target = undefined;
      }
      r++;
      if (r < runs.length) {
        if (runs[r].code !== '' || runs[r].text.charCodeAt(0) !== 32) return null;
        body = runs[r].text.slice(1);
        r++;
      }
    }
  }
  // Body: the message is the plain text before the first italic field name.
  if (r < runs.length && runs[r].code === '3') {
    // the plain run before it ended with the separating space
    if (body.endsWith(' ')) body = body.slice(0, -1);
    rec.message = body === '' ? null : body;
    while (r < runs.length) {
      const f = readAnsiField(runs, r, rec.pairs, false);
      if (f < 0) return null;
      r = f;
    }
  } else {
    if (r < runs.length) return null;
    rec.message = body;
  }
  if (rec.compact && !rec.groups) rec.groups = [];
  classify(rec, true);
  return rec;
}

/**
 * One `ESC[3mkeyESC[0mESC[2m=ESC[0mvalue` field from run `r`; the value is the plain text up to the
 * next styled run, less the space that separates it from a following field. Returns the next run.
 */
function readAnsiField(runs: Run[], r: number, pairs: [string, string][], inSpan: boolean): number {
  let key = '';
  while (r < runs.length && runs[r].code === '3') key += runs[r++].text;
  if (!key || r >= runs.length || runs[r].code !== '2' || runs[r].text !== '=') return -1;
  r++;
  let value = '';
  while (r < runs.length && runs[r].code === '') value += runs[r++].text;
  const more = r < runs.length && (runs[r].code === '3');
  if (more) {
    if (!value.endsWith(' ')) return -1;
    value = value.slice(0, -1);
  } else if (r < runs.length && !(inSpan && runs[r].code === '1' && runs[r].text === '}')) return -1;
  pairs.push([key, value]);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Spans rebuilt from paths

interface Open {
  seq: number;
  name: string;
  fields: string;
  map?: Map<string, string>;
  obj?: { [k: string]: unknown };
  attributes: Attributes;
  parent: Open | null;
  /** The root of the span's tree (its trace). */
  root: Open | null;
  /** The synthetic span id, once made. */
  id: string | undefined;
  /** The synthetic trace id, on a root, once made. */
  traceId: string | undefined;
  /** JSON `new` lines show the thread's current stack, which is not the parent when one was given explicitly. */
  parentUncertain: boolean;
  /** Open children by name. */
  kids: Map<string, OpenList> | null;
  /** Its place in the live list, in its name's list, in its siblings' list (-1: not in it). */
  liveAt: number;
  nameAt: number;
  siblingAt: number;
  /** How many children are open (a span cannot close while it has any). */
  openKids: number;
  events: SpanEvent[];
  /** Exact start (FmtSpan::NEW line). */
  start: bigint | null;
  /** Earliest time the span is known to have existed (first line it appears on, children's starts). */
  first: bigint | null;
  last: bigint | null;
  thread: string | undefined;
  target: string | undefined;
  location: SourceLocation | undefined;
  firstLine: number;
  lastLine: number;
  lossy: LossyField[] | null;
}

/** The span a path or a close line names: whether others matched as well, whether it was created for it. */
interface Found {
  span: Open;
  ambiguous: number;
  created: boolean;
}

/** How well an open span matches a printed segment: 2 the same fields, 1 fields recorded since, 0 not it. */
type Compat = (o: Open, seg: Segment) => number;

function fmtCompat(o: Open, seg: Segment): number {
  if (o.fields === seg.fields) return 2;
  if (o.fields === '') return 1;
  return seg.fields.length > o.fields.length && seg.fields.charCodeAt(o.fields.length) === 32 && seg.fields.startsWith(o.fields) ? 1 : 0;
}

function jsonCompat(o: Open, seg: Segment): number {
  if (o.fields === seg.fields) return 2;
  const a = (o.map ??= jsonFieldMap(o.obj!));
  const b = (seg.map ??= jsonFieldMap(seg.obj!));
  for (const [k, v] of a) if (b.get(k) !== v) return 0;
  return a.size === b.size ? 2 : 1;
}

/**
 * What tracing never shows, plus scope (no target printed), time (no close line) and parent (a JSON
 * `new` line's stack): one frozen list per combination, indexed by those three bits, shared by the
 * spans that have it (100k spans, 8 lists).
 */
const UNKNOWN_SETS: readonly UnknownField[][] = Array.from({ length: 8 }, (_, bits) => {
  const u: UnknownField[] = ['ids', 'kind', 'status', 'links', 'resource'];
  if (bits & 1) u.push('scope');
  if (bits & 2) u.push('time');
  if (bits & 4) u.push('parent');
  return Object.freeze(u) as UnknownField[];
});
/** tracing has no links, status or resource: every span shares these frozen values. */
const NO_RESOURCE = Object.freeze({}) as Attributes;
const UNSET_STATUS = statusOf('UNSET', null);

const enum Use {
  Event,
  Close,
  Other,
}

/** The last span of a name that closed: to notice another printed alike that was open at the same time. */
interface Twin {
  fields: string;
  parent: Open | null;
  end: bigint | null;
}

/**
 * The open spans of one output, keyed by their place in the tree. Matching a printed path walks it
 * from the root; at each level, among the open children with the segment's name and compatible
 * fields, the one on the line's thread wins, then the most recent. When that still leaves a
 * choice, the span picked carries a lossy note instead of a silent guess.
 */
class SpanTracker {
  private seq = 0;
  private readonly roots = new Map<string, OpenList>();
  /** Every open span by name, in creation order. */
  private readonly byName = new Map<string, OpenList>();
  /** How many open spans have an uncertain parent (JSON `new` lines), to skip adoption when none. */
  private uncertain = 0;
  private live: OpenList | null = null;
  private readonly lastClosed = new Map<string, Twin>();
  private readonly scopes = new Map<string, Span['scope']>();
  /** Pads (prefix and zeros) for ids, by width and digit count. */
  private readonly idPads = new Map<number, string>();
  /** What resolve/locate return: one object refilled by each call (read it before the next). */
  private readonly found: Found = { span: null as unknown as Open, ambiguous: 0, created: false };
  /** How many candidates the last pick found equally good. */
  private pickTies = 0;
  sawClose = false;
  sawNew = false;

  constructor(
    private readonly sink: Sink,
    private readonly format: FormatName,
    private readonly idPrefix: string,
    private readonly compat: Compat,
    private readonly decode: (seg: Segment) => { attrs: Attributes; lossy?: string[] },
  ) {}

  isOpenName(name: string): boolean {
    return (this.byName.get(name)?.size ?? 0) > 0;
  }

  /** The open children of `parent` (roots when null) named `name`, oldest first. */
  openChildren(parent: Open | null, name: string): readonly Open[] {
    return (parent ? parent.kids : this.roots)?.get(name)?.members() ?? [];
  }

  private create(seg: Segment, parent: Open | null, time: bigint | null, thread: string | undefined, lineNo: number): Open {
    const d = this.decode(seg);
    const o: Open = {
      seq: ++this.seq,
      name: seg.name,
      fields: seg.fields,
      map: seg.map,
      obj: seg.obj,
      attributes: d.attrs,
      parent: null,
      root: null,
      id: undefined,
      traceId: undefined,
      parentUncertain: false,
      kids: null,
      liveAt: -1,
      nameAt: -1,
      siblingAt: -1,
      openKids: 0,
      events: [],
      start: null,
      first: time,
      last: time,
      thread,
      target: undefined,
      location: undefined,
      firstLine: lineNo,
      lastLine: lineNo,
      lossy: null,
    };
    if (d.lossy) for (const key of d.lossy) this.note(o, `attributes.${key}`, 'a non-finite float (NaN or ±Infinity) is printed as null');
    this.attach(o, parent);
    addTo(this.byName, seg.name, Slot.Name, o);
    if (this.live) this.live.add(o);
    else this.live = new OpenList(Slot.Live, o);
    return o;
  }

  private attach(o: Open, parent: Open | null): void {
    o.parent = parent;
    o.root = parent ? parent.root : o;
    if (parent) parent.openKids++;
    addTo(parent ? (parent.kids ??= new Map()) : this.roots, o.name, Slot.Sibling, o);
  }

  private detach(o: Open): void {
    const level = o.parent ? o.parent.kids : this.roots;
    level?.get(o.name)?.delete(o);
    if (o.parent) o.parent.openKids--;
  }

  private setUncertain(o: Open, v: boolean): void {
    if (o.parentUncertain !== v) this.uncertain += v ? 1 : -1;
    o.parentUncertain = v;
  }

  private note(o: Open, path: string, reason: string): void {
    (o.lossy ??= []).push({ path, reason });
  }

  private refresh(o: Open, seg: Segment): void {
    // Fields recorded since creation (Span::record): the longer text is the newer one.
    o.fields = seg.fields;
    o.map = seg.map;
    o.obj = seg.obj;
    o.attributes = this.decode(seg).attrs;
  }

  /** The open child of `parent` (or root) a segment names, or null when none can be it. */
  private pick(parent: Open | null, seg: Segment, thread: string | undefined, leaf: boolean, use: Use): Open | null {
    this.pickTies = 0;
    const list = (parent ? parent.kids : this.roots)?.get(seg.name);
    if (!list) return null;
    let best: Open | null = null;
    let bestScore = -1;
    let ties = 0;
    let otherThreadOnly = thread !== undefined;
    const items = list.items;
    for (let i = 0; i < list.end; i++) {
      const o = items[i];
      if (!o) continue;
      const c = this.compat(o, seg);
      if (!c) continue;
      if (leaf && use === Use.Close && o.openKids) continue; // children keep a span alive
      const same = thread !== undefined && o.thread === thread;
      if (same || o.thread === undefined) otherThreadOnly = false;
      const score = (same ? 4 : 0) + c;
      if (score > bestScore) {
        bestScore = score;
        ties = 1;
      } else if (score === bestScore) ties++;
      if (score >= bestScore) best = o; // later in the list = more recent
    }
    // An event in a span of this name that is open only on other threads: concurrent work printed
    // alike, unless `new` lines show every creation (then the span moved, as async tasks do). Only
    // for the innermost span: outer ones are commonly shared by worker threads.
    if (best && otherThreadOnly && leaf && use === Use.Event && !this.sawNew) return null;
    if (best && bestScore % 4 === 1) this.refresh(best, seg);
    this.pickTies = ties;
    return best;
  }

  /** A JSON span created with an uncertain parent, now seen under `parent`: move it there. */
  private adopt(parent: Open | null, seg: Segment, thread: string | undefined, sameThreadOnly: boolean): Open | null {
    if (!this.uncertain) return null;
    const list = this.byName.get(seg.name);
    if (!list) return null;
    // The most recent on this thread, else (unless told not to) the most recent on another.
    let same: Open | null = null;
    let other: Open | null = null;
    for (let i = 0; i < list.end; i++) {
      const o = list.items[i];
      if (!o || !o.parentUncertain || !this.compat(o, seg)) continue;
      let a = parent;
      while (a && a !== o) a = a.parent;
      if (a) continue; // would make a cycle
      if (thread !== undefined && o.thread !== undefined && o.thread !== thread) other = o;
      else same = o;
    }
    const best = same ?? (sameThreadOnly ? null : other);
    if (!best) return null;
    this.detach(best);
    this.attach(best, parent);
    this.setUncertain(best, false);
    // Its open descendants move to the new trace with it.
    const stack = [best];
    while (stack.length) {
      const o = stack.pop()!;
      if (o.kids)
        for (const list of o.kids.values())
          for (const k of list.members()) {
            k.root = best.root;
            stack.push(k);
          }
    }
    return best;
  }

  /** The open span a path names, creating those not seen before (a `new` line's last segment always). */
  resolve(path: Segment[], time: bigint | null, thread: string | undefined, lineNo: number, use: Use, newLeaf: boolean): Found {
    let parent: Open | null = null;
    let ambiguous = 0;
    let created = false;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const leaf = i === path.length - 1;
      let found: Open | null = null;
      if (!(newLeaf && leaf)) {
        found = this.pick(parent, seg, thread, leaf, use);
        const ties = this.pickTies;
        // A span created on this thread with an uncertain parent beats one from another thread.
        const adopted: Open | null = !found || (thread !== undefined && found.thread !== thread) ? this.adopt(parent, seg, thread, found !== null) : null;
        if (adopted) found = adopted;
        else if (found) {
          this.setUncertain(found, false);
          if (ties > 1) ambiguous = Math.max(ambiguous, ties);
        }
      }
      created = !found;
      // A line's thread is the innermost span's; outer spans are often shared by several threads.
      if (!found) found = this.create(seg, parent, time, leaf ? thread : undefined, lineNo);
      else if (leaf && found.thread === undefined) found.thread = thread;
      this.seen(found, time, lineNo);
      parent = found;
    }
    return this.answer(parent!, ambiguous, created);
  }

  private answer(span: Open, ambiguous: number, created: boolean): Found {
    const f = this.found;
    f.span = span;
    f.ambiguous = ambiguous;
    f.created = created;
    return f;
  }

  private seen(o: Open, time: bigint | null, lineNo: number): void {
    if (time !== null) {
      if (o.last === null || time > o.last) o.last = time;
      if (o.first === null || time < o.first) o.first = time;
    }
    o.lastLine = lineNo;
  }

  /**
   * JSON close/enter/exit lines: `span` is the span, but `spans` is the thread's current stack, not
   * its ancestry. Find it among all open spans (same thread first, then one whose ancestry `spans`
   * matches), or create it under `spans`.
   */
  locate(stack: Segment[], seg: Segment, time: bigint | null, thread: string | undefined, lineNo: number, use: Use): Found {
    const list = this.byName.get(seg.name);
    let best: Open | null = null;
    let bestScore = -1;
    let ties = 0;
    if (list) {
      const items = list.items;
      for (let i = 0; i < list.end; i++) {
        const o = items[i];
        if (!o) continue;
        const c = this.compat(o, seg);
        if (!c) continue;
        if (use === Use.Close && o.openKids) continue;
        let score = c + (thread !== undefined && o.thread === thread ? 8 : 0);
        if (ancestryIs(o, stack)) score += 4;
        if (score > bestScore) {
          bestScore = score;
          ties = 1;
        } else if (score === bestScore) ties++;
        if (score >= bestScore) best = o;
      }
    }
    if (!best) {
      // Closed on a thread whose stack is empty (the span was given an explicit parent): a span
      // printed alike that closed before had a parent, and this one most likely shares it.
      const twin = stack.length ? undefined : this.lastClosed.get(seg.name);
      const twinParent = twin && twin.fields === seg.fields ? twin.parent : null;
      if (twinParent && this.live?.has(twinParent)) {
        const o = this.create(seg, twinParent, time, thread, lineNo);
        this.setUncertain(o, true);
        return this.answer(o, 0, true);
      }
      return this.resolve([...stack, seg], time, thread, lineNo, use, true);
    }
    if (bestScore % 4 === 1) this.refresh(best, seg);
    this.seen(best, time, lineNo);
    return this.answer(best, ties > 1 ? ties : 0, false);
  }

  event(path: Segment[], time: bigint | null, thread: string | undefined, lineNo: number, name: string, attrs: Attributes): void {
    if (!path.length) return; // an event outside any span: tracing output, but no span's
    const { span, ambiguous } = this.resolve(path, time, thread, lineNo, Use.Event, false);
    span.events.push({ name, timeUnixNano: time ?? 0n, attributes: attrs, droppedAttributesCount: 0 });
    if (ambiguous) this.note(span, `events.${span.events.length - 1}`, `${ambiguous} open spans print the same path; this event may belong to another of them`);
  }

  /** A `new` line: the last segment is a span created now. */
  opened(path: Segment[], time: bigint | null, thread: string | undefined, lineNo: number, target: string | undefined, location: SourceLocation | undefined, parentUncertain: boolean): void {
    this.sawNew = true;
    const { span } = this.resolve(path, time, thread, lineNo, Use.Other, true);
    span.start = time;
    span.thread = thread;
    this.setUncertain(span, parentUncertain);
    if (target !== undefined) span.target = target;
    if (location) span.location = location;
  }

  /** A `close` line for a span already found; `lifetimeNs` is busy + idle when printed. */
  closed(found: Found, time: bigint | null, target: string | undefined, location: SourceLocation | undefined, lifetimeNs: number | undefined): void {
    this.sawClose = true;
    const { span, ambiguous, created } = found;
    if (ambiguous) this.note(span, 'events', `${ambiguous} open spans print the same path; which of them closed here, and so which events are whose, is a guess`);
    if (target !== undefined) span.target = target;
    if (location && !span.location) span.location = location;
    let start = span.start;
    if (start === null) {
      if (time !== null && lifetimeNs !== undefined) {
        start = time - BigInt(Math.round(lifetimeNs));
        // busy/idle have 3 significant digits: never start after something the span contained.
        if (span.first !== null && span.first < start) start = span.first;
      } else {
        start = span.first;
        this.note(span, 'startTimeUnixNano', 'the output has no start time for this span; this is the first time it appears');
      }
    }
    const end = time ?? span.last;
    const twin = this.lastClosed.get(span.name);
    if (created && start !== null && twin && twin.fields === span.fields && twin.parent === span.parent && twin.end !== null && twin.end > start) {
      // Nothing open matched this close: a span printed exactly like one that closed earlier
      // while this one was already running. Their lines were indistinguishable.
      this.note(span, 'events', 'another span printed exactly like this one was open at the same time; their events cannot be told apart and went to the one that closed first');
    }
    if (twin) {
      twin.fields = span.fields;
      twin.parent = span.parent;
      twin.end = end;
    } else this.lastClosed.set(span.name, { fields: span.fields, parent: span.parent, end });
    this.finishSpan(span, start ?? 0n, end, time === null);
  }

  private finishSpan(o: Open, start: bigint, end: bigint | null, timeUnknown: boolean): void {
    this.live?.delete(o);
    if (o.parentUncertain) this.uncertain--;
    this.detach(o);
    this.byName.get(o.name)?.delete(o);
    if (o.parent && (o.parent.first === null || start < o.parent.first)) o.parent.first = start;
    const root = o.root ?? o;
    const span: Span = {
      traceId: (root.traceId ??= this.hexId(root.seq, 32)),
      spanId: this.idOf(o),
      parentSpanId: o.parent ? this.idOf(o.parent) : null,
      parentIsRemote: null,
      name: o.name,
      kind: 'INTERNAL',
      startTimeUnixNano: start,
      endTimeUnixNano: end,
      attributes: o.attributes,
      droppedAttributesCount: 0,
      events: o.events,
      droppedEventsCount: 0,
      links: NO_LINKS,
      droppedLinksCount: 0,
      status: UNSET_STATUS,
      traceState: null,
      resource: NO_RESOURCE,
      scope: this.scopeOf(o.target),
      origin: { format: this.format, line: o.firstLine, endLine: o.lastLine },
      unknown: UNKNOWN_SETS[(o.target === undefined ? 1 : 0) | (timeUnknown ? 2 : 0) | (o.parentUncertain ? 4 : 0)],
    };
    if (o.location) span.location = o.location;
    if (o.thread !== undefined) span.thread = o.thread;
    if (o.lossy) span.lossy = o.lossy;
    this.sink.span(span);
  }

  /** The scope of spans of a target: one frozen object per target, shared (targets are few). */
  private scopeOf(target: string | undefined): Span['scope'] {
    const name = target ?? '';
    let scope = this.scopes.get(name);
    if (!scope) {
      if (this.scopes.size >= 1024) this.scopes.clear();
      scope = Object.freeze({ name, version: null, schemaUrl: null });
      this.scopes.set(name, scope);
    }
    return scope;
  }

  private idOf(o: Open): string {
    return (o.id ??= this.hexId(o.seq, 16));
  }

  /** The id prefix + `n` in hex, zero-padded to `width` characters. */
  private hexId(n: number, width: number): string {
    const h = n.toString(16);
    const key = width * 64 + h.length;
    let pad = this.idPads.get(key);
    if (pad === undefined) {
      pad = this.idPrefix + ZEROS.slice(0, width - this.idPrefix.length - h.length);
      this.idPads.set(key, pad);
    }
    return pad + h;
  }

  /** End of input: spans still open, in the order they first appeared. */
  end(): void {
    for (const o of this.live?.members() ?? []) {
      if (this.sawClose) {
        // The output closes spans, and this one never closed (leaked, or the process exited first).
        if (o.start === null) this.note(o, 'startTimeUnixNano', 'the span never closed and printed no start; this is the first time it appears');
        this.finishSpan(o, o.start ?? o.first ?? 0n, null, o.first === null);
      } else {
        // No close lines at all: a span is only seen as the prefix of lines, its times are unknown.
        this.finishSpan(o, o.start ?? o.first ?? 0n, o.last ?? o.first ?? 0n, true);
      }
    }
  }
}

const ZEROS = '0'.repeat(32);


/** Add `o` to the list of `k` in `m`, made when missing (an emptied list stays: the same name usually opens again, and names are few). */
function addTo(m: Map<string, OpenList>, k: string, slot: Slot, o: Open): void {
  const l = m.get(k);
  if (l) l.add(o);
  else m.set(k, new OpenList(slot, o));
}

/** Which of its lists an Open's position is kept for. */
const enum Slot {
  Live,
  Name,
  Sibling,
}

/**
 * Open spans in the order they were added: `items[0 .. end)`, where a removed one leaves a hole
 * (null), closed by a compaction once holes are half of them. Amortised O(1) with no allocation
 * (a Set reallocates its table as it empties, which is most closes). Iterate `items` up to `end`,
 * skipping nulls.
 */
class OpenList {
  readonly items: (Open | null)[];
  end = 1;
  private holes = 0;

  constructor(
    private readonly slot: Slot,
    first: Open,
  ) {
    this.items = [first];
    this.setPlace(first, 0);
  }

  get size(): number {
    return this.end - this.holes;
  }

  add(o: Open): void {
    this.setPlace(o, this.end);
    if (this.end < this.items.length) this.items[this.end] = o;
    else this.items.push(o);
    this.end++;
  }

  has(o: Open): boolean {
    const i = this.place(o);
    return i >= 0 && this.items[i] === o;
  }

  delete(o: Open): void {
    const i = this.place(o);
    if (i < 0 || this.items[i] !== o) return;
    this.items[i] = null;
    this.setPlace(o, -1);
    if (++this.holes * 2 >= this.end) this.compact();
  }

  /** The members, oldest first. */
  members(): Open[] {
    const out: Open[] = [];
    for (let i = 0; i < this.end; i++) {
      const o = this.items[i];
      if (o) out.push(o);
    }
    return out;
  }

  private compact(): void {
    const items = this.items;
    let n = 0;
    for (let i = 0; i < this.end; i++) {
      const o = items[i];
      if (!o) continue;
      items[n] = o;
      this.setPlace(o, n++);
    }
    for (let i = n; i < this.end; i++) items[i] = null;
    this.end = n;
    this.holes = 0;
    // Keep the room (a list refills); give back most of a list that was once large.
    if (items.length > 64 && n < items.length >> 2) items.length = Math.max(n, 16);
  }

  private place(o: Open): number {
    return this.slot === Slot.Live ? o.liveAt : this.slot === Slot.Name ? o.nameAt : o.siblingAt;
  }

  private setPlace(o: Open, i: number): void {
    if (this.slot === Slot.Live) o.liveAt = i;
    else if (this.slot === Slot.Name) o.nameAt = i;
    else o.siblingAt = i;
  }
}

/** Do the names and fields of `o`'s ancestors equal `stack` (root first)? */
function ancestryIs(o: Open, stack: Segment[]): boolean {
  let a = o.parent;
  for (let i = stack.length - 1; i >= 0; i--) {
    if (!a || a.name !== stack[i].name || a.fields !== stack[i].fields) return false;
    a = a.parent;
  }
  return a === null;
}

// ---------------------------------------------------------------------------------------------
// The fmt reader

/** A line held because its span fields run on into the next lines. */
const MAX_PENDING_LINES = 200;
const MAX_PENDING_CHARS = 1 << 20;

function fmtDecode(seg: Segment): { attrs: Attributes } {
  if (!seg.pairs) {
    const pairs: [string, string][] = [];
    if (seg.fields) splitPairs(seg.fields, 0, pairs);
    seg.pairs = pairs;
  }
  return { attrs: fieldsToAttributes(seg.pairs, false) };
}

const enum Layout {
  Unknown,
  Full,
  Compact,
}

class FmtReader implements LineReader {
  private readonly tracker: SpanTracker;
  /** The pretty record being read (its header seen, its blank line not yet). */
  private pretty: PrettyRecord | null = null;
  /** Full or compact, once a line shows which (a path with `{fields}`, or compact's styling or trailing span fields). */
  private layout = Layout.Unknown;
  private readonly targets = new Set<string>();
  private readonly hints: Hints;
  private pending: string[] | null = null;
  private pendingStart = 0;
  private pendingChars = 0;

  constructor(private readonly sink: Sink) {
    this.tracker = new SpanTracker(sink, 'rust-tracing-fmt', '', fmtCompat, fmtDecode);
    this.hints = {
      isOpenSpanName: (n) => this.tracker.isOpenName(n),
      isKnownTarget: (t) => this.targets.has(t),
    };
  }

  line(text: string, lineNo: number): LineVerdict {
    if (this.pretty) {
      if (text === '') {
        // The blank line that ends every pretty record.
        this.finishPretty(lineNo);
        return LineVerdict.Mine;
      }
      if (text.startsWith('    ') && readPrettyDetail(text, this.pretty)) return LineVerdict.Mine;
      this.finishPretty(lineNo - 1);
    }
    if (text.charCodeAt(0) === 32 && text.charCodeAt(1) === 32 && !this.pending) {
      const rec = parsePrettyHeader(text);
      if (rec) {
        this.pretty = { rec, inner: [], startLine: lineNo };
        return LineVerdict.Mine;
      }
    }
    if (this.pending) {
      if (!isHeader(text)) {
        this.pending.push(text);
        this.pendingChars += text.length + 1;
        const joined = this.pending.join('\n');
        const parsed = this.parse(joined);
        if (parsed !== 'incomplete') {
          const start = this.pendingStart;
          this.pending = null;
          if (parsed) this.apply(parsed, start, lineNo);
          else this.sink.unparsed({ startLine: start, endLine: lineNo, reason: 'a tracing line could not be read', text: clip(joined) });
          return LineVerdict.Mine;
        }
        if (this.pending.length > MAX_PENDING_LINES || this.pendingChars > MAX_PENDING_CHARS) this.dropPending(lineNo);
        return LineVerdict.Mine;
      }
      this.dropPending(lineNo - 1);
    }
    const c = text.charCodeAt(0);
    let s = text;
    if (!((c >= 48 && c <= 57) || c === 27) || !isHeader(text)) {
      // Program text glued before a tracing line (a `print!` without newline).
      if (text.length < 30) return LineVerdict.NotMine;
      const k = findGluedHeader(text);
      if (k < 0) return LineVerdict.NotMine;
      s = text.slice(k);
      const parsed = this.parse(s);
      if (!parsed) return LineVerdict.NotMine;
      this.sink.output?.(lineNo, text.slice(0, k));
      if (parsed === 'incomplete') this.hold(s, lineNo);
      else this.apply(parsed, lineNo, lineNo);
      return LineVerdict.Mine;
    }
    const parsed = this.parse(s);
    if (!parsed) return LineVerdict.NotMine;
    if (parsed === 'incomplete') this.hold(s, lineNo);
    else this.apply(parsed, lineNo, lineNo);
    return LineVerdict.Mine;
  }

  private hold(s: string, lineNo: number): void {
    this.pending = [s];
    this.pendingStart = lineNo;
    this.pendingChars = s.length;
  }

  private dropPending(endLine: number): void {
    const text = this.pending!.join('\n');
    this.pending = null;
    this.sink.unparsed({ startLine: this.pendingStart, endLine, reason: 'a tracing line whose span fields never close (cut off, or a value the text cannot delimit)', text: clip(text) });
  }

  private parse(s: string): LineParse {
    if (s.charCodeAt(0) === 27) {
      const a = parseAnsi(s);
      if (a) return a;
      return parsePlain(s.replace(ANSI_SEQ, ''), this.hints);
    }
    return parsePlain(s, this.hints);
  }

  private apply(rec: FmtLine, startLine: number, lineNo: number): void {
    const t = this.tracker;
    if (rec.path.length) {
      if (this.layout === Layout.Unknown) {
        if (rec.compact || rec.spanPairsFrom !== undefined) this.layout = Layout.Compact;
        else if (rec.path.some((seg) => seg.fields !== '')) this.layout = Layout.Full;
      }
      if (this.layout === Layout.Compact) this.assignCompactFields(rec);
      else if (rec.spanPairsFrom !== undefined) {
        // Full: a `new` or `close` message with fields of its own is an event that says so.
        rec.kind = Kind.Event;
        rec.busyIdle = undefined;
      }
    }
    if (rec.target !== undefined && rec.path.length === 0) this.targets.add(rec.target);
    const location = rec.file !== undefined || rec.line !== undefined ? { file: rec.file ?? '', line: rec.line !== undefined ? rec.line - 1 : 0, column: 0 } : undefined;
    switch (rec.kind) {
      case Kind.Close:
        if (rec.target !== undefined) this.targets.add(rec.target);
        t.closed(t.resolve(rec.path, rec.time, rec.thread, lineNo, Use.Close, false), rec.time, rec.target, location, rec.busyIdle);
        return;
      case Kind.New:
        if (rec.target !== undefined) this.targets.add(rec.target);
        t.opened(rec.path, rec.time, rec.thread, startLine, rec.target, location, false);
        return;
      case Kind.Enter:
      case Kind.Exit:
        t.resolve(rec.path, rec.time, rec.thread, lineNo, Use.Other, false);
        return;
      default:
        t.event(rec.path, rec.time, rec.thread, lineNo, rec.message ?? '', fieldsToAttributes(rec.pairs, true));
    }
  }

  /**
   * Compact prints span names alone on the path and every span's fields, root first, after the
   * event's, skipping spans without fields. Give each path segment its fields back, so the tracker
   * matches spans as it does Full paths: walk the open spans down the path, each taking the next
   * fields it printed; the spans not open yet (a `new` line's, or ones first seen on an event) share
   * what is left, the innermost first. With ANSI the groups are exact; plain text has one list of
   * fields, split by what the open spans are known to print (on an event, their fields end it).
   */
  private assignCompactFields(rec: FmtLine): void {
    const path = rec.path;
    const last = path.length - 1;
    const groups = rec.groups;
    const known = rec.kind === Kind.New || rec.kind === Kind.Close;
    // Plain new/close lines: the span fields as one text, consumed from the front.
    let rest = groups || !known ? '' : pairsText(rec.pairs.slice(rec.spanPairsFrom ?? rec.pairs.length));
    if (!groups && rec.spanPairsFrom !== undefined) rec.pairs.length = rec.spanPairsFrom;
    let g = 0;
    let parent: Open | null = null;
    let i = 0;
    for (; i < path.length; i++) {
      if (rec.kind === Kind.New && i === last) break;
      let best: Open | null = null;
      let bestScore = -1;
      for (const o of this.tracker.openChildren(parent, path[i].name)) {
        let fits: boolean;
        if (o.fields === '' || (!groups && !known)) fits = true;
        else if (groups) fits = g < groups.length && (groups[g] === o.fields || groups[g].startsWith(o.fields + ' '));
        else fits = rest === o.fields || rest.startsWith(o.fields + ' ');
        if (!fits) continue;
        const score = rec.thread !== undefined && o.thread === rec.thread ? 1 : 0;
        if (score >= bestScore) {
          best = o;
          bestScore = score;
        }
      }
      if (!best) break;
      if (best.fields === '') path[i].fields = '';
      else if (groups) path[i].fields = groups[g++];
      else if (known && i === last) path[i].fields = rest; // the leaf's fields end the line, with any recorded since
      else {
        path[i].fields = best.fields;
        if (known) rest = rest.slice(best.fields.length + 1);
      }
      parent = best;
    }
    if (!groups && !known) {
      // Plain event: the known spans' fields end the line; the rest are the event's.
      const spanText = path
        .slice(0, i)
        .map((seg) => seg.fields)
        .filter((f) => f !== '')
        .join(' ');
      if (spanText) {
        const eventText = pairsText(rec.pairs);
        let at = eventText === spanText || eventText.endsWith(' ' + spanText) ? eventText.length - spanText.length : -1;
        if (at < 0 && i === path.length && path[last].fields !== '') {
          // Fields recorded into the innermost span since (Span::record) follow its known ones.
          at = (' ' + eventText).lastIndexOf(' ' + spanText + ' ');
          if (at >= 0) path[last].fields += eventText.slice(at + spanText.length);
        }
        if (at >= 0) {
          const spanPairs: [string, string][] = [];
          splitPairs(eventText.slice(at), 0, spanPairs);
          rec.pairs.length -= spanPairs.length;
        }
      }
      for (let k = i; k <= last; k++) path[k].fields = '';
      return;
    }
    // The spans not open yet: the remaining fields go to the innermost of them.
    const left = groups ? groups.slice(g) : rest ? [rest] : [];
    const unknown = last - i + 1;
    if (unknown === 0) return;
    if (left.length <= unknown) {
      for (let k = i; k <= last; k++) path[k].fields = k - (last + 1 - left.length) >= 0 ? left[k - (last + 1 - left.length)] : '';
    } else {
      for (let k = i; k < last; k++) path[k].fields = left[k - i];
      path[last].fields = left.slice(unknown - 1).join(' ');
    }
  }

  private finishPretty(lastLine: number): void {
    const { rec, inner, startLine } = this.pretty!;
    this.pretty = null;
    rec.path = inner.reverse();
    classify(rec, true);
    this.apply(rec, startLine, lastLine);
  }

  end(lastLine: number): void {
    if (this.pretty) this.finishPretty(lastLine);
    if (this.pending) this.dropPending(lastLine);
    this.tracker.end();
  }
}

// ---------------------------------------------------------------------------------------------
// The pretty formatter: one record over several lines
//
//   ␣␣2026-01-01T00:00:00.000000Z  INFO target: message, key: value, key2: value2
//   ␣␣␣␣at src/lib.rs:14 on main
//   ␣␣␣␣in target::inner with key: value
//   ␣␣␣␣in target::outer
//   (blank line)
//
// The header is a Full line's head indented by two spaces (a second space stands for a target left
// out); fields print as `key: value` joined by `, `; the spans follow innermost first, each with its
// fields. With ANSI, field names and span names are bold, which makes the split exact.

/** A pretty record being read: its header, then its spans (innermost first) from `in` lines. */
interface PrettyRecord {
  rec: FmtLine;
  inner: Segment[];
  startLine: number;
}

/** A bold field name (in a record's colour, or plain bold in a span's fields) and its `: `. */
const PRETTY_KEY = /\x1b\[1(?:;3\d)?m([^\x1b]*)\x1b\[0m(?:\x1b\[3\dm)?: /g;
/** Marks a field name's start once ANSI told where it is. */
const KEY_MARK = '\u0001';
const PRETTY_TARGET = /([^\s:]+(?:::[^\s:]+)*):(?:(\d+):)? /y;
const PRETTY_IN_ANSI = /^ {4}\x1b\[2;3min\x1b\[0m (?:.*?)\x1b\[1m(.*?)\x1b\[0m(?: \x1b\[2;3mwith\x1b\[0m (.*))?$/;
const PRETTY_AT = /^ {4}(?:at (.+?)(?::(\d+))?(?= on |$))?(?: ?on (.+))?$/;

/** The first line of a pretty record, or null when `text` is not one. */
function parsePrettyHeader(text: string): FmtLine | null {
  const ansi = text.indexOf(ESC) >= 0;
  const s = ansi ? text.slice(2).replace(PRETTY_KEY, KEY_MARK + '$1: ').replace(ANSI_SEQ, '') : text.slice(2);
  const st = readRfc3339(s, 0);
  if (!st || s.charCodeAt(st.end) !== 32) return null;
  const level = LEVELS.get(s.slice(st.end + 1, st.end + 6));
  if (!level || s.charCodeAt(st.end + 6) !== 32) return null;
  const rec: FmtLine = { kind: Kind.Event, time: st.ns, level, path: [], message: null, pairs: [] };
  let i = st.end + 7;
  if (s.charCodeAt(i) === 32) i++; // with_target(false)
  else {
    if (s.startsWith(KEY_MARK, i)) i++;
    PRETTY_TARGET.lastIndex = i;
    const m = PRETTY_TARGET.exec(s);
    if (!m) return null;
    rec.target = m[1];
    if (m[2]) rec.line = Number(m[2]);
    i = PRETTY_TARGET.lastIndex;
  }
  const fields = splitPrettyFields(s.slice(i), ansi, true);
  rec.message = fields.message;
  rec.pairs = fields.pairs;
  return rec;
}

/** An `at file:line on thread` or `in target::span with fields` line into `into`; false when it is neither. */
function readPrettyDetail(text: string, into: PrettyRecord): boolean {
  const ansi = text.indexOf(ESC) >= 0;
  let name: string;
  let fields: string | undefined;
  const m = ansi ? PRETTY_IN_ANSI.exec(text) : null;
  if (m) {
    name = m[1];
    fields = m[2]?.replace(PRETTY_KEY, KEY_MARK + '$1: ').replace(ANSI_SEQ, '');
  } else {
    const plain = ansi ? text.replace(ANSI_SEQ, '') : text;
    if (plain.startsWith('    in ')) {
      const w = plain.indexOf(' with ', 7);
      const head = plain.slice(7, w < 0 ? plain.length : w);
      const sep = head.lastIndexOf('::'); // `target::name`; just the name with with_target(false)
      name = sep < 0 ? head : head.slice(sep + 2);
      fields = w < 0 ? undefined : plain.slice(w + 6);
    } else {
      const at = PRETTY_AT.exec(plain);
      if (!at || (at[1] === undefined && at[3] === undefined)) return false;
      if (at[1] !== undefined) into.rec.file = at[1];
      if (at[2] !== undefined) into.rec.line = Number(at[2]);
      if (at[3] !== undefined) into.rec.thread = normaliseThreadId(at[3].slice(at[3].lastIndexOf('ThreadId(') >= 0 ? at[3].lastIndexOf('ThreadId(') : 0));
      return true;
    }
  }
  if (!name) return false;
  const seg: Segment = { name, fields: '' };
  if (fields !== undefined) {
    seg.pairs = splitPrettyFields(fields, ansi, false).pairs;
    seg.fields = pairsText(seg.pairs);
  }
  into.inner.push(seg);
  return true;
}

/**
 * `message, key: value, key2: value2` into the message and (key, raw value) pairs. With ANSI each
 * key carries KEY_MARK; plain text splits at `, key: ` outside Debug-quoted strings, and a first
 * piece is a field only when it reads as one with a typed value (a message may hold `: ` too).
 */
function splitPrettyFields(body: string, marked: boolean, mayHaveMessage: boolean): { message: string | null; pairs: [string, string][] } {
  const pieces: string[] = [];
  let message: string | null = null;
  if (marked) {
    const parts = body.split(KEY_MARK);
    const head = parts[0].endsWith(', ') ? parts[0].slice(0, -2) : parts[0];
    if (mayHaveMessage) message = head === '' && parts.length > 1 ? null : head;
    for (let k = 1; k < parts.length; k++) pieces.push(k < parts.length - 1 && parts[k].endsWith(', ') ? parts[k].slice(0, -2) : parts[k]);
  } else {
    let from = 0;
    let k = 0;
    while (k < body.length) {
      const c = body.charCodeAt(k);
      if (c === 34 && body.charCodeAt(k - 1) === 32 && body.charCodeAt(k - 2) === 58) {
        const q = readDebugString(body, k);
        if (q) {
          k = q.end;
          continue;
        }
      }
      if (c === 44 && body.charCodeAt(k + 1) === 32 && PRETTY_PLAIN_KEY.test(body.slice(k + 2, k + 200))) {
        pieces.push(body.slice(from, k));
        from = k + 2;
        k += 2;
        continue;
      }
      k++;
    }
    pieces.push(body.slice(from));
    if (mayHaveMessage) {
      const first = pieces[0];
      const kv = PRETTY_PLAIN_KEY.exec(first);
      const typed = kv !== null && typeof decodeFieldValue(first.slice(kv[0].length)) !== 'string' || (kv !== null && first.charCodeAt(kv[0].length) === 34);
      if (!typed) message = pieces.shift() ?? null;
    }
  }
  const pairs: [string, string][] = [];
  for (const p of pieces) {
    const c = p.indexOf(': ');
    if (c > 0) pairs.push([p.slice(0, c), p.slice(c + 2)]);
  }
  return { message, pairs };
}
const PRETTY_PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_.]*: /;

/** Pairs back to the `k=v k2=v2` text the fmt layer prints. */
function pairsText(pairs: readonly (readonly [string, string])[]): string {
  let out = '';
  for (let k = 0; k < pairs.length; k++) out += (k ? ' ' : '') + pairs[k][0] + '=' + pairs[k][1];
  return out;
}

/** Does the line start with a fmt header (timestamp and level, plain or dimmed)? */
function isHeader(s: string): boolean {
  if (s.charCodeAt(0) === 27) {
    if (!s.startsWith('[2m', 1)) return false;
    return readRfc3339(s, 4) !== null;
  }
  const st = readRfc3339(s, 0);
  return st !== null && s.charCodeAt(st.end) === 32 && LEVELS.has(s.slice(st.end + 1, st.end + 6));
}

function clip(text: string): string {
  return text.length > 65536 ? text.slice(0, 65536) + `… (${text.length - 65536} more characters)` : text;
}

/** Rust tracing-subscriber fmt `Full` lines (ANSI or not), with FmtSpan new/close lines when enabled. */
export const rustTracingFmt: LineFormat = {
  name: 'rust-tracing-fmt',
  // Every line must reach the reader: a span field holding a newline continues on lines of any shape.
  mayMatch: () => true,
  createReader: (sink) => new FmtReader(sink),
};

// ---------------------------------------------------------------------------------------------
// The json reader

const JSON_KNOWN = new Set(['timestamp', 'level', 'fields', 'target', 'filename', 'line_number', 'span', 'spans', 'threadName', 'threadId']);

/** A value as text to compare spans by (type-tagged so that "1" and 1 differ). */
function jsonValueKey(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return '"' + v;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(v);
    default:
      return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) ?? 'undefined';
  }
}

/**
 * Could JSON.parse have rounded this value? An integer literal beyond ±(2^53−1) reads back as a
 * double of magnitude 2^53 or more, so any number that large (a huge float too, which only costs
 * a re-read) sends the record to the exact parser. Nested values are walked without recursion.
 */
function mayBeRounded(v: unknown): boolean {
  if (typeof v === 'number') return v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER;
  if (typeof v !== 'object' || v === null) return false;
  const stack: object[] = [v];
  while (stack.length) {
    const o = stack.pop() as { [k: string]: unknown };
    for (const k in o) {
      const x = o[k];
      if (typeof x === 'number') {
        if (x > Number.MAX_SAFE_INTEGER || x < -Number.MAX_SAFE_INTEGER) return true;
      } else if (typeof x === 'object' && x !== null) stack.push(x);
    }
  }
  return false;
}

/**
 * A `span`/`spans[]` object ({name, ...fields}) as a path segment; null when it is not one,
 * undefined when a value may have been rounded (`exact` false: read the record exactly instead).
 */
function jsonSegment(o: unknown, exact: boolean): Segment | null | undefined {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return null;
  const obj = o as { [k: string]: unknown };
  if (typeof obj.name !== 'string') return null;
  let fields = '';
  for (const k in obj) {
    if (k === 'name') continue;
    const v = obj[k];
    if (!exact && mayBeRounded(v)) return undefined;
    fields += (fields ? ' ' : '') + k + '=' + jsonValueKey(v);
  }
  return { name: obj.name, fields, obj };
}

function jsonFieldMap(obj: { [k: string]: unknown }): Map<string, string> {
  const map = new Map<string, string>();
  for (const k in obj) if (k !== 'name') map.set(k, jsonValueKey(obj[k]));
  return map;
}

function jsonAttribute(v: unknown): AttributeValue {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean')) return v as AttributeValue;
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

function jsonDecode(seg: Segment): { attrs: Attributes; lossy?: string[] } {
  const attrs: Attributes = {};
  let lossy: string[] | undefined;
  const obj = seg.obj!;
  for (const k in obj) {
    if (k === 'name') continue;
    const v = obj[k];
    setAttribute(attrs, k, jsonAttribute(v));
    // serde_json writes a NaN or infinite f64 as null; tracing fields are never null otherwise.
    if (v === null) (lossy ??= []).push(k);
  }
  return { attrs, lossy };
}

// A record's tail: what tracing prints after the event's fields (target, file and line, the span
// and the span stack, the thread) repeats for every event of a callsite in the same spans. Read
// once and shared, the tail leaves JSON.parse only the head (timestamp, level, fields).

/** Distinct tail lengths remembered, and tails per length (a program with more mixes re-reads). */
const MAX_TAIL_LENGTHS = 256;
const MAX_TAILS_PER_LENGTH = 8;
const TAIL_KEY_SET = new Set(['target', 'filename', 'line_number', 'span', 'spans', 'threadName', 'threadId']);

/** What a record's tail keys say: the callsite, the span and the span stack, the thread. */
interface TailView {
  readonly target: string | undefined;
  readonly thread: string | undefined;
  readonly location: SourceLocation | undefined;
  /** `span` as a segment; null when absent or not a span object. */
  readonly current: Segment | null;
  /** `spans` as segments ([] when absent). */
  readonly list: Segment[];
}

/** A tail's text, and its reading once it has been seen twice (false: it cannot be shared). */
interface TailEntry {
  readonly text: string;
  view: TailView | null | false;
}

/** Is the JSON key `key` (with its `":`) at `s[i]`? */
function jsonKeyAt(s: string, i: number, key: string): boolean {
  return textAt(s, i, key) && s.charCodeAt(i + key.length) === 34 && s.charCodeAt(i + key.length + 1) === 58;
}

/** Where the tail may start in a record (the `,` before the first tail key, at any depth), or -1. */
function tailStart(s: string): number {
  // Inside a JSON string every `"` is escaped, so a raw `,"` always starts a key or an array item.
  for (let k = s.indexOf(',"'); k >= 0; k = s.indexOf(',"', k + 2)) {
    const i = k + 2;
    let found: boolean;
    switch (s.charCodeAt(i)) {
      case 116 /* t */:
        found = jsonKeyAt(s, i, 'target') || jsonKeyAt(s, i, 'threadName') || jsonKeyAt(s, i, 'threadId');
        break;
      case 115 /* s */:
        found = jsonKeyAt(s, i, 'span') || jsonKeyAt(s, i, 'spans');
        break;
      case 102 /* f */:
        found = jsonKeyAt(s, i, 'filename');
        break;
      case 108 /* l */:
        found = jsonKeyAt(s, i, 'line_number');
        break;
      default:
        found = false;
    }
    if (found) return k;
  }
  return -1;
}

/** Does a record's head hold a tail key itself (then the tail alone does not say what the record does)? */
function holdsTailKey(o: { [k: string]: unknown }): boolean {
  return o.target !== undefined || o.filename !== undefined || o.line_number !== undefined || o.span !== undefined || o.spans !== undefined || o.threadName !== undefined || o.threadId !== undefined;
}

/** JSON.parse, or null when the text is not JSON. */
function tryJsonParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function deepFreeze(v: unknown): void {
  const stack: unknown[] = [v];
  while (stack.length) {
    const x = stack.pop();
    if (typeof x !== 'object' || x === null || Object.isFrozen(x)) continue;
    Object.freeze(x);
    for (const k in x) stack.push((x as { [k: string]: unknown })[k]);
  }
}

/**
 * The tail keys of a record read. Null when they make it no tracing record; undefined when
 * `exact` is false and a number may have been rounded by JSON.parse.
 */
function tailView(o: { [k: string]: unknown }, exact: boolean): TailView | null | undefined {
  if (!exact && mayBeRounded(o.line_number)) return undefined;
  let current: Segment | null = null;
  if (o.span !== undefined) {
    const seg = jsonSegment(o.span, exact);
    if (seg === undefined) return undefined;
    current = seg;
  }
  const list: Segment[] = [];
  if (Array.isArray(o.spans)) {
    for (const s of o.spans) {
      const seg = jsonSegment(s, exact);
      if (seg === undefined) return undefined;
      if (!seg) return null;
      list.push(seg);
    }
  }
  return {
    target: typeof o.target === 'string' ? o.target : undefined,
    thread: typeof o.threadId === 'string' ? o.threadId : typeof o.threadName === 'string' ? o.threadName : undefined,
    location:
      typeof o.filename === 'string' || typeof o.line_number === 'number'
        ? { file: typeof o.filename === 'string' ? o.filename : '', line: typeof o.line_number === 'number' ? o.line_number - 1 : 0, column: 0 }
        : undefined,
    current,
    list,
  };
}

/** Read a tail's text (`,"target":…}`) on its own, exactly, frozen to be shared; false when it cannot be. */
function readTail(text: string): TailView | false {
  const members = `{${text.slice(1)}`;
  let obj = tryJsonParse(members) as { [k: string]: unknown } | null;
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return false;
  if (mayBeRounded(obj)) {
    try {
      obj = parseJsonLoose(members) as { [k: string]: unknown };
    } catch {
      return false;
    }
  }
  // Only what a tracing tail holds: any other key (a flattened event field) belongs to the fields.
  for (const k in obj) if (!TAIL_KEY_SET.has(k)) return false;
  const view = tailView(obj, true);
  if (!view) return false;
  deepFreeze(obj);
  for (const seg of view.current ? [view.current, ...view.list] : view.list) {
    seg.map = jsonFieldMap(seg.obj!); // made now: the shared segment is frozen
    Object.freeze(seg);
  }
  Object.freeze(view.list);
  if (view.location) Object.freeze(view.location);
  return Object.freeze(view);
}

class JsonReader implements LineReader {
  private readonly tracker: SpanTracker;
  /** Tails seen, by length (looked up without hashing the text). */
  private readonly tails = new Map<number, TailEntry[]>();

  constructor(private readonly sink: Sink) {
    this.tracker = new SpanTracker(sink, 'rust-tracing-json', '8', jsonCompat, jsonDecode);
  }

  line(text: string, lineNo: number): LineVerdict {
    // Program text printed without a newline may be glued before the record.
    const at = text.charCodeAt(0) === 123 ? 0 : text.indexOf(JSON_START);
    if (at < 0) return LineVerdict.NotMine;
    const verdict = this.record(at ? text.slice(at) : text, lineNo);
    if (verdict !== LineVerdict.NotMine && at > 0) this.sink.output?.(lineNo, text.slice(0, at));
    return verdict;
  }

  private record(text: string, lineNo: number): LineVerdict {
    const trimmed = text.trimEnd();
    if (trimmed.charCodeAt(trimmed.length - 1) !== 125) return LineVerdict.NotMine;
    const at = tailStart(trimmed);
    const tail = at > 0 ? this.sharedTail(trimmed, at) : null;
    if (tail) {
      const verdict = this.readHead(trimmed, at, tail, lineNo);
      if (verdict !== undefined) return verdict;
    }
    let exact = false;
    let v: unknown;
    try {
      v = JSON.parse(trimmed);
    } catch {
      exact = true; // NaN, Infinity, or not JSON
      try {
        v = parseJsonLoose(trimmed);
      } catch {
        return LineVerdict.NotMine;
      }
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) return LineVerdict.NotMine;
    const verdict = this.read(v as { [k: string]: unknown }, null, lineNo, exact);
    if (verdict !== undefined) return verdict;
    // A number JSON.parse may have rounded: read the line exactly.
    try {
      v = parseJsonLoose(trimmed);
    } catch {
      return LineVerdict.NotMine;
    }
    return this.read(v as { [k: string]: unknown }, null, lineNo, true) ?? LineVerdict.NotMine;
  }

  /** The reading of the tail `text` ends with from `at`, when seen before and shareable. */
  private sharedTail(text: string, at: number): TailView | null {
    const length = text.length - at;
    let bucket = this.tails.get(length);
    if (bucket) {
      for (const e of bucket) {
        if (!text.endsWith(e.text)) continue;
        if (e.view === null) e.view = readTail(e.text);
        return e.view || null;
      }
      if (bucket.length >= MAX_TAILS_PER_LENGTH) bucket.shift();
    } else {
      if (this.tails.size >= MAX_TAIL_LENGTHS) this.tails.clear();
      bucket = [];
      this.tails.set(length, bucket);
    }
    // Seen once: read it when it comes again (a tail that never repeats costs no extra parse). A
    // copy, not a slice: a slice would keep the whole chunk of output it came from alive.
    bucket.push({ text: `\0${text.slice(at)}`.slice(1), view: null });
    return null;
  }

  /**
   * A record whose tail (from `at`) is shared: only its head is parsed. Undefined when the head
   * cannot be read apart (the whole line is parsed then).
   */
  private readHead(text: string, at: number, tail: TailView, lineNo: number): LineVerdict | undefined {
    // As tracing prints it, `{"timestamp":"…","level":"…","fields":{…}`: the timestamp and level are
    // read in place and JSON.parse sees only the fields, which must end where the tail starts.
    const stamp = text.startsWith(JSON_START) ? readRfc3339(text, JSON_START.length) : null;
    const time = stamp === null ? null : stamp.ns;
    if (stamp !== null && text.charCodeAt(stamp.end) === 34) {
      const fieldsAt = afterLevelAndFieldsKey(text, stamp.end + 1);
      if (fieldsAt > 0 && fieldsAt < at) {
        const fields = tryJsonParse(text.slice(fieldsAt, at));
        if (fields && typeof fields === 'object' && !Array.isArray(fields)) return this.act(time, fields as { [k: string]: unknown }, true, tail, lineNo, false);
      }
    }
    // Any other head: closed where the tail starts, it parses only when that `,` is at the top
    // level after a member; then the record is the head's members followed by the tail's.
    if (emptyBefore(text, at)) return undefined;
    const head = tryJsonParse(`${text.slice(0, at)}}`) as { [k: string]: unknown } | null;
    if (!head || typeof head !== 'object' || Array.isArray(head) || holdsTailKey(head)) return undefined;
    return this.read(head, tail, lineNo, false);
  }

  /**
   * A record's head (or whole object) to spans, its tail keys read from `tail` when shared.
   * Undefined when `exact` is false and a number it uses may have been rounded by JSON.parse:
   * nothing is done then.
   */
  private read(o: { [k: string]: unknown }, tail: TailView | null, lineNo: number, exact: boolean): LineVerdict | undefined {
    if (o.level !== undefined && !(typeof o.level === 'string' && LEVELS_JSON.has(o.level))) return LineVerdict.NotMine;
    if (o.timestamp !== undefined && typeof o.timestamp !== 'string') return LineVerdict.NotMine;
    let fields: { [k: string]: unknown };
    if (o.fields !== undefined) {
      if (!o.fields || typeof o.fields !== 'object' || Array.isArray(o.fields)) return LineVerdict.NotMine;
      fields = o.fields as { [k: string]: unknown };
    } else {
      // flatten_event(true): the event's fields sit beside timestamp/level.
      fields = {};
      for (const k in o) if (!JSON_KNOWN.has(k)) setAttribute(fields, k, o[k]);
    }
    const time = typeof o.timestamp === 'string' ? (readRfc3339(o.timestamp, 0)?.ns ?? null) : null;
    if (typeof o.timestamp === 'string' && time === null) return LineVerdict.NotMine;
    return this.act(time, fields, o.fields !== undefined, tail ?? tailView(o, exact), lineNo, exact);
  }

  /** A record read: its time, its event fields (`fieldsKey`: under a `fields` key), its tail keys. */
  private act(time: bigint | null, fields: { [k: string]: unknown }, fieldsKey: boolean, view: TailView | null | undefined, lineNo: number, exact: boolean): LineVerdict | undefined {
    if (view === undefined) return undefined;
    if (view === null) return LineVerdict.NotMine;
    const { target, thread, location, current, list } = view;
    if (target === undefined && !fieldsKey) return LineVerdict.NotMine;
    const message = typeof fields.message === 'string' ? fields.message : null;
    let count = 0;
    for (const _ in fields) count++;
    const t = this.tracker;
    if (current && message === 'close' && (count === 1 || (count === 3 && 'time.busy' in fields && 'time.idle' in fields))) {
      // `spans` is the thread's current stack, which for a span closing is its parents.
      const busy = typeof fields['time.busy'] === 'string' ? parseTiming(fields['time.busy']) : null;
      const idle = typeof fields['time.idle'] === 'string' ? parseTiming(fields['time.idle']) : null;
      t.closed(t.locate(list, current, time, thread, lineNo, Use.Close), time, target, location, busy !== null && idle !== null ? busy + idle : undefined);
      return LineVerdict.Mine;
    }
    if (current && count === 1 && (message === 'new' || message === 'enter' || message === 'exit')) {
      if (message === 'new') t.opened([...list, current], time, thread, lineNo, target, location, true);
      else t.locate(withoutLast(list, current), current, time, thread, lineNo, Use.Other);
      return LineVerdict.Mine;
    }
    const path = current ? stackWith(list, current) : list;
    const attrs: Attributes = {};
    for (const k in fields) {
      if (k === 'message') continue;
      const v = fields[k];
      if (!exact && mayBeRounded(v)) return undefined;
      setAttribute(attrs, k, jsonAttribute(v));
    }
    t.event(path, time, thread, lineNo, message ?? '', attrs);
    return LineVerdict.Mine;
  }

  end(): void {
    this.tracker.end();
  }
}

const JSON_START = '{"timestamp":"';

/** After `,"level":"<LEVEL>","fields":` at `s[i]`, or -1 when that is not there. */
function afterLevelAndFieldsKey(s: string, i: number): number {
  if (!textAt(s, i, ',"level":"')) return -1;
  i += 10;
  for (const level of LEVELS_JSON) if (textAt(s, i, level) && textAt(s, i + level.length, '","fields":')) return i + level.length + 11;
  return -1;
}

/** Is the `,` at `at` the first thing after the record's `{` (no member before it)? */
function emptyBefore(s: string, at: number): boolean {
  let k = at - 1;
  while (k > 0) {
    const c = s.charCodeAt(k);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
    k--;
  }
  return s.charCodeAt(k) === 123;
}
const LEVELS_JSON = new Set(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']);

/** `spans` without its last entry when that is `current` (an enter line: the span is already current). */
function withoutLast(list: Segment[], current: Segment): Segment[] {
  const last = list[list.length - 1];
  return last && last.name === current.name && last.fields === current.fields ? list.slice(0, -1) : list;
}

/** The path of an ordinary event: `spans` ends with the current span; without `spans`, just the span. */
function stackWith(list: Segment[], current: Segment): Segment[] {
  if (!list.length) return [current];
  const last = list[list.length - 1];
  if (last.name === current.name && last.fields === current.fields) return list;
  return [...list, current];
}

/** Rust tracing-subscriber `.json()` lines. */
export const rustTracingJson: LineFormat = {
  name: 'rust-tracing-json',
  mayMatch: (text) =>
    text.charCodeAt(0) === 123 ? text.startsWith(JSON_START) || text.startsWith('{"level":"') || text.startsWith('{"fields":{') : text.indexOf(JSON_START) > 0,
  createReader: (sink) => new JsonReader(sink),
};
