/**
 * Values as tracing-subscriber prints them (timings, field values, fields split from their text):
 * shared by the fmt and json readers.
 */
import type { AttributeValue, Attributes } from '../../model';
import { setAttribute } from '../kernel/attributes';
import { readRfc3339 as readRfc3339Any, type Rfc3339Stamp } from '../kernel/time';
import { readDebugString } from '../kernel/debugString';

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
export function fieldsToAttributes(pairs: readonly (readonly [string, string])[], skipMessage: boolean): Attributes {
  const attrs: Attributes = {};
  for (const [k, v] of pairs) {
    if (skipMessage && k === 'message') continue;
    setAttribute(attrs, k, k.endsWith('.sources') ? decodeSources(v) : decodeFieldValue(v));
  }
  return attrs;
}

// ---------------------------------------------------------------------------------------------
// Splitting the plain (no ANSI) text of fields

export function isKeyStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46;
}

/** If a `key=` starts at `s[i]`, the index of its `=`; else -1. */
export function keyAt(s: string, i: number): number {
  if (!isKeyStart(s.charCodeAt(i))) return -1;
  let k = i + 1;
  while (k < s.length && isKeyChar(s.charCodeAt(k))) k++;
  return s.charCodeAt(k) === 61 /* = */ ? k : -1;
}

/** The next ` key=` at or after `from` (index of the space), or -1. */
export function nextField(s: string, from: number): number {
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
export function splitPairs(s: string, from: number, out: [string, string][]): void {
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
