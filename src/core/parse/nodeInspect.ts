/**
 * Node ConsoleSpanExporter output. Each span is `console.dir(info, { depth: 3 })` (SDK 1.0–1.2:
 * `console.log(info)`), i.e. Node's util.inspect of an object literal — not JSON: bare or
 * single-quoted keys, strings in ' " or ` quotes with JS escapes, `undefined`/`NaN`/`-0` as bare
 * words, `[Array]`/`[Object]`/`[TraceStateImpl]` past the depth limit, `... N more items` after 100
 * array items, `'...'... N more characters` after 10,000 string characters, long multi-line strings
 * split into `'a\n' +` pieces, and ANSI colours when stdout is a terminal.
 *
 * The block is read in one pass over its text by a small recursive-descent reader of the
 * util.inspect grammar, then mapped onto a Span. Values util.inspect cut or elided are kept as
 * far as they were printed and listed in `span.lossy`; fields an SDK version does not print at
 * all are listed in `span.unknown`.
 */
import type { AttributeScalar, AttributeValue, Attributes, InstrumentationScope, LossyField, Span, SpanEvent, SpanLink, SpanStatus, StatusCode, UnknownField } from '../model';
import { SPAN_KINDS } from '../model';
import { setAttribute } from './kernel/attributes';
import { hexId } from './kernel/ids';
import type { Block, BlockFormat, BlockResult } from './types';

/** Base of the reader's own value kinds, so that anything else of type object is an array or an object literal. */
class Special {}

/** A string util.inspect cut at `maxStringLength`: the printed start and how many characters are missing. */
class CutString extends Special {
  constructor(
    readonly text: string,
    readonly more: number,
  ) {
    super();
  }
}

/** An array (or Map/Set) util.inspect cut at `maxArrayLength`: the printed items and how many are missing. */
class CutArray extends Special {
  constructor(
    readonly items: unknown[],
    readonly more: number,
  ) {
    super();
  }
}

/** A value util.inspect did not print: `[Array]`, `[Object]`, `[TraceStateImpl]`, `[Circular *1]`, `[Function: f]`. */
class Elided extends Special {
  constructor(readonly tag: string) {
    super();
  }
}

/**
 * An object literal (`{ a: 1 }`, `Foo { ... }`, `Map(1) { 'k' => 'v' }`) as a plain object: objects
 * of one shape repeat span after span and V8 makes those cheap, and attribute maps made only of
 * plain values are handed on as they are. `__proto__` is defined, never assigned.
 */
type InspectObject = Record<string, unknown>;

function isObject(v: unknown): v is InspectObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Special);
}

/** The exporter's top-level fields, read straight into a fixed shape. */
class TopFields {
  traceId: unknown = undefined;
  id: unknown = undefined;
  name: unknown = undefined;
  hasName = false;
  /** Start and duration: ns already (bigint), the printed µs text (exact), a number word (NaN), or undefined. */
  timestamp: unknown = undefined;
  duration: unknown = undefined;
  hasTimes = 0;
  parent: unknown = undefined;
  /** Which parent field was printed: SDK 2.x `parentSpanContext`, 1.x `parentId`, or none. */
  parentField: 'context' | 'id' | null = null;
  kind: unknown = undefined;
  hasKind = false;
  traceState: unknown = undefined;
  attributes: unknown = undefined;
  status: unknown = undefined;
  hasStatus = false;
  events: unknown = undefined;
  hasEvents = false;
  links: unknown = undefined;
  hasLinks = false;
  resource: unknown = undefined;
  hasResource = false;
  scope: unknown = undefined;
  hasScope = false;
  /** Where resource / scope were read from, to memoise them; or their memoised values. */
  resourceKey: MemoKey | null = null;
  resourceHit: Attributes | null = null;
  scopeKey: MemoKey | null = null;
  scopeHit: InstrumentationScope | null = null;
  statusKey: MemoKey | null = null;
  statusHit: SpanStatus | null = null;
}

/** The exact text an object value was read from, `{` to `}`. */
interface MemoKey {
  text: string;
}

/**
 * The last resource / scope / status read, by the exact text they were printed as. Every span of
 * a run repeats the first two verbatim, most repeat `status: { code: 0 }`, and for small spans
 * re-reading them is most of the work; an object's value depends on its text alone (`{` to `}`),
 * so reuse is exact. Callers get copies.
 */
