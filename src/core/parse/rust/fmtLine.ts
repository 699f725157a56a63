/**
 * One line of the fmt formatter (Full, compact; plain or ANSI) read into its parts: time, level,
 * span path, target, location, message and fields.
 */
import { readDebugString } from '../kernel/debugString';
import { isKeyStart, keyAt, nextField, parseTiming, readRfc3339, splitPairs } from './values';

/** A span in a line's path: its name and its fields exactly as printed (ANSI removed). */
export interface Segment {
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

export const enum Kind {
  Event,
  New,
  Close,
  Enter,
  Exit,
}

export interface FmtLine {
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

export const LEVELS = new Map([
  ['TRACE', 'TRACE'],
  ['DEBUG', 'DEBUG'],
  [' INFO', 'INFO'],
  [' WARN', 'WARN'],
  ['ERROR', 'ERROR'],
]);
const ANSI_LEVEL_CODES = new Set(['35', '34', '32', '33', '31']);
export const ESC = '\x1b';
export const ANSI_SEQ = /\x1b\[[0-9;]*m/g;
/** Where compact starts a span's fields after the event's: a space, dimmed, then an italic field name. */
const COMPACT_GROUP = ' \x1b[2m\x1b[3m';

/** A line from the formatter, or one whose span fields run on into the next line (a Display value with a newline). */
export type LineParse = FmtLine | 'incomplete' | null;

export function normaliseThreadId(text: string): string {
  // `{:0>2?}` pads the number inside: ThreadId(01) is ThreadId(1).
  const m = /^ThreadId\(0*(\d+)\)$/.exec(text);
  return m ? `ThreadId(${m[1] === '' ? '0' : m[1]})` : text;
}

/** Where a header (timestamp + level) starts in `s`, when program text is glued before it; -1 if none. */
export function findGluedHeader(s: string): number {
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
export function textAt(s: string, i: number, word: string): boolean {
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
export function classify(rec: FmtLine, hasTime: boolean): void {
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
export interface Hints {
  isOpenSpanName(name: string): boolean;
  isKnownTarget(target: string): boolean;
}

/**
 * Parse a line without ANSI codes. The span path is read greedily (`name{fields}:` repeated, then a
 * space), then the target (`target: `). When a line has a single bare `word: ` where either a span
 * or the target could stand, the reader's knowledge decides.
 */
export function parsePlain(s: string, hints: Hints): LineParse {
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
export function parseAnsi(s: string): LineParse {
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
