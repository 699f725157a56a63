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
  /** Spans by id within each trace (first span of an id wins): parents live in their child's trace. */
  private byTrace?: Map<string, Map<string, Span>>;
  private provider?: SourceLocation | null;
  private parentList?: (Span | undefined)[];
  private repeats?: { span: Span; earlier: Span }[];

  constructor(input: CheckInput) {
    this.spans = input.spans;
    this.facts = input.facts ?? {};
    this.sources = input.sources ?? new Map();
    this.language = input.language;
  }

  parentOf(span: Span): Span | undefined {
    const pid = span.parentSpanId;
    if (!pid) return undefined;
    if (!this.byTrace) this.index();
    const parent = this.byTrace!.get(span.traceId)?.get(pid);
    return parent === span ? undefined : parent;
  }

  parents(): readonly (Span | undefined)[] {
    if (!this.parentList) {
      const list: (Span | undefined)[] = new Array(this.spans.length);
      // Siblings often come one after another (a loop's spans): reuse the last lookup.
      let lastPid: string | null = null;
      let lastTrace = '';
      let lastParent: Span | undefined;
      for (let i = 0; i < this.spans.length; i++) {
        const span = this.spans[i];
        const pid = span.parentSpanId;
        if (pid !== null && pid === lastPid && span.traceId === lastTrace && lastParent !== span) list[i] = lastParent;
        else {
          list[i] = lastParent = this.parentOf(span);
          lastPid = pid;
          lastTrace = span.traceId;
        }
      }
      this.parentList = list;
    }
    return this.parentList;
  }

  repeatedIds(): readonly { span: Span; earlier: Span }[] {
    if (!this.repeats) this.repeats = findRepeatedIds(this.spans);
    return this.repeats;
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

  private index(): void {
    const byTrace = new Map<string, Map<string, Span>>();
    // Spans of one trace usually come together: reuse the last trace's map.
    let lastTrace: string | undefined;
    let ids: Map<string, Span> | undefined;
    for (const span of this.spans) {
      if (span.traceId !== lastTrace) {
        lastTrace = span.traceId;
        ids = byTrace.get(lastTrace);
        if (!ids) byTrace.set(lastTrace, (ids = new Map()));
      }
      if (!ids!.has(span.spanId)) ids!.set(span.spanId, span);
    }
    this.byTrace = byTrace;
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

/**
 * Spans whose id an earlier span already has, anywhere in the run. An open-addressing table of
 * span indexes keyed by an FNV-1a hash of the id's end: no Map entry or string key per span, which
 * matters at 100k spans; ids are compared only when hashes collide.
 */
export function findRepeatedIds(spans: readonly Span[]): { span: Span; earlier: Span }[] {
  const out: { span: Span; earlier: Span }[] = [];
  let size = 1024;
  while (size < spans.length * 2) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size); // span index + 1; 0 = empty
  for (let i = 0; i < spans.length; i++) {
    const id = spans[i].spanId;
    let h = 0x811c9dc5;
    // The last 8 characters: random ids vary there as much as anywhere, counters too.
    for (let k = id.length > 8 ? id.length - 8 : 0; k < id.length; k++) h = Math.imul(h ^ id.charCodeAt(k), 0x01000193);
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const at = table[slot];
      if (at === 0) {
        table[slot] = i + 1;
        break;
      }
      const earlier = spans[at - 1];
      if (earlier.spanId === id) {
        out.push({ span: spans[i], earlier });
        break;
      }
    }
  }
  return out;
}
