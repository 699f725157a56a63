/**
 * The util.inspect reader: one pass of recursive descent over the printed text (bare and quoted
 * keys, JS string escapes, ANSI colours, sparse arrays, cut values), straight into TopFields.
 */
import { setAttribute } from '../kernel/attributes';
import { fastEnd, isDigit, microsToNanosFast } from './micros';
import { CutArray, CutString, Elided, type InspectObject, type MemoKey, TopFields, resourceMemo, scopeMemo, statusMemo } from './values';

/**
 * The exporter's top-level keys by length and first letter (no two share both), so the hot loop
 * finds the one candidate and compares it in place, without slicing.
 */
const TOP_KEYS = new Map<number, string>();
for (const key of [
  'id', 'name', 'kind', 'links', 'status', 'events', 'traceId', 'resource', 'parentId', 'duration', 'timestamp',
  'traceState', 'attributes', 'parentSpanId', 'parentSpanContext', 'instrumentationScope', 'instrumentationLibrary',
]) {
  TOP_KEYS.set(key.length * 128 + key.charCodeAt(0), key);
}

/** `word` at `p` in `s`: a plain loop, cheaper than a startsWith call for these short words. */
function matchAt(s: string, p: number, word: string): boolean {
  if (p + word.length > s.length) return false;
  for (let k = 0; k < word.length; k++) if (s.charCodeAt(p + k) !== word.charCodeAt(k)) return false;
  return true;
}

export class InspectSyntaxError extends Error {}

/** `<N empty items>` in a sparse array: more holes than this are not materialised (input stays linear). */
const MAX_EMPTY_ITEMS = 10000;

export function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 95 || c === 36;
}

function isQuote(c: number): boolean {
  return c === 39 || c === 34 || c === 96;
}

/** Index just past an ANSI CSI sequence whose parameters start at `p` (after `ESC [`). */
function skipAnsi(s: string, p: number, end: number): number {
  while (p < end) {
    const c = s.charCodeAt(p++);
    if (c >= 0x40 && c <= 0x7e) break;
  }
  return p;
}

function hexValue(s: string, from: number, to: number): number {
  if (to > s.length || to <= from) return NaN;
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    const d = isDigit(c) ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) return NaN;
    v = v * 16 + d;
  }
  return v;
}

/**
 * A cursor over the block's text (lines joined by `\n`) reading util.inspect syntax. Whitespace,
 * line breaks and ANSI colour sequences between tokens are insignificant; tokens never span lines.
 */
export class InspectReader {
  private p: number;

  /** Reads `s` from `start` to `end`: the block may sit inside the larger text it arrived in. */
  constructor(
    private readonly s: string,
    private readonly start = 0,
    private readonly end = s.length,
  ) {
    this.p = start;
  }

  /** 0-based index of the line the cursor is on, for error messages. */
  get line(): number {
    let n = 0;
    for (let k = this.s.indexOf('\n', this.start); k >= 0 && k < this.p; k = this.s.indexOf('\n', k + 1)) n++;
    return n;
  }

  /** Skip blanks, line ends and colour codes; the next character code, or -1 at the end. */
  private peek(): number {
    const s = this.s;
    let p = this.p;
    while (p < this.end) {
      const c = s.charCodeAt(p);
      if (c === 32 || c === 10 || c === 9 || c === 13) p++;
      else if (c === 27 && s.charCodeAt(p + 1) === 91) p = skipAnsi(s, p + 2, this.end);
      else {
        this.p = p;
        return c;
      }
    }
    this.p = p;
    return -1;
  }

  /** Like peek, but does not move to the next line: -1 at the end of this one. */
  private peekSameLine(): number {
    const s = this.s;
    let p = this.p;
    while (p < this.end) {
      const c = s.charCodeAt(p);
      if (c === 32 || c === 9) p++;
      else if (c === 27 && s.charCodeAt(p + 1) === 91) p = skipAnsi(s, p + 2, this.end);
      else {
        this.p = p;
        return c === 10 || c === 13 ? -1 : c;
      }
    }
    this.p = p;
    return -1;
  }

