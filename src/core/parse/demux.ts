/**
 * The stream demultiplexer: splits a program's output into lines and hands each to the format
 * readers, so spans of any supported format are recovered wherever they appear and every other
 * line is kept, in order, as program output. Works on chunks (a span may be split anywhere),
 * never throws on bad input and stays linear in the input size.
 */
import type { FormatName, OutputLine, ParseResult, RunFacts, Span, Unparsed } from '../model';
import { readJsonRecord } from './kernel/json';
import { LineVerdict, type Block, type BlockResult, type ParseMemo, type BlockFormat, type JsonLineFormat, type LineFormat, type LineReader, type Sink } from './types';
import { SPAN_LENS_MARKER, readSpanLensRecord } from './spanLens';

export interface FormatRegistry {
  blocks: BlockFormat[];
  jsonLines: JsonLineFormat[];
  lines: LineFormat[];
}

export interface StreamParserOptions {
  /** Only these formats (default: all). */
  formats?: FormatName[];
  /** When set, Span Lens frames must carry this nonce; others are treated as program output. */
  nonce?: string;
  onSpan?(span: Span): void;
  onOutput?(line: OutputLine): void;
  onUnparsed?(u: Unparsed): void;
  onFacts?(facts: RunFacts): void;
  onFormat?(format: FormatName): void;
  /** A block larger than this is given up on (reported, kept as text). Default 64 MiB. */
  maxBlockChars?: number;
  /**
   * A line longer than this (in characters) is cut into pieces, and the cut is reported. Default
   * 500 Mi characters, just under the longest string V8 can hold: a one-line export of hundreds
   * of thousands of spans is read whole.
   */
  maxLineChars?: number;
}

const MAX_UNPARSED_TEXT = 64 * 1024;
const DEFAULT_MAX_LINE_CHARS = 500 * 1024 * 1024;
/** Keys whose presence makes a broken block worth reporting as a damaged span, not program text. */
const SPANLIKE = /"?(trace_?id|TraceID|SpanContext|spanId|span_id|parentSpanContext|resourceSpans)"?\s*:/i;

export class StreamParser {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  /** The line being received, in the chunks it came in (joined once its newline arrives: no quadratic concatenation). */
  private partial: string[] = [];
  private partialChars = 0;
  private lineNo = 0;
  private block: string[] | null = null;
  private blockStart = 0;
  private blockPrefix = '';
  private blockChars = 0;
  private held: OutputLine | null = null;
  private readonly readers: { format: LineFormat; reader: LineReader }[];
  private readonly blocks: BlockFormat[];
  /** The block formats that read a record in place (BlockFormat.readAt). */
  private readonly blocksAt: BlockFormat[];
  private readonly jsonLines: JsonLineFormat[];
  private readonly seen = new Set<FormatName>();
  private readonly maxBlockChars: number;
  private readonly maxLineChars: number;
  private readonly allowFramed: boolean;
  private ended = false;
  private readonly memo: ParseMemo = new Map();

  constructor(registry: FormatRegistry, private readonly opts: StreamParserOptions = {}) {
    const allow = (name: FormatName) => !opts.formats || opts.formats.includes(name);
    const sinkFor = (name: FormatName): Sink => ({
      span: (s) => this.emitSpan(name, s),
      unparsed: (u) => this.opts.onUnparsed?.({ format: name, ...u }),
      facts: (f) => this.opts.onFacts?.(f),
      output: (line, text) => this.output(line, text),
    });
    this.readers = registry.lines.filter((f) => allow(f.name)).map((format) => ({ format, reader: format.createReader(sinkFor(format.name)) }));
    this.blocks = registry.blocks.filter((f) => allow(f.name));
    this.blocksAt = this.blocks.filter((f) => f.readAt);
    this.jsonLines = registry.jsonLines.filter((f) => allow(f.name));
    this.allowFramed = allow('span-lens');
    this.maxBlockChars = opts.maxBlockChars ?? 64 * 1024 * 1024;
    this.maxLineChars = opts.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  }

