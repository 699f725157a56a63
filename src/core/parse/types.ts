/**
 * The contract between the stream demultiplexer (demux.ts) and the per-format readers.
 *
 * The demux splits input into lines (0-based numbers, `\r\n` and `\r` stripped, invalid UTF-8
 * replaced by U+FFFD) and offers each line to the formats. Three kinds of format exist:
 *
 * - BlockFormat: a record is a multi-line object whose first line is `{` at column 0 (possibly
 *   with program text glued before it) and whose last line is `}` at column 0, every line between
 *   them indented (Python ConsoleSpanExporter, Node util.inspect, Go stdouttrace pretty, a
 *   pretty-printed OTLP JSON file). The demux collects the block and asks each block format in
 *   turn; the first one that returns non-null owns it.
 * - JsonLineFormat: a record is one line holding one JSON object (Go stdouttrace compact, Java
 *   OtlpJsonLoggingSpanExporter, Rust tracing json, OTLP JSON lines). The demux JSON-parses the
 *   line once and offers the value to each JSON line format.
 * - LineFormat: anything else line-oriented and possibly stateful (Java JUL two-line records,
 *   Rust tracing fmt close lines).
 */
import type { FormatName, LossyField, RunFacts, Span, Unparsed } from '../model';

/** What a reader hands back to the demux. */
export interface Sink {
  span(span: Span): void;
  unparsed(u: Unparsed): void;
  facts(f: RunFacts): void;
  /**
   * Program text found on a line the reader claimed (a partial line printed without a newline and
   * glued before a record). Kept as output at that line, before the record.
   */
  output?(line: number, text: string): void;
}

export interface BlockResult {
  /** Usually one span; a block may carry several (OTLP JSON). */
  spans: Span[];
  /** Set when the block is clearly this format's record but could not be read. */
  unparsedReason?: string;
}

/** A collected `{ … }` block: its text at once, its lines only when asked for. */
export interface Block {
  /** From the `{` (glued prefix removed) to the closing `}`, lines joined by `\n`. */
  readonly text: string;
  readonly lineCount: number;
  /** The line after `{` (the first key, for cheap sniffing); '' for `{}`. */
  readonly second: string;
  /** The lines, split on first use. */
  lines(): string[];
  /**
   * When set, `text` is `source.slice(sourceStart, sourceStart + text.length)`: a reader that
   * walks characters can read the block in place (V8 reads a flat string faster than a slice).
   */
  readonly source?: string;
  readonly sourceStart?: number;
}

/**
 * Scratch space one parser lends the formats for the length of one output: a format keeps what
 * repeats from record to record there (the last Resource read, to share it while it repeats).
 * Never shared between parsers, so no parse hands out objects another parse's caller may change.
 * Each format uses keys of its own name.
 */
export type ParseMemo = Map<string, unknown>;

export interface BlockFormat {
  name: FormatName;
  /**
   * Parse one block. `lines` runs from the `{` line (with any glued prefix removed) to the
   * closing `}` line inclusive; `startLine` is the 0-based number of the `{` line.
   * Return null when the block is not this format (a JSON lookalike the program printed).
   * Must never throw.
   */
  parseBlock?(lines: string[], startLine: number): BlockResult | null;
  /**
   * The same from the block's text, preferred when present: formats that parse the text whole
   * (JSON) skip splitting and re-joining lines, the bulk of the cost at 100k spans. A format
   * implements this or `parseBlock`.
   */
  parseBlockText?(block: Block, startLine: number, memo?: ParseMemo): BlockResult | null;
  /**
   * A record read in place, before any block is collected: `text` holds a `{` line at `from`
   * (0-based line `startLine`) and whatever follows. Returns the record's span, the index of the
   * `}` closing it (alone on its line, a line break right after) and the line breaks before that
   * `}`, when the format recognises the record cheaply, every line between indented. Must give the
   * same span as collecting the block and calling parseBlockText would, and only for records
   * the formats before it decline; the demux still checks what the block path checks (no CR, no
   * frame marker, not over-long). Undefined: the block is collected as usual.
   */
  readAt?(text: string, from: number, startLine: number, memo: ParseMemo): { span: Span; close: number; breaks: number } | undefined;
}

export interface JsonLineFormat {
  name: FormatName;
  /**
   * Read one already-parsed JSON line. Return null when the value is not this format's record;
   * its spans, or a BlockResult when part of the record could not be read (the spans read and why).
   * Must never throw. `value` came from JSON.parse, or from parseJsonLoose (bigint for integers
   * beyond 2^53, NaN/Infinity) when JSON.parse refused the line. JSON.parse rounds integers
   * beyond 2^53 silently: a format whose records can hold them re-reads `raw` with
   * parseJsonLoose when it meets a number that is not a safe integer.
   */
  parseValue(value: unknown, line: number, raw: string, memo?: ParseMemo): Span[] | BlockResult | null;
  /**
   * Optionally read the line's text before the demux JSON-parses it, for a format that can do
   * it cheaper (e.g. skipping a part that repeats verbatim from its previous record). `json` is
   * the line from its `{` to its last `}`. Return the spans when this is the format's record and
   * was read (wholly: a record with damage to report takes the ordinary path); undefined hands
   * the line to the ordinary path (JSON.parse, then `parseValue`), which must give the same
   * result. Must never throw.
   */
  parseLine?(json: string, line: number, raw: string, memo?: ParseMemo): Span[] | undefined;
}

/** How a line reader judged a line. */
export const enum LineVerdict {
  /** Not this format's line: leave it to the others / program output. */
  NotMine = 0,
  /** Span output, consumed. */
  Mine = 1,
  /** Span output, and so is the single program line just before it (e.g. a JUL header line). */
  MineWithPrevious = 2,
}

export interface LineReader {
  line(text: string, lineNo: number): LineVerdict;
  /** End of input: emit whatever is pending (spans still open, half records as unparsed). */
  end(lastLine: number): void;
}

export interface LineFormat {
  name: FormatName;
  /** Cheap pre-filter on a raw line before `line()` is called; keeps the hot path fast. */
  mayMatch(text: string): boolean;
  createReader(sink: Sink): LineReader;
}

export type { LossyField };