  /** Index of `what` at or after `from` on the cursor's line, or -1. */
  private indexInLine(what: string, from: number): number {
    const k = this.s.indexOf(what, from);
    if (k < 0) return -1;
    const nl = this.s.indexOf('\n', from);
    return nl >= 0 && nl < k ? -1 : k;
  }

  private fail(what: string): never {
    const nl = this.s.indexOf('\n', this.p);
    const near = this.s.slice(this.p, Math.min(this.p + 20, nl < 0 ? this.end : nl));
    throw new InspectSyntaxError(near ? `${what} before "${near}"` : `${what} at the end of a line`);
  }

  private expect(c: number, what: string): void {
    if (this.peek() !== c) this.fail(`expected ${what}`);
    this.p++;
  }

  /** True when nothing but blanks and colour codes is left in the block. */
  atEnd(): boolean {
    return this.peek() === -1;
  }

  /** The whole block: the exporter's object, its µs numbers kept as text. Unknown keys are skipped. */
  readTop(): TopFields {
    if (this.peek() !== 123) this.fail('expected {');
    this.p++;
    const top = new TopFields();
    if (this.peek() === 125) {
      this.p++;
      return top;
    }
    for (;;) {
      const key = this.readTopKey();
      this.expect(58, ':');
      switch (key) {
        case 'timestamp':
        case 'duration': {
          const c = this.peek();
          // Number text, not a float: 1795592759793000.5 µs has more digits than a double keeps.
          let value: unknown;
          if (isDigit(c) || c === 45) {
            const ns = microsToNanosFast(this.s, this.p);
            if (ns !== null) {
              this.p = fastEnd;
              value = ns;
            } else value = this.readNumberText();
          } else if (typeof (value = this.readValue()) !== 'number') value = undefined;
          if (key === 'timestamp') top.timestamp = value;
          else top.duration = value;
          top.hasTimes++;
          break;
        }
        case 'traceId': top.traceId = this.readValue(); break;
        case 'id': top.id = this.readValue(); break;
        case 'name': top.name = this.readValue(); top.hasName = true; break;
        case 'parentSpanContext': top.parent = this.readValue(); top.parentField = 'context'; break;
        case 'parentId':
        case 'parentSpanId': top.parent = this.readValue(); top.parentField = 'id'; break;
        case 'kind': top.kind = this.readValue(); top.hasKind = true; break;
        case 'traceState': top.traceState = this.readValue(); break;
        case 'attributes': top.attributes = this.readValue(); break;
        case 'status':
          top.hasStatus = true;
          if (this.skipMemoised(statusMemo.key)) top.statusHit = statusMemo.value;
          else [top.status, top.statusKey] = this.readNoted();
          break;
        case 'events': top.events = this.readValue(); top.hasEvents = true; break;
        case 'links': top.links = this.readValue(); top.hasLinks = true; break;
        case 'resource':
          top.hasResource = true;
          if (this.skipMemoised(resourceMemo.key)) top.resourceHit = resourceMemo.value;
          else [top.resource, top.resourceKey] = this.readNoted();
          break;
        case 'instrumentationScope':
        case 'instrumentationLibrary':
          top.hasScope = true;
          if (this.skipMemoised(scopeMemo.key)) top.scopeHit = scopeMemo.value;
          else [top.scope, top.scopeKey] = this.readNoted();
          break;
        default: this.readValue();
      }
      const d = this.peek();
      if (d === 44) this.p++;
      else if (d === 125) {
        this.p++;
        return top;
      } else this.fail('expected , or }');
    }
  }

  /** A top-level key: one of TOP_KEYS as the constant string, else the key as read. */
  private readTopKey(): string {
    const c = this.peek();
    const s = this.s;
    const start = this.p;
    let i = start;
    while (i < this.end && isWordChar(s.charCodeAt(i))) i++;
    if (i === start || c < 0 || s.charCodeAt(i) !== 58) return this.readKey();
    const candidate = TOP_KEYS.get((i - start) * 128 + c);
    if (candidate !== undefined && matchAt(s, start, candidate)) {
      this.p = i;
      return candidate;
    }
    return this.readKey();
  }