  /** Feed a chunk of output (bytes are decoded as UTF-8, invalid sequences become U+FFFD). */
  write(chunk: string | Uint8Array): void {
    if (this.ended) return;
    let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    if (this.partialChars) {
      if (text.indexOf('\n') < 0 && this.partialChars + text.length <= this.maxLineChars) {
        this.partial.push(text);
        this.partialChars += text.length;
        return;
      }
      this.partial.push(text);
      text = this.partial.join('');
      this.partial = [];
      this.partialChars = 0;
    }
    let from = 0;
    this.scanText = text;
    this.markerAt = -1;
    this.crAt = -1;
    const fast = this.blocks.length > 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      if (nl < 0) break;
      if (fast && nl === from + 1 && !this.block && text.charCodeAt(from) === 123) {
        const next = this.fastBlock(text, from, nl);
        if (next >= 0) {
          from = next;
          continue;
        }
      }
      let end = nl;
      if (end > from && text.charCodeAt(end - 1) === 13) end--;
      this.line(text.slice(from, end));
      from = nl + 1;
    }
    this.scanText = '';
    let rest = from === 0 ? text : text.slice(from);
    if (rest.length > this.maxLineChars) {
      // Never silent: the line is read in pieces, and the user is told its size and the limit.
      const first = this.lineNo;
      const size = rest.length;
      while (rest.length > this.maxLineChars) {
        this.line(rest.slice(0, this.maxLineChars));
        rest = rest.slice(this.maxLineChars);
      }
      this.opts.onUnparsed?.({
        startLine: first,
        endLine: this.lineNo,
        reason: `a line of over ${mebibytes(size)} Mi characters has no newline within the ${mebibytes(this.maxLineChars)} Mi characters Span Lens reads as one line: it was read in pieces, and spans in it may be missing`,
        text: '',
      });
    }
    if (rest) {
      this.partial.push(rest);
      this.partialChars = rest.length;
    }
  }

  /** End of input: the last partial line is a line; open blocks and readers are flushed. */
  end(): void {
    if (this.ended) return;
    const tail = this.decoder.decode();
    if (tail) this.partial.push(tail);
    if (this.partial.length) {
      const whole = this.partial.join('');
      this.partial = [];
      this.partialChars = 0;
      const last = whole.endsWith('\r') ? whole.slice(0, -1) : whole;
      this.line(last);
    }
    this.ended = true;
    if (this.block) this.breakBlock('never closes');
    for (const { reader } of this.readers) reader.end(Math.max(0, this.lineNo - 1));
    this.flushHeld();
  }

  private emitSpan(format: FormatName, span: Span): void {
    if (!this.seen.has(format)) {
      this.seen.add(format);
      this.opts.onFormat?.(format);
    }
    this.opts.onSpan?.(span);
  }

  /** Next positions of a frame marker and of a CR in `scanText` (-1: not looked yet; Infinity: none). */
  private scanText = '';
  private markerAt = -1;
  private crAt = -1;

  private nextIn(what: string, from: number, cached: number): number {
    if (cached >= from) return cached;
    const k = this.scanText.indexOf(what, from);
    return k < 0 ? Infinity : k;
  }

  /**
   * The fast path for a `{` line: when the whole block is already in `text` — every line up to a
   * lone `}` at column 0 indented, no CR, no frame inside — hand it to the formats as one string
   * without splitting it into lines. Returns where to go on, or -1 to take the line path
   * (which gives the same result, line by line).
   */
  private fastBlock(text: string, from: number, nl: number): number {
    for (const format of this.blocksAt) {
      const at = format.readAt!(text, from, this.lineNo, this.memo);
      if (!at) continue;
      const next = this.recordAt(from, at);
      if (next >= 0) {
        this.emitSpan(format.name, at.span);
        return next;
      }
      if (next === -2) return nl + 1;
      break;
    }
    // One pass over the lines after `{`, counting them: each indented, up to the first that
    // starts with `}`, which must hold nothing else.
    const limit = from + this.maxBlockChars;
    let newlines = 0;
    let p = nl;
    for (;;) {
      newlines++;
      const c = text.charCodeAt(p + 1);
      if (c === 125 /* } */) break;
      if (c !== 32 && c !== 9) return -1;
      p = text.indexOf('\n', p + 1);
      if (p < 0 || p > limit) return -1;
    }
    const closeStart = p + 1;
    const closeNl = text.indexOf('\n', closeStart);
    if (closeNl < 0 || closeNl - from > this.maxBlockChars) return -1;
    for (let i = closeStart + 1; i < closeNl; i++) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 13) return -1;
    }
    this.crAt = this.nextIn('\r', from, this.crAt);
    if (this.crAt < closeStart) return -1;
    if (this.allowFramed) {
      this.markerAt = this.nextIn(SPAN_LENS_MARKER, from, this.markerAt);
      if (this.markerAt < closeNl) return -1;
    }
    // Line readers see the `{` line as they would on the line path (one may hold a record open).
    const start = this.lineNo;
    for (const { format, reader } of this.readers) {
      if (!format.mayMatch('{')) continue;
      if (reader.line('{', start) !== LineVerdict.NotMine) {
        this.lineNo++;
        return nl + 1;
      }
    }
    const endLine = start + newlines;
    this.lineNo = endLine + 1;
    this.dispatchBlock(textBlock(text, from, closeStart + 1, newlines + 1), start, endLine, '');
    return closeNl + 1;
  }

  /**
   * After a format read a record in place (BlockFormat.readAt): where to go on, past its `}`
   * line, when the block path would have taken the same block; -2 when a line reader took the
   * `{` line instead; -1 to collect the block as usual.
   */
  private recordAt(from: number, at: { close: number; breaks: number }): number {
    const close = at.close;
    if (close + 2 - from > this.maxBlockChars) return -1;
    this.crAt = this.nextIn('\r', from, this.crAt);
    if (this.crAt < close) return -1;
    if (this.allowFramed) {
      this.markerAt = this.nextIn(SPAN_LENS_MARKER, from, this.markerAt);
      if (this.markerAt < close + 1) return -1;
    }
    const start = this.lineNo;
    for (const { format, reader } of this.readers) {
      if (!format.mayMatch('{')) continue;
      if (reader.line('{', start) !== LineVerdict.NotMine) {
        this.lineNo++;
        return -2;
      }
    }
    this.lineNo = start + at.breaks + 1;
    return close + 2;
  }

  private output(line: number, text: string): void {
    this.flushHeld();
    this.held = { line, text };
  }

  private flushHeld(): void {
    if (this.held) {
      const h = this.held;
      this.held = null;
      this.opts.onOutput?.(h);
    }
  }

  private line(text: string): void {
    const lineNo = this.lineNo++;
    if (this.allowFramed) {
      const k = text.indexOf(SPAN_LENS_MARKER);
      if (k >= 0 && this.framed(text, k, lineNo)) return;
    }
    if (this.block) {
      if (this.blockLine(text, lineNo)) return;
    }
    this.freeLine(text, lineNo);
  }

  /** A framed Span Lens record; text before the marker is program output (a partial line). */
  private framed(text: string, k: number, lineNo: number): boolean {
    const record = readSpanLensRecord(text.slice(k), this.opts.nonce, this.memo);
    if (!record) return false;
    if (k > 0) this.output(lineNo, text.slice(0, k));
    for (const span of record.spans) {
      if (!span.origin) span.origin = { format: 'span-lens', line: lineNo, endLine: lineNo };
      this.emitSpan('span-lens', span);
    }
    if (record.facts) this.opts.onFacts?.(record.facts);
    if (record.error) this.opts.onUnparsed?.({ startLine: lineNo, endLine: lineNo, reason: record.error, format: 'span-lens', text: clip(text) });
    return true;
  }

  /** A line while a `{ ... }` block is open. Returns false when the line broke the block. */
  private blockLine(text: string, lineNo: number): boolean {
    const block = this.block!;
    const c = text.charCodeAt(0);
    if (c === 125 /* } */ && text.trimEnd() === '}') {
      block.push('}');
      this.closeBlock(lineNo);
      return true;
    }
    if ((c === 32 || c === 9) && this.blockChars + text.length <= this.maxBlockChars) {
      block.push(text);
      this.blockChars += text.length + 1;
      return true;
    }
    if (c === 32 || c === 9) {
      this.breakBlock(`is larger than ${this.maxBlockChars} characters`);
      this.opts.onUnparsed?.({ startLine: lineNo, endLine: lineNo, reason: 'inside an over-long span object', text: clip(text) });
      return true;
    }
    this.breakBlock('is cut off by program output');
    return false;
  }

  private closeBlock(endLine: number): void {
    const lines = this.block!;
    this.block = null;
    this.dispatchBlock(linesBlock(lines), this.blockStart, endLine, this.blockPrefix);
  }

  /** Offer a complete block to the block formats; nobody's block goes back to the program's output. */
  private dispatchBlock(block: Block, start: number, endLine: number, prefix: string): void {
    for (const format of this.blocks) {
      let result;
      try {
        result = format.parseBlockText ? format.parseBlockText(block, start, this.memo) : format.parseBlock!(block.lines(), start);
      } catch (err) {
        result = { spans: [], unparsedReason: `internal error reading ${format.name}: ${(err as Error).message}` };
      }
      if (!result) continue;
      if (prefix) this.output(start, prefix);
      for (const span of result.spans) {
        if (!span.origin) span.origin = { format: format.name, line: start, endLine };
        this.emitSpan(format.name, span);
      }
      if (result.unparsedReason) {
        this.opts.onUnparsed?.({ startLine: start, endLine, reason: result.unparsedReason, format: format.name, text: clip(block.text) });
      }
      return;
    }
    // Nobody's span: the program printed something brace-shaped. Give it back as output.
    const lines = block.lines();
    this.output(start, prefix + lines[0]);
    for (let i = 1; i < lines.length; i++) this.output(start + i, lines[i]);
  }

  private breakBlock(why: string): void {
    const lines = this.block!;
    const start = this.blockStart;
    const prefix = this.blockPrefix;
    this.block = null;
    const sample = lines.length > 40 ? lines.slice(0, 40).join('\n') : lines.join('\n');
    if (SPANLIKE.test(sample)) {
      if (prefix) this.output(start, prefix);
      this.opts.onUnparsed?.({
        startLine: start,
        endLine: start + lines.length - 1,
        reason: `a span object starts at line ${start + 1} and ${why}`,
        text: clip(lines.join('\n')),
      });
      return;
    }
    this.output(start, prefix + lines[0]);
    for (let i = 1; i < lines.length; i++) this.output(start + i, lines[i]);
  }

  /** A line outside any block. */
  private freeLine(text: string, lineNo: number): void {
    for (const { format, reader } of this.readers) {
      if (!format.mayMatch(text)) continue;
      const verdict = reader.line(text, lineNo);
      if (verdict === LineVerdict.NotMine) continue;
      if (verdict === LineVerdict.MineWithPrevious && this.held && this.held.line === lineNo - 1) this.held = null;
      return;
    }
    const first = firstNonSpace(text);
    if (first >= 0 && text.charCodeAt(first) === 123 /* { */) {
      const trimmed = text.trimEnd();
      if (trimmed.length > first + 1 && trimmed.charCodeAt(trimmed.length - 1) === 125 /* } */ && this.jsonLines.length) {
        if (this.jsonLine(trimmed.slice(first), lineNo, text)) return;
      }
    } else if (this.jsonLines.length && text.length > 2 && text.trimEnd().endsWith('}')) {
      // A partial line printed without a newline, glued before a JSON record (Go's compact
      // stdouttrace after fmt.Print): the record is read, the text before it stays output.
      const k = text.indexOf('{"');
      if (k > 0 && this.jsonLine(text.trimEnd().slice(k), lineNo, text, true)) {
        this.output(lineNo, text.slice(0, k));
        return;
      }
    }
    const trimmed = text.length && text.charCodeAt(text.length - 1) !== 123 ? text.trimEnd() : text;
    if (trimmed.length && trimmed.charCodeAt(trimmed.length - 1) === 123 && this.blocks.length) {
      this.block = ['{'];
      this.blockStart = lineNo;
      this.blockPrefix = trimmed.slice(0, -1);
      this.blockChars = 2;
      return;
    }
    this.output(lineNo, text);
  }

  private jsonLine(json: string, lineNo: number, raw: string, glued = false): boolean {
    for (const format of this.jsonLines) {
      if (!format.parseLine) continue;
      let spans: Span[] | undefined;
      try {
        spans = format.parseLine(json, lineNo, raw, this.memo);
      } catch {
        spans = undefined; // the ordinary path below reads the line (and reports what is wrong)
      }
      if (spans) {
        this.emitLineSpans(format.name, spans, lineNo);
        return true;
      }
    }
    // JSON.parse, the exact parser only when it refuses (NaN, Infinity): the formats notice an
    // integer JSON.parse rounded and re-read their line exactly, so the common line pays nothing.
    const read = readJsonRecord(json);
    const value = 'value' in read ? read.value : undefined;
    if (!('value' in read)) {
      // After a glued prefix the `{"` may be the program's own text: no damage report then.
      if (!glued && SPANLIKE.test(json.slice(0, 4096))) {
        this.opts.onUnparsed?.({ startLine: lineNo, endLine: lineNo, reason: 'a span line is not valid JSON (cut off or damaged)', text: clip(raw) });
        return true;
      }
      return false;
    }
    for (const format of this.jsonLines) {
      let read: Span[] | BlockResult | null;
      try {
        read = format.parseValue(value, lineNo, raw, this.memo);
      } catch (err) {
        this.opts.onUnparsed?.({ startLine: lineNo, endLine: lineNo, reason: `internal error reading ${format.name}: ${(err as Error).message}`, format: format.name, text: clip(raw) });
        return true;
      }
      if (!read) continue;
      if (Array.isArray(read)) {
        this.emitLineSpans(format.name, read, lineNo);
        return true;
      }
      this.emitLineSpans(format.name, read.spans, lineNo);
      if (read.unparsedReason) this.opts.onUnparsed?.({ startLine: lineNo, endLine: lineNo, reason: read.unparsedReason, format: format.name, text: clip(raw) });
      return true;
    }
    return false;
  }

  private emitLineSpans(format: FormatName, spans: Span[], lineNo: number): void {
    for (const span of spans) {
      if (!span.origin) span.origin = { format, line: lineNo, endLine: lineNo };
      this.emitSpan(format, span);
    }
  }
}

