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
import type { Block, BlockFormat, BlockResult } from '../types';
import { InspectReader, InspectSyntaxError, isWordChar } from './reader';
import { spanFrom } from './span';
import type { TopFields } from './values';

export { microsToNanos } from './micros';

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