  /** When the coming value is exactly the text `key` was read from, skip past it and say so. */
  private skipMemoised(key: MemoKey | null): boolean {
    if (!key || this.peek() < 0 || this.p + key.text.length > this.end || !this.s.startsWith(key.text, this.p)) return false;
    this.p += key.text.length;
    return true;
  }

  /** A value and, for an object, the exact text it was read from. */
  private readNoted(): [unknown, MemoKey | null] {
    this.peek();
    const start = this.p;
    const value = this.readValue();
    return [value, this.s.charCodeAt(start) === 123 && this.s.charCodeAt(this.p - 1) === 125 ? { text: this.s.slice(start, this.p) } : null];
  }

  readValue(): unknown {
    const c = this.peek();
    if (isQuote(c)) return this.readString();
    if (c === 123) return this.readObject();
    if (c === 91) return this.readBracket();
    if (isDigit(c) || c === 45) return this.readNumber();
    if (c === 60) return this.readAngle();
    if (c >= 0 && isWordChar(c)) return this.readWord();
    return this.fail('expected a value');
  }

  /** A string literal, its `+` continuations, and a `... N more characters` trailer. */
  private readString(): string | CutString {
    const first = this.readQuoted();
    let parts: string[] | null = null;
    for (;;) {
      const c = this.peek();
      if (c === 43 /* + */) {
        this.p++;
        if (!isQuote(this.peek())) this.fail('expected a string after +');
        (parts ??= [first]).push(this.readQuoted());
        continue;
      }
      const text = parts ? parts.join('') : first;
      if (c === 46 /* . */ && this.s.startsWith('... ', this.p)) return new CutString(text, this.readMore());
      return text;
    }
  }

  /** One quoted literal starting at the cursor. */
  private readQuoted(): string {
    const s = this.s;
    const q = s.charCodeAt(this.p);
    const start = this.p + 1;
    for (let i = start; i < this.end; i++) {
      const c = s.charCodeAt(i);
      if (c === q) {
        this.p = i + 1;
        return s.slice(start, i);
      }
      if (c === 92) return this.readEscaped(q, start, i);
      if (c === 10) break;
    }
    return this.fail('unterminated string');
  }

  /** The slow path of readQuoted: a literal with backslash escapes, the first at `bs`. */
  private readEscaped(q: number, start: number, bs: number): string {
    const s = this.s;
    const parts: string[] = [];
    let from = start;
    for (let i = bs; i < this.end; i++) {
      const c = s.charCodeAt(i);
      if (c === q) {
        parts.push(s.slice(from, i));
        this.p = i + 1;
        return parts.join('');
      }
      if (c === 10) break;
      if (c !== 92) continue;
      parts.push(s.slice(from, i));
      const e = s.charCodeAt(i + 1);
      let len = 2;
      let decoded: string;
      switch (e) {
        case 110: decoded = '\n'; break;
        case 116: decoded = '\t'; break;
        case 114: decoded = '\r'; break;
        case 98: decoded = '\b'; break;
        case 102: decoded = '\f'; break;
        case 118: decoded = '\v'; break;
        case 48: decoded = '\0'; break;
        case 120: {
          const v = hexValue(s, i + 2, i + 4);
          if (Number.isNaN(v)) this.fail('bad \\x escape');
          decoded = String.fromCharCode(v);
          len = 4;
          break;
        }
        case 117: {
          if (s.charCodeAt(i + 2) === 123) {
            const close = this.indexInLine('}', i + 3);
            const v = close < 0 ? NaN : hexValue(s, i + 3, close);
            if (Number.isNaN(v) || v > 0x10ffff) this.fail('bad \\u{} escape');
            decoded = String.fromCodePoint(v);
            len = close + 1 - i;
          } else {
            const v = hexValue(s, i + 2, i + 6);
            if (Number.isNaN(v)) this.fail('bad \\u escape');
            decoded = String.fromCharCode(v);
            len = 6;
          }
          break;
        }
        default:
          if (Number.isNaN(e) || e === 10) this.fail('unterminated string');
          decoded = s[i + 1];
      }
      parts.push(decoded);
      i += len - 1;
      from = i + 1;
    }
    return this.fail('unterminated string');
  }