function textBlock(source: string, from: number, to: number, lineCount: number): Block {
  const text = source.slice(from, to);
  let lines: string[] | undefined;
  const nl = text.indexOf('\n');
  const nl2 = nl < 0 ? -1 : text.indexOf('\n', nl + 1);
  return {
    text,
    lineCount,
    second: nl < 0 || nl2 < 0 ? '' : text.slice(nl + 1, nl2),
    lines: () => (lines ??= text.split('\n')),
    source,
    sourceStart: from,
  };
}

/** A Block over lines already split (the line path, and formats called with lines). */
export function linesBlock(lines: string[]): Block {
  let text: string | undefined;
  return {
    get text() {
      return (text ??= lines.join('\n'));
    },
    lineCount: lines.length,
    second: lines.length > 2 ? lines[1] : '',
    lines: () => lines,
  };
}

function firstNonSpace(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return i;
  }
  return -1;
}

function clip(text: string): string {
  return text.length > MAX_UNPARSED_TEXT ? text.slice(0, MAX_UNPARSED_TEXT) + `… (${text.length - MAX_UNPARSED_TEXT} more characters)` : text;
}

function mebibytes(chars: number): number {
  return Math.round((chars / (1024 * 1024)) * 10) / 10;
}

/** Options of a parser whose findings are gathered into a ParseResult. */
export type CollectingOptions = Omit<StreamParserOptions, 'onSpan' | 'onOutput' | 'onUnparsed' | 'onFacts' | 'onFormat'>;