class Memo<T> {
  key: MemoKey | null = null;
  value: T | null = null;
}
const resourceMemo = new Memo<Attributes>();

/**
 * A copy of `s` that does not point into the text it was read from, for what the memos keep
 * beyond one parse (V8 slices share their parent string; a JSON round trip makes fresh ones).
 */
function detachText<T extends string | null>(s: T): T {
  return (typeof s === 'string' && s.length > MAX_CACHED_KEY ? JSON.parse(JSON.stringify(s)) : s) as T;
}

function detachKey(key: MemoKey): MemoKey {
  return { text: detachText(key.text) };
}

function detachAttributes(attrs: Attributes): Attributes {
  const out: Attributes = {};
  for (const k of Object.keys(attrs)) {
    const v = attrs[k];
    const value = typeof v === 'string' ? detachText(v) : Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? detachText(x) : x)) : v;
    setAttribute(out, k, value);
  }
  return out;
}
const scopeMemo = new Memo<InstrumentationScope>();
const statusMemo = new Memo<SpanStatus>();

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

class InspectSyntaxError extends Error {}

/** `<N empty items>` in a sparse array: more holes than this are not materialised (input stays linear). */
const MAX_EMPTY_ITEMS = 10000;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isWordChar(c: number): boolean {
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
class InspectReader {
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

/**
 * Printed microseconds (`1795592759793000`, `109.072`, `1.5e-7`) to nanoseconds, exactly from
 * the decimal digits (rounded half up past the nanosecond). Null when the text is no number.
 */
export function microsToNanos(text: string): bigint | null {
  const fast = microsToNanosFast(text, 0);
  return fast !== null && fastEnd === text.length ? fast : microsToNanosExact(text);
}

/** Where the last microsToNanosFast stopped (a module variable, so the hot path allocates nothing for it). */
let fastEnd = 0;

/**
 * Plain `[-]digits[.digits]` at `from` with a safe integer part, in float arithmetic that stays
 * exact; null for anything else. Sets fastEnd to the first character after the number.
 */
function microsToNanosFast(text: string, from: number): bigint | null {
  let i = from;
  const neg = text.charCodeAt(i) === 45;
  if (neg) i++;
  const intFrom = i;
  let whole = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) break;
    whole = whole * 10 + (c - 48);
  }
  if (i === intFrom || !Number.isSafeInteger(whole)) return null;
  let frac = 0;
  let fracDigits = 0;
  let roundUp = false;
  if (text.charCodeAt(i) === 46) {
    for (i++; i < text.length; i++, fracDigits++) {
      const c = text.charCodeAt(i);
      if (!isDigit(c)) break;
      if (fracDigits < 3) frac = frac * 10 + (c - 48);
      else if (fracDigits === 3) roundUp = c >= 53;
    }
  }
  const next = i < text.length ? text.charCodeAt(i) : 0;
  if (next === 101 || next === 69 || next === 95 || next === 46 || next === 110) return null;
  fastEnd = i;
  for (let k = fracDigits; k < 3; k++) frac *= 10;
  if (roundUp) frac++;
  const ns = whole * 1000 + frac;
  const n = Number.isSafeInteger(ns) ? BigInt(ns) : BigInt(whole) * 1000n + BigInt(frac);
  return neg ? -n : n;
}

function microsToNanosExact(text: string): bigint | null {
  let i = 0;
  const neg = text.charCodeAt(0) === 45;
  if (neg) i++;
  let digits = '';
  let fracLen = 0;
  let seenDot = false;
  let start = i;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) continue;
    if (c === 46 && !seenDot) {
      digits += text.slice(start, i);
      start = i + 1;
      seenDot = true;
      continue;
    }
    break;
  }
  digits += text.slice(start, i);
  if (seenDot) fracLen = i - start;
  if (!digits) return null;
  let exp = 3 - fracLen;
  if (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 101 && c !== 69) return null;
    const e = Number(text.slice(i + 1));
    if (!Number.isInteger(e) || Math.abs(e) > 400) return null;
    exp += e;
  }
  let n = BigInt(digits);
  if (exp >= 0) n *= 10n ** BigInt(exp);
  else {
    const div = 10n ** BigInt(-exp);
    const q = n / div;
    n = (n % div) * 2n >= div ? q + 1n : q;
  }
  return neg ? -n : n;
}

