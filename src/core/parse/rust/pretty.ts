/**
 * The pretty formatter: one record over several lines (a header, `at file:line on thread`, `in
 * span with fields`).
 */
import { readDebugString } from '../kernel/debugString';
import { ANSI_SEQ, ESC, type FmtLine, Kind, LEVELS, type Segment, normaliseThreadId } from './fmtLine';
import { decodeFieldValue, readRfc3339 } from './values';

// A record as printed:
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
export interface PrettyRecord {
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
export function parsePrettyHeader(text: string): FmtLine | null {
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
export function readPrettyDetail(text: string, into: PrettyRecord): boolean {
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
export function pairsText(pairs: readonly (readonly [string, string])[]): string {
  let out = '';
  for (let k = 0; k < pairs.length; k++) out += (k ? ' ' : '') + pairs[k][0] + '=' + pairs[k][1];
  return out;
}

/** Does the line start with a fmt header (timestamp and level, plain or dimmed)? */
export function isHeader(s: string): boolean {
  if (s.charCodeAt(0) === 27) {
    if (!s.startsWith('[2m', 1)) return false;
    return readRfc3339(s, 4) !== null;
  }
  const st = readRfc3339(s, 0);
  return st !== null && s.charCodeAt(st.end) === 32 && LEVELS.has(s.slice(st.end + 1, st.end + 6));
}

export function clip(text: string): string {
  return text.length > 65536 ? text.slice(0, 65536) + `… (${text.length - 65536} more characters)` : text;
}