/** A stream parser that gathers what it reads into `result` (complete once `parser.end()` ran). */
export function collectingParser(registry: FormatRegistry, opts: CollectingOptions = {}): { parser: StreamParser; result: ParseResult } {
  const result: ParseResult = { spans: [], unparsed: [], output: [], formats: [], facts: {} };
  const parser = new StreamParser(registry, {
    ...opts,
    onSpan: (s) => result.spans.push(s),
    onOutput: (l) => result.output.push(l),
    onUnparsed: (u) => result.unparsed.push(u),
    onFacts: (f) => mergeFacts(result.facts, f),
    onFormat: (f) => result.formats.push(f),
  });
  return { parser, result };
}

/** Parse a whole text at once with the given registry. */
export function parseWith(registry: FormatRegistry, text: string | Uint8Array, opts: CollectingOptions = {}): ParseResult {
  const { parser, result } = collectingParser(registry, opts);
  parser.write(text);
  parser.end();
  return result;
}

/** Merge facts reported along the way (lists concatenate, counts add, flags stick). */
export function mergeFacts(into: RunFacts, f: RunFacts): void {
  if (f.sdk) into.sdk = f.sdk;
  if (f.programExporters) into.programExporters = [...new Set([...(into.programExporters ?? []), ...f.programExporters])];
  if (f.noExporter !== undefined) into.noExporter = f.noExporter;
  if (f.lostAtExit) into.lostAtExit = [...(into.lostAtExit ?? []), ...f.lostAtExit];
  if (f.droppedSpans) into.droppedSpans = (into.droppedSpans ?? 0) + f.droppedSpans;
  if (f.sdkDroppedSpans) into.sdkDroppedSpans = (into.sdkDroppedSpans ?? 0) + f.sdkDroppedSpans;
  if (f.message && !into.message?.includes(f.message)) into.message = into.message ? `${into.message}\n${f.message}` : f.message;
}