  /** `... N more items` / `... N more characters`: returns N. */
  private readMore(): number {
    const s = this.s;
    let i = this.p + 4;
    const from = i;
    while (i < this.end && isDigit(s.charCodeAt(i))) i++;
    if (i === from || !s.startsWith(' more ', i)) this.fail('expected "... N more"');
    const n = Number(s.slice(from, i));
    i += 6;
    while (i < this.end && isWordChar(s.charCodeAt(i))) i++;
    this.p = i;
    return n;
  }

  private readNumber(): unknown {
    // Fast path: a plain integer of up to 15 digits (kinds, codes, counts, hrtime pairs) without slicing.
    const s = this.s;
    let i = this.p;
    const neg = s.charCodeAt(i) === 45;
    if (neg) i++;
    const from = i;
    let whole = 0;
    for (; i < this.end; i++) {
      const c = s.charCodeAt(i);
      if (!isDigit(c)) break;
      whole = whole * 10 + (c - 48);
    }
    if (i > from && i - from <= 15) {
      const c = i < this.end ? s.charCodeAt(i) : 0;
      if (c !== 46 && c !== 101 && c !== 69 && c !== 95 && c !== 110) {
        this.p = i;
        return neg ? -whole : whole;
      }
    }
    const text = this.readNumberText();
    if (text === '-Infinity') return -Infinity;
    if (this.s.charCodeAt(this.p) === 110 /* n: bigint */) {
      this.p++;
      return BigInt(text);
    }
    const n = Number(text);
    if (Number.isNaN(n)) this.fail('expected a number');
    // Beyond 2^53 keep what was printed, exactly (2**63-1 prints as 9223372036854776000).
    if (!Number.isSafeInteger(n) && Number.isInteger(n) && isPlainInteger(text)) return BigInt(text);
    return n;
  }

  private readNumberText(): string {
    const s = this.s;
    const start = this.p;
    if (s.charCodeAt(start) === 45 && s.startsWith('-Infinity', start)) {
      this.p = start + 9;
      return '-Infinity';
    }
    let i = start;
    let separators = false;
    if (s.charCodeAt(i) === 45) i++;
    for (; i < this.end; i++) {
      const c = s.charCodeAt(i);
      if (isDigit(c) || c === 46 || c === 101 || c === 69) continue;
      if ((c === 43 || c === 45) && (s.charCodeAt(i - 1) === 101 || s.charCodeAt(i - 1) === 69)) continue;
      // `numericSeparator: true` in util.inspect.defaultOptions prints 1_795_593_000_505_000.
      if (c === 95 && isDigit(s.charCodeAt(i - 1)) && isDigit(s.charCodeAt(i + 1))) {
        separators = true;
        continue;
      }
      break;
    }
    if (i === start || (i === start + 1 && s.charCodeAt(start) === 45)) this.fail('expected a number');
    this.p = i;
    const text = s.slice(start, i);
    return separators ? text.replace(/_/g, '') : text;
  }

  /** `<ref *1> value`. */
  private readAngle(): unknown {
    const close = this.indexInLine('>', this.p);
    if (close < 0 || !this.s.startsWith('<ref *', this.p)) this.fail('unexpected <');
    this.p = close + 1;
    return this.readValue();
  }

