/**
 * The lenient JSON reader every parser uses for what real exporters print: Python's json.dumps
 * writes bare NaN/Infinity and exact 64-bit integers, which JSON.parse rejects or rounds.
 * `parseJson` keeps JSON.parse's speed on ordinary input and falls back to a small exact parser
 * only when it has to.
 */
import { setAttribute } from './attributes';

/** Thrown by parseJsonLoose; carries the character offset where reading stopped. */
export class JsonSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

const LONG_INTEGER = /(^|[^\d.eE"\\])-?\d{16,}(?![\d.eE])/;

/**
 * Parse JSON text. Uses JSON.parse unless the text holds NaN/Infinity or integers too long for a
 * double, in which case the exact parser runs (bigint for unsafe integers). Throws JsonSyntaxError.
 */
export function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return parseJsonLoose(text);
  }
  // Long digit runs may be big integers JSON.parse rounded; re-read exactly only then.
  if (text.length > 15 && LONG_INTEGER.test(text)) return parseJsonLoose(text);
  return value;
}

/**
 * Read the JSON text of a printed record: JSON.parse first (fast), then the exact parser for what
 * exporters print beyond JSON (NaN, Infinity). `{ error }` when it is not JSON at all, so the
 * caller can tell a damaged record from program text.
 */
export function readJsonRecord(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) };
  } catch {
    try {
      return { value: parseJsonLoose(text) };
    } catch (err) {
      return { error: (err as Error).message };
    }
  }
}

/**
 * An exact JSON parser that also accepts NaN, Infinity and -Infinity, and returns integers
 * outside ±(2^53−1) as bigint. Linear time; iterative for arrays/objects nesting is bounded by
 * the recursion depth limit (deeper input is rejected, not crashed on).
 */
export function parseJsonLoose(text: string): unknown {
  let i = 0;
  const n = text.length;
  const MAX_DEPTH = 512;

  function fail(msg: string): never {
    throw new JsonSyntaxError(`${msg} at offset ${i}`, i);
  }
  function ws(): void {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  }
  function value(depth: number): unknown {
    if (depth > MAX_DEPTH) fail('nesting too deep');
    ws();
    if (i >= n) fail('unexpected end');
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const key = str();
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        // As JSON.parse does: "__proto__" is an ordinary key, not the object's prototype.
        setAttribute(obj, key, value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    if (text.startsWith('NaN', i)) {
      i += 3;
      return NaN;
    }
    if (text.startsWith('Infinity', i)) {
      i += 8;
      return Infinity;
    }
    if (text.startsWith('-Infinity', i)) {
      i += 9;
      return -Infinity;
    }
    return num();
  }
  function num(): number | bigint {
    const start = i;
    if (text[i] === '-') i++;
    const digitsStart = i;
    while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    if (i === digitsStart) fail('unexpected character');
    let isInt = true;
    if (text[i] === '.') {
      isInt = false;
      i++;
      while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      isInt = false;
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    }
    const raw = text.slice(start, i);
    if (isInt && raw.length > 15) {
      const big = BigInt(raw);
      if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < -BigInt(Number.MAX_SAFE_INTEGER)) return big;
    }
    return Number(raw);
  }
  function str(): string {
    // Fast path: no escapes.
    const start = ++i;
    for (;;) {
      const end = text.indexOf('"', i);
      if (end < 0) fail('unterminated string');
      let bs = 0;
      for (let k = end - 1; k >= start && text.charCodeAt(k) === 92; k--) bs++;
      if (bs % 2 === 0) {
        const raw = text.slice(start - 1, end + 1);
        i = end + 1;
        if (raw.indexOf('\\') < 0) return raw.slice(1, -1);
        try {
          return JSON.parse(raw) as string;
        } catch {
          i = start;
          fail('bad string escape');
        }
      }
      i = end + 1;
    }
  }

  const v = value(0);
  ws();
  if (i < n) fail('trailing characters');
  return v;
}

/**
 * A regular expression (source) for a JSON string with its body captured: escapes as JSON has
 * them, no control characters. What it matches, JSON.parse reads as a string.
 */
export const JSON_STRING_BODY = '"((?:[^"\\\\\\x00-\\x1f]|\\\\(?:["\\\\/bfnrt]|u[0-9a-fA-F]{4}))*)"';
/** The same, not captured. */
export const ANY_JSON_STRING = '"(?:[^"\\\\\\x00-\\x1f]|\\\\(?:["\\\\/bfnrt]|u[0-9a-fA-F]{4}))*"';

/** The value of a JSON string whose body JSON_STRING_BODY captured. */
export function jsonStringBody(raw: string): string {
  return raw.indexOf('\\') < 0 ? raw : (JSON.parse('"' + raw + '"') as string);
}

/** Is `c` (a char code) JSON whitespace? */
export function isJsonSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