// ---- mapping the printed object onto a Span

const STATUS_CODES: readonly StatusCode[] = ['UNSET', 'OK', 'ERROR'];
const INVALID_SPAN_ID = '0000000000000000';

/** Ids print lower-case; only lower-case a hand-made one that is not. */
function lowerHex(s: string): string {
  return hexId(s, s.length) ?? s;
}

/** Collects lossy marks for one span; most spans have none, so the list is made on the first. */
class LossyLog {
  marks: LossyField[] | null = null;
  get count(): number {
    return this.marks ? this.marks.length : 0;
  }
  add(path: string, reason: string): void {
    (this.marks ??= []).push({ path, reason });
  }
}

/** Placeholders while a span is filled in; replaced by fresh objects before it is returned. */
const NO_EVENTS: SpanEvent[] = [];
const NO_LINKS: SpanLink[] = [];
const NO_ATTRIBUTES: Attributes = {};
const NO_SCOPE: InstrumentationScope = { name: '', version: null, schemaUrl: null };
const UNSET_STATUS = { code: 'UNSET' as StatusCode, message: null };

function elidedReason(e: Elided): string {
  return `console.dir depth limit: util.inspect printed [${e.tag}] instead of the value`;
}

function cutStringReason(c: CutString): string {
  return `util.inspect printed only the first ${c.text.length} characters (${c.more} more not shown)`;
}

function cutArrayReason(c: CutArray): string {
  return `util.inspect printed only the first ${c.items.length} items (${c.more} more not shown)`;
}

/** A string field; cut strings keep their printed start. */
function text(v: unknown, path: string, lossy: LossyLog): string | null {
  if (typeof v === 'string') return v;
  if (v instanceof CutString) {
    lossy.add(path, cutStringReason(v));
    return v.text;
  }
  if (v instanceof Elided) lossy.add(path, elidedReason(v));
  return null;
}

function scalar(v: unknown): AttributeScalar | null | undefined {
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'bigint') return v as AttributeScalar;
  if (v === null || v === undefined) return null;
  return undefined;
}

function attributeValue(v: unknown, path: string, lossy: LossyLog): AttributeValue {
  const s = scalar(v);
  if (s !== undefined) return s;
  if (v instanceof CutString) {
    lossy.add(path, cutStringReason(v));
    return v.text;
  }
  let items: unknown[] | null = null;
  if (Array.isArray(v)) items = v;
  else if (v instanceof CutArray) {
    lossy.add(path, cutArrayReason(v));
    items = v.items;
  }
  if (items) {
    const out: AttributeScalar[] = new Array(items.length);
    let cut = false;
    for (let i = 0; i < items.length; i++) {
      const x = items[i];
      const e = scalar(x);
      if (e !== undefined) out[i] = e as AttributeScalar;
      else {
        if (x instanceof CutString) out[i] = x.text;
        else out[i] = null as unknown as AttributeScalar;
        if (!cut) lossy.add(path, x instanceof CutString ? cutStringReason(x) : x instanceof Elided ? elidedReason(x) : 'an array item that is not a plain value');
        cut = true;
      }
    }
    return out;
  }
  if (v instanceof Elided) lossy.add(path, elidedReason(v));
  else lossy.add(path, 'an object value, which is not a valid attribute');
  return null;
}

function attributes(v: unknown, path: string, lossy: LossyLog): Attributes {
  if (!isObject(v)) {
    if (v instanceof Elided) lossy.add(path, elidedReason(v));
    return {};
  }
  let plain = true;
  for (const k in v) {
    const t = typeof v[k];
    if (t !== 'string' && t !== 'number' && t !== 'boolean') {
      plain = false;
      break;
    }
  }
  // The common case: the object read is already a valid attribute map.
  if (plain) return v as Attributes;
  const out: Attributes = {};
  for (const k of Object.keys(v)) {
    const x = v[k];
    // The SDK drops undefined values, and so does the JSON the ground truth is written in.
    if (x === undefined) continue;
    const value = typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? x : attributeValue(x, `${path}.${k}`, lossy);
    setAttribute(out, k, value);
  }
  return out;
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0;
}

