/**
 * The parser entry points: every supported console format, detected automatically.
 */
import type { FormatName, ParseResult } from '../model';
import { StreamParser, collectingParser, parseWith, type CollectingOptions, type FormatRegistry, type StreamParserOptions } from './demux';
import { goStdouttraceLines, goStdouttracePretty } from './go';
import { javaLogging, javaOtlpJsonFormat } from './java';
import { nodeInspect } from './nodeInspect';
import { otlpJsonBlock, otlpJsonLines, readOtlpText } from './otlpJson';
import { pythonConsole } from './python';
import { rustTracingFmt, rustTracingJson } from './rust';
import { rustOtelStdout } from './rustOtelStdout';

export { StreamParser, mergeFacts, type CollectingOptions, type StreamParserOptions } from './demux';

/** Every format reader, in the order they are tried. */
export const defaultRegistry: FormatRegistry = {
  blocks: [pythonConsole, nodeInspect, goStdouttracePretty, otlpJsonBlock],
  jsonLines: [goStdouttraceLines, otlpJsonLines],
  lines: [javaLogging, javaOtlpJsonFormat(readOtlpText), rustTracingFmt, rustTracingJson, rustOtelStdout],
};

/** Parse a complete output text (or bytes). Never throws. */
export function parseText(text: string | Uint8Array, opts: { formats?: FormatName[]; nonce?: string } = {}): ParseResult {
  return parseWith(defaultRegistry, text, opts);
}

/** A parser for output arriving in chunks that gathers what it reads into `result`, as parseText does. */
export function createCollectingParser(opts: CollectingOptions = {}): { parser: StreamParser; result: ParseResult } {
  return collectingParser(defaultRegistry, opts);
}

/** A parser for output arriving in chunks. */
export function createStreamParser(opts: StreamParserOptions = {}): StreamParser {
  return new StreamParser(defaultRegistry, opts);
}