  /** A bare word: a literal, `Symbol(x)`, or a class-name prefix (`TraceStateImpl {`, `Map(2) {`). */
  private readWord(): unknown {
    const s = this.s;
    const start = this.p;
    let i = start;
    while (i < this.end && isWordChar(s.charCodeAt(i))) i++;
    this.p = i;
    const literal = wordLiteral(s, start, i - start);
    if (literal !== NOT_A_LITERAL) return literal;
    const word = s.slice(start, i);
    if (s.charCodeAt(i) === 40 /* ( */) {
      const close = this.indexInLine(')', i);
      if (close < 0) this.fail('unterminated (');
      this.p = close + 1;
      if (word === 'Symbol') return new Elided(s.slice(start, close + 1));
    }
    let c = this.peekSameLine();
    const tagEnd = c === 91 /* [Symbol.toStringTag] */ ? this.indexInLine(']', this.p) : -1;
    if (tagEnd > 0) {
      this.p = tagEnd + 1;
      c = this.peekSameLine();
    }
    if (c === 123) {
      if (word === 'Map') return this.readMap();
      if (word === 'Set') return this.readList(125);
      return this.readObject();
    }
    if (c === 91) return this.readList(93);
    return this.fail(`unexpected word "${word}"`);
  }

  /** `[` starts an array, or a tag: `[Array]`, `[Object: null prototype] {`, `[Function: f]`. */
  private readBracket(): unknown {
    const s = this.s;
    const next = s.charCodeAt(this.p + 1);
    if (!((next >= 65 && next <= 90) || (next >= 97 && next <= 122))) return this.readList(93);
    const close = this.indexInLine(']', this.p);
    if (close < 0) this.fail('unterminated [');
    const tag = s.slice(this.p + 1, close);
    this.p = close + 1;
    const c = this.peekSameLine();
    if (c === 123) return this.readObject();
    if (c === 91 && tag.endsWith('null prototype')) return this.readList(93);
    return new Elided(tag);
  }

  /** Array items (`]`) or Set items (`}`), with `... N more items` and `<N empty items>`. */
  private readList(close: number): unknown[] | CutArray {
    this.p++;
    const items: unknown[] = [];
    let more = 0;
    if (this.peek() === close) {
      this.p++;
      return items;
    }
    for (;;) {
      const c = this.peek();
      if (c === 46 && this.s.startsWith('... ', this.p)) more = this.readMore();
      else if (c === 60 && isDigit(this.s.charCodeAt(this.p + 1))) this.readHoles(items);
      else {
        const v = this.readValue();
        // `[ 1, 2, extra: 'x' ]`: a non-index property of the array; not an item.
        if (this.peek() === 58) {
          this.p++;
          this.readValue();
        } else items.push(v);
      }
      const d = this.peek();
      if (d === 44) this.p++;
      else if (d === close) {
        this.p++;
        return more ? new CutArray(items, more) : items;
      } else this.fail(close === 93 ? 'expected , or ]' : 'expected , or }');
    }
  }

  /** `<3 empty items>`: sparse array holes, read as undefined. */
  private readHoles(items: unknown[]): void {
    const s = this.s;
    const end = this.indexInLine('>', this.p);
    if (end < 0) this.fail('unterminated <');
    const n = parseInt(s.slice(this.p + 1, end), 10);
    for (let k = 0; k < Math.min(n, MAX_EMPTY_ITEMS); k++) items.push(undefined);
    this.p = end + 1;
  }

  private readKey(): string {
    const c = this.peek();
    const s = this.s;
    if (isQuote(c)) {
      const start = this.p + 1;
      for (let i = start; i < this.end; i++) {
        const d = s.charCodeAt(i);
        if (d === c) {
          this.p = i + 1;
          return cachedKey(s, start, i);
        }
        if (d === 92 || d === 10) break;
      }
      return this.readQuoted();
    }
    if (c === 91) {
      // `['__proto__']: v` is an own property named __proto__; `[Symbol(x)]: v` a symbol key.
      if (isQuote(s.charCodeAt(this.p + 1))) {
        this.p++;
        const key = this.readQuoted();
        if (s.charCodeAt(this.p) !== 93) this.fail('expected ]');
        this.p++;
        return key;
      }
      const close = this.indexInLine(']:', this.p);
      if (close < 0) this.fail('unterminated [key]');
      const key = s.slice(this.p, close + 1);
      this.p = close + 1;
      return key;
    }
    const start = this.p;
    let i = start;
    while (i < this.end && isWordChar(s.charCodeAt(i))) i++;
    if (i === start) this.fail('expected a key');
    this.p = i;
    return cachedKey(s, start, i);
  }