/** A W3C trace state: the serialised string, or a printed TraceStateImpl (its map is stored reversed). */
function traceState(v: unknown, path: string, lossy: LossyLog): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || v instanceof CutString || v instanceof Elided) return text(v, path, lossy);
  if (isObject(v)) {
    const state = v._internalState;
    if (isObject(state)) {
      const pairs: string[] = [];
      for (const k of Object.keys(state)) pairs.push(`${k}=${String(state[k])}`);
      return pairs.reverse().join(',');
    }
  }
  lossy.add(path, 'a trace state in an unexpected shape');
  return null;
}

function list(v: unknown, path: string, lossy: LossyLog): unknown[] {
  if (Array.isArray(v)) return v;
  if (v instanceof CutArray) {
    lossy.add(path, cutArrayReason(v));
    return v.items;
  }
  if (v instanceof Elided) lossy.add(path, elidedReason(v));
  return [];
}

function events(v: unknown, start: bigint, lossy: LossyLog): SpanEvent[] {
  const items = list(v, 'events', lossy);
  // A fresh empty array from the reader: nothing to convert.
  if (items.length === 0 && Array.isArray(v)) return v as SpanEvent[];
  const out: SpanEvent[] = [];
  for (let i = 0; i < items.length; i++) {
    const e = items[i];
    const at = `events.${i}`;
    if (!(isObject(e))) {
      lossy.add(at, e instanceof Elided ? elidedReason(e) : 'an event in an unexpected shape');
      out.push({ name: '', timeUnixNano: start, attributes: {}, droppedAttributesCount: 0 });
      continue;
    }
    let time: bigint | null = null;
    const t = e.time;
    if (Array.isArray(t) && t.length === 2 && Number.isSafeInteger(t[0]) && Number.isSafeInteger(t[1])) {
      time = BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
    } else if (typeof t === 'number' && Number.isFinite(t)) {
      time = BigInt(Math.round(t * 1e6)); // epoch milliseconds, as some SDKs accept
    }
    if (time === null) lossy.add(`${at}.timeUnixNano`, t instanceof Elided ? elidedReason(t) : 'the event time was not printed');
    out.push({
      name: text(e.name, `${at}.name`, lossy) ?? '',
      timeUnixNano: time ?? start,
      attributes: attributes(e.attributes, `${at}.attributes`, lossy),
      droppedAttributesCount: count(e.droppedAttributesCount),
    });
  }
  return out;
}

function links(v: unknown, lossy: LossyLog): SpanLink[] {
  const items = list(v, 'links', lossy);
  if (items.length === 0 && Array.isArray(v)) return v as SpanLink[];
  const out: SpanLink[] = [];
  for (let i = 0; i < items.length; i++) {
    const l = items[i];
    const at = `links.${i}`;
    const ctx = isObject(l) ? l.context : undefined;
    if (!(isObject(l)) || !(isObject(ctx))) {
      const why = l instanceof Elided ? l : ctx instanceof Elided ? ctx : null;
      lossy.add(at, why ? elidedReason(why) : 'a link in an unexpected shape');
      out.push({ traceId: '', spanId: '', traceState: null, attributes: {}, droppedAttributesCount: 0 });
      continue;
    }
    const traceId = ctx.traceId;
    const spanId = ctx.spanId;
    out.push({
      traceId: typeof traceId === 'string' ? lowerHex(traceId) : '',
      spanId: typeof spanId === 'string' ? lowerHex(spanId) : '',
      traceState: traceState(ctx.traceState, `${at}.traceState`, lossy),
      attributes: attributes(l.attributes, `${at}.attributes`, lossy),
      droppedAttributesCount: count(l.droppedAttributesCount),
    });
  }
  return out;
}

function nanosField(v: unknown): bigint | null {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string') return microsToNanos(v);
  if (typeof v === 'number' && Number.isFinite(v)) return microsToNanos(String(v));
  return null;
}

/**
 * The printed object -> Span. Null when it is not the exporter's span info (a program's own
 * `console.dir` of something else); a string when it is one but cannot be used.
 */
