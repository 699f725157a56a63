/**
 * What the rules share about one run: a parent lookup, the language of a file, and where in
 * the code the tracer provider is made (run-level findings point there). Built lazily, so a rule
 * that needs none of it costs nothing.
 */
import type { RunFacts, SourceLocation, Span } from '../model';
import type { CheckContextLike, CheckInput, SourceLanguage } from './types';

const EXTENSIONS: Record<string, SourceLanguage> = {
  py: 'python',
  pyw: 'python',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'typescript',
  go: 'go',
  java: 'java',
  kt: 'java',
  rs: 'rust',
};

/** The language of a file from its extension; `other` when unknown. */
export function languageOfFile(file: string | undefined): SourceLanguage {
  if (!file) return 'other';
  const dot = file.lastIndexOf('.');
  if (dot < 0 || dot < file.lastIndexOf('/')) return 'other';
  return EXTENSIONS[file.slice(dot + 1).toLowerCase()] ?? 'other';
}

/** Code that makes a tracer provider (or an SDK object that makes one), per language. */
const PROVIDER_PATTERNS: RegExp[] = [
  /\bnew\s+(?:Node|Basic|Web)?TracerProvider\s*\(/, // JS/TS SDK
  /\bnew\s+NodeSDK\s*\(/, // @opentelemetry/sdk-node
  /\bTracerProvider\s*\(/, // Python SDK
  /\bNewTracerProvider\s*\(/, // Go sdktrace
  /\bSdkTracerProvider\s*\.\s*builder\s*\(/, // Java
  /\bSdkTracerProvider\s*::\s*builder\s*\(/, // Rust opentelemetry_sdk
];

export class CheckContext implements CheckContextLike {
  readonly spans: readonly Span[];
  readonly facts: RunFacts;
  readonly sources: ReadonlyMap<string, string>;
  private readonly language?: SourceLanguage;
  /** Where each span id sits: parents by trace and id, and the ids that repeat. */
  private ids?: SpanIdIndex;
  private provider?: SourceLocation | null;
  private parentList?: (Span | undefined)[];

  constructor(input: CheckInput) {
    this.spans = input.spans;
    this.facts = input.facts ?? {};
    this.sources = input.sources ?? new Map();
    this.language = input.language;
  }

  parentOf(span: Span): Span | undefined {
    const pid = span.parentSpanId;
    if (!pid) return undefined;
    const parent = this.idIndex().find(pid, span.traceId);
    return parent === span ? undefined : parent;
  }

  parents(): readonly (Span | undefined)[] {
    if (!this.parentList) {
      const ids = this.idIndex();
      const list: (Span | undefined)[] = new Array(this.spans.length);
      // Siblings often come one after another (a loop's spans): reuse the last lookup.
      let lastPid: string | null = null;
      let lastTrace: string | undefined;
      let lastParent: Span | undefined;
      for (let i = 0; i < this.spans.length; i++) {
        const span = this.spans[i];
        const pid = span.parentSpanId;
        if (!pid) {
          list[i] = undefined;
          continue;
        }
        if (pid !== lastPid || span.traceId !== lastTrace) {
          lastPid = pid;
          lastTrace = span.traceId;
          lastParent = ids.find(pid, lastTrace);
        }
        list[i] = lastParent === span ? undefined : lastParent;
      }
      this.parentList = list;
    }
    return this.parentList;
  }

  repeatedIds(): readonly { span: Span; earlier: Span }[] {
    return this.idIndex().repeats;
  }

  private idIndex(): SpanIdIndex {
    if (!this.ids) this.ids = new SpanIdIndex(this.spans);
    return this.ids;
  }

  languageOf(file: string | undefined): SourceLanguage {
    const lang = languageOfFile(file);
    return lang === 'other' && this.language ? this.language : lang;
  }

  providerLocation(): SourceLocation | undefined {
    if (this.provider === undefined) this.provider = this.findProvider();
    return this.provider ?? undefined;
  }

  firstLocated(spans: readonly Span[] = this.spans): Span | undefined {
    for (const s of spans) if (s.location) return s;
    return undefined;
  }

  /** The provider's line, searching first the files the spans were started in. */
  private findProvider(): SourceLocation | null {
    const files: string[] = [];
    const seen = new Set<string>();
    for (const span of this.spans) {
      const f = span.location?.file;
      if (f && !seen.has(f)) {
        seen.add(f);
        if (this.sources.has(f)) files.push(f);
      }
      if (seen.size > 50) break;
    }
    for (const f of this.sources.keys()) if (!seen.has(f)) files.push(f);
    for (const file of files) {
      const found = findInCode(this.sources.get(file)!, PROVIDER_PATTERNS);
      if (found) return { file, line: found.line, column: found.column };
    }
    return null;
  }
}

/** The first match of any pattern on a line that is not a comment; 0-based line and column. */
export function findInCode(text: string, patterns: readonly RegExp[]): { line: number; column: number; match: string } | null {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trimStart();
    if (trimmed.startsWith('//') || trimmed.startsWith('#') || trimmed.startsWith('*') || trimmed.startsWith('/*')) continue;
    for (const p of patterns) {
      const m = p.exec(line);
      if (m) return { line: i, column: m.index, match: m[0] };
    }
  }
  return null;
}

/** Spans whose id an earlier span already has, anywhere in the run, each with the earliest one. */
export function findRepeatedIds(spans: readonly Span[]): { span: Span; earlier: Span }[] {
  return new SpanIdIndex(spans).repeats;
}

/**
 * Where each span id sits in a run: an open-addressing table of span indexes keyed by span id (the
 * first span of each id), no Map entry or key string per span, which matters at 100k spans. A
 * parent lives in its child's trace, and the first span of an id there wins: almost always the
 * first of the run; spans that repeat an id are also indexed by trace and id, and are rare.
 */
class SpanIdIndex {
  /** Each span whose id an earlier span already has, with the earliest one, in run order. */
  readonly repeats: { span: Span; earlier: Span }[] = [];
  /**
   * Slot = the id's hash & mask; entry = (span index + 1) | the hash's other bits above them, 0 = empty.
   * Those bits settle most probes without reading a span (a cache miss), and one int per slot
   * keeps the table small (a fresh table's pages cost more than the probes that fill it).
   */
  private readonly byId: Int32Array;
  private readonly mask: number;
  private readonly bits: number;
  /** The first span of each trace and id where that is not the first span of the id. */
  private readonly repeatsByTrace = new Map<string, Span>();

  constructor(private readonly spans: readonly Span[]) {
    let bits = 10;
    while (1 << bits < spans.length * 2) bits++;
    const mask = (this.mask = (1 << bits) - 1);
    this.bits = bits;
    const byId = (this.byId = new Int32Array(1 << bits));
    // Hash first, then probe: two tight loops run faster than one that does both.
    const hashes = new Int32Array(spans.length);
    for (let i = 0; i < spans.length; i++) hashes[i] = hashId(spans[i].spanId);
    for (let i = 0; i < spans.length; i++) {
      const h = hashes[i];
      const tag = h >>> bits;
      for (let slot = h & mask; ; slot = (slot + 1) & mask) {
        const entry = byId[slot];
        if (entry === 0) {
          byId[slot] = (tag << bits) | (i + 1);
          break;
        }
        if (entry >>> bits !== tag) continue;
        const span = spans[i];
        const id = span.spanId;
        const earlier = spans[(entry & mask) - 1];
        if (earlier.spanId === id) {
          this.repeats.push({ span, earlier });
          if (earlier.traceId !== span.traceId) {
            const key = `${span.traceId}\u0000${id}`;
            if (!this.repeatsByTrace.has(key)) this.repeatsByTrace.set(key, span);
          }
          break;
        }
      }
    }
  }

  /** The first span with this id in this trace. */
  find(id: string, traceId: string): Span | undefined {
    const { spans, byId, mask, bits } = this;
    const h = hashId(id);
    const tag = h >>> bits;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = byId[slot];
      if (entry === 0) return undefined;
      if (entry >>> bits !== tag) continue;
      const first = spans[(entry & mask) - 1];
      if (first.spanId !== id) continue;
      if (first.traceId === traceId) return first;
      return this.repeatsByTrace.size ? this.repeatsByTrace.get(`${traceId}\u0000${id}`) : undefined;
    }
  }
}

/**
 * FNV-1a of an id (its last 32 characters: W3C ids are 16 or 32), the high bits mixed down: a
 * product's low bits see only its factors' low bits, and the table takes the low ones. Every
 * character counts, so ids alike in some stretch (a prefix, a counter) still spread.
 */
function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let k = id.length > 32 ? id.length - 32 : 0; k < id.length; k++) h = Math.imul(h ^ id.charCodeAt(k), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h;
}