  private readObject(): InspectObject {
    this.p++;
    const obj: InspectObject = {};
    if (this.peek() === 125) {
      this.p++;
      return obj;
    }
    for (;;) {
      const key = this.readKey();
      this.expect(58, ':');
      setAttribute(obj, key, this.readValue());
      const d = this.peek();
      if (d === 44) this.p++;
      else if (d === 125) {
        this.p++;
        return obj;
      } else this.fail('expected , or }');
    }
  }

  /** `Map(n) { key => value, ... }`; keys become strings. */
  private readMap(): InspectObject | CutArray {
    this.p++;
    const map: InspectObject = {};
    let more = 0;
    if (this.peek() === 125) {
      this.p++;
      return map;
    }
    for (;;) {
      if (this.peek() === 46 && this.s.startsWith('... ', this.p)) more = this.readMore();
      else {
        const key = this.readValue();
        if (this.peek() !== 61 || this.s.charCodeAt(this.p + 1) !== 62) this.fail('expected =>');
        this.p += 2;
        setAttribute(map, key instanceof CutString ? key.text : String(key), this.readValue());
      }
      const d = this.peek();
      if (d === 44) this.p++;
      else if (d === 125) {
        this.p++;
        return more ? new CutArray(Object.entries(map), more) : map;
      } else this.fail('expected , or }');
    }
  }
}

/** Keys read recently, by a hash of their length and end characters: the same keys come span after span. */
const KEY_CACHE: string[] = new Array<string>(512).fill('');

/**
 * Longer keys are not cached: V8 makes a slice of 13+ characters point into the text it was cut
 * from, and a module-level cache must not keep old output alive.
 */
const MAX_CACHED_KEY = 12;

/** `s.slice(start, end)`, reusing an equal short key read before instead of making a new string. */
function cachedKey(s: string, start: number, end: number): string {
  const len = end - start;
  if (len === 0) return '';
  if (len > MAX_CACHED_KEY) return s.slice(start, end);
  const h = (len * 31 + s.charCodeAt(start) * 7 + s.charCodeAt(end - 1) * 3 + s.charCodeAt(start + (len >> 1))) & 511;
  const cached = KEY_CACHE[h];
  if (cached.length === len && s.startsWith(cached, start)) return cached;
  const key = s.slice(start, end);
  KEY_CACHE[h] = key;
  return key;
}

const NOT_A_LITERAL = Symbol('not a literal');

/** `undefined`, `null`, `true`, `false`, `NaN`, `Infinity` read where they stand (no slice). */
function wordLiteral(s: string, start: number, len: number): unknown {
  switch (s.charCodeAt(start)) {
    case 117: return len === 9 && matchAt(s, start, 'undefined') ? undefined : NOT_A_LITERAL;
    case 110: return len === 4 && matchAt(s, start, 'null') ? null : NOT_A_LITERAL;
    case 116: return len === 4 && matchAt(s, start, 'true') ? true : NOT_A_LITERAL;
    case 102: return len === 5 && matchAt(s, start, 'false') ? false : NOT_A_LITERAL;
    case 78: return len === 3 && matchAt(s, start, 'NaN') ? NaN : NOT_A_LITERAL;
    case 73: return len === 8 && matchAt(s, start, 'Infinity') ? Infinity : NOT_A_LITERAL;
    default: return NOT_A_LITERAL;
  }
}

function isPlainInteger(text: string): boolean {
  for (let i = text.charCodeAt(0) === 45 ? 1 : 0; i < text.length; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}