function spanFrom(top: TopFields): Span | string | null {
  const traceId = hexId(top.traceId, 32);
  const spanId = hexId(top.id, 16);
  // Every SDK version prints all of these; an object without them is the program's own.
  if (traceId === null || spanId === null || !top.hasName || top.hasTimes !== 2) return null;
  const lossy = new LossyLog();
  const unknown: UnknownField[] = [];
  const name = text(top.name, 'name', lossy) ?? '';
  const start = nanosField(top.timestamp);
  if (start === null) return `the span "${name}" has no readable timestamp`;
  const duration = nanosField(top.duration);
  if (duration === null) return `the span "${name}" has no readable duration`;
  const span: Span = {
    traceId,
    spanId,
    parentSpanId: null,
    parentIsRemote: null,
    name,
    kind: 'INTERNAL',
    startTimeUnixNano: start,
    endTimeUnixNano: start + duration,
    attributes: attributes(top.attributes, 'attributes', lossy),
    droppedAttributesCount: 0,
    events: NO_EVENTS,
    droppedEventsCount: 0,
    links: NO_LINKS,
    droppedLinksCount: 0,
    status: UNSET_STATUS,
    traceState: null,
    resource: NO_ATTRIBUTES,
    scope: NO_SCOPE,
  };

  const parent = top.parent;
  if (top.parentField === 'context') {
    if (isObject(parent)) {
      const id = parent.spanId;
      if (typeof id === 'string' && id !== INVALID_SPAN_ID) span.parentSpanId = lowerHex(id);
      const remote = parent.isRemote;
      span.parentIsRemote = typeof remote === 'boolean' ? remote : null;
    } else if (parent !== undefined) {
      lossy.add('parentSpanId', parent instanceof Elided ? elidedReason(parent) : 'a parent in an unexpected shape');
    }
  } else if (top.parentField === 'id') {
    // SDK 1.x printed only the parent's span id.
    if (typeof parent === 'string' && parent && parent !== INVALID_SPAN_ID) span.parentSpanId = lowerHex(parent);
  } else unknown.push('parent');

  const kind = top.kind;
  if (typeof kind === 'number' && kind >= 0 && kind < SPAN_KINDS.length && Number.isInteger(kind)) span.kind = SPAN_KINDS[kind];
  else if (!top.hasKind) unknown.push('kind');
  else lossy.add('kind', `an unknown span kind ${String(kind)}`);

  const status = top.status;
  const statusHit = top.statusHit;
  if (statusHit) span.status = { code: statusHit.code, message: statusHit.message };
  else if (isObject(status)) {
    const marks = lossy.count;
    const code = status.code;
    span.status = {
      code: typeof code === 'number' && STATUS_CODES[code] ? STATUS_CODES[code] : 'UNSET',
      message: text(status.message, 'status.message', lossy),
    };
    if (lossy.count === marks && top.statusKey) {
      statusMemo.key = detachKey(top.statusKey);
      statusMemo.value = { code: span.status.code, message: detachText(span.status.message) };
    }
  } else if (!top.hasStatus) unknown.push('status');
  else lossy.add('status', status instanceof Elided ? elidedReason(status) : 'a status in an unexpected shape');

  if (top.hasEvents) span.events = events(top.events, start, lossy);
  else unknown.push('events');
  if (top.hasLinks) span.links = links(top.links, lossy);
  else unknown.push('links');
  // The placeholders above are shared; every span owns its containers.
  if (span.events === NO_EVENTS) span.events = [];
  if (span.links === NO_LINKS) span.links = [];
  if (span.status === UNSET_STATUS) span.status = { code: 'UNSET', message: null };

  span.traceState = traceState(top.traceState, 'traceState', lossy);

  if (top.resourceHit) span.resource = { ...top.resourceHit };
  else if (top.hasResource) {
    const marks = lossy.count;
    const resource = top.resource;
    span.resource = attributes(isObject(resource) ? resource.attributes : resource, 'resource', lossy);
    if (lossy.count === marks && top.resourceKey) {
      resourceMemo.key = detachKey(top.resourceKey);
      resourceMemo.value = detachAttributes(span.resource);
    }
  } else {
    span.resource = {};
    unknown.push('resource');
  }

  const scope = top.scope;
  const scopeHit = top.scopeHit;
  if (scopeHit) span.scope = { name: scopeHit.name, version: scopeHit.version, schemaUrl: scopeHit.schemaUrl };
  else if (isObject(scope)) {
    const marks = lossy.count;
    span.scope = {
      name: text(scope.name, 'scope.name', lossy) ?? '',
      version: text(scope.version, 'scope.version', lossy),
      schemaUrl: text(scope.schemaUrl, 'scope.schemaUrl', lossy),
    };
    if (lossy.count === marks && top.scopeKey) {
      scopeMemo.key = detachKey(top.scopeKey);
      scopeMemo.value = { name: detachText(span.scope.name)!, version: detachText(span.scope.version), schemaUrl: detachText(span.scope.schemaUrl) };
    }
  } else {
    span.scope = { name: '', version: null, schemaUrl: null };
    if (!top.hasScope) unknown.push('scope');
    else lossy.add('scope', scope instanceof Elided ? elidedReason(scope) : 'a scope in an unexpected shape');
  }

  if (lossy.marks) span.lossy = lossy.marks;
  if (unknown.length) span.unknown = unknown;
  return span;
}

/** The second line of every exporter block is an indented bare key (`  resource: {`, `  traceId: '…'`). */
function looksLikeInspect(second: string): boolean {
  let i = 0;
  while (i < second.length && (second.charCodeAt(i) === 32 || second.charCodeAt(i) === 9)) i++;
  const from = i;
  while (i < second.length && isWordChar(second.charCodeAt(i))) i++;
  return i > from && second.charCodeAt(i) === 58;
}

/** The exporter's own top-level keys (two-space indent), to tell a damaged span from a program's object. */
const SPAN_KEY_LINE = /^ {2}(traceId|id|kind|timestamp|duration|parentSpanContext|parentId): /;

/** At least three of the exporter's keys: a program's object that merely has a `traceId` does not qualify. */
function looksLikeSpan(lines: string[]): boolean {
  const n = Math.min(lines.length, 60);
  let seen = 0;
  for (let i = 1; i < n; i++) if (SPAN_KEY_LINE.test(lines[i]) && ++seen === 3) return true;
  return false;
}

/**
 * Read one block: `text` from `start` to `end` (the block may sit in the larger text it arrived
 * in); `lines` gives its lines when a damaged block must be judged.
 */
function parseInspectBlock(text: string, start: number, end: number, lines: () => string[], startLine: number): BlockResult | null {
  const reader = new InspectReader(text, start, end);
  let top: TopFields;
  try {
    top = reader.readTop();
    if (!reader.atEnd()) throw new InspectSyntaxError('text after the closing }');
  } catch (err) {
    if (!(err instanceof InspectSyntaxError) && !(err instanceof RangeError) && !(err instanceof SyntaxError)) throw err;
    if (!looksLikeSpan(lines())) return null;
    return { spans: [], unparsedReason: `a Node span could not be read: ${err.message} (line ${startLine + reader.line + 1})` };
  }
  const span = spanFrom(top);
  if (span === null) return null;
  if (typeof span === 'string') return { spans: [], unparsedReason: `a Node span could not be read: ${span}` };
  return { spans: [span] };
}

/** Node ConsoleSpanExporter (`@opentelemetry/sdk-trace-base` 1.x and 2.x): util.inspect blocks. */
export const nodeInspect = {
  name: 'node-inspect',
  parseBlock(lines: string[], startLine: number): BlockResult | null {
    if (lines.length < 3 || !looksLikeInspect(lines[1])) return null;
    const text = lines.join('\n');
    return parseInspectBlock(text, 0, text.length, () => lines, startLine);
  },
  parseBlockText(block: Block, startLine: number): BlockResult | null {
    if (block.lineCount < 3 || !looksLikeInspect(block.second)) return null;
    const { source, sourceStart } = block;
    if (source !== undefined && sourceStart !== undefined) {
      return parseInspectBlock(source, sourceStart, sourceStart + block.text.length, () => block.lines(), startLine);
    }
    return parseInspectBlock(block.text, 0, block.text.length, () => block.lines(), startLine);
  },
} satisfies BlockFormat;
