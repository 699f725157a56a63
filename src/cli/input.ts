/**
 * Saved output in, as a stream: files and stdin are parsed chunk by chunk, so their size is bounded
 * by the memory the spans take, not by the longest string V8 can hold (a file over 512 MiB could
 * not be decoded into one). And `parse`'s JSON out, written span by span for the same reason.
 */
import * as fs from 'fs';
import type { FormatName, ParseResult } from '../core/model';
import { createCollectingParser } from '../core/parse';
import { stringifyJson } from '../core/json';
import { jsonForTerminal } from '../core/safeText';

/** A command-line mistake about the input; its message is for the user. */
export class InputError extends Error {}

/** Read FILE (or stdin for `-`) through the stream parser. Rejects with InputError for a missing or unreadable file. */
export async function parseInput(file: string, opts: { formats?: FormatName[] } = {}): Promise<ParseResult> {
  const { parser, result } = createCollectingParser(opts);
  const stream = file === '-' ? process.stdin : fs.createReadStream(file, { highWaterMark: 1024 * 1024 });
  try {
    for await (const chunk of stream) parser.write(chunk as Buffer);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${file}: no such file`);
    if (code === 'EISDIR') throw new InputError(`${file}: is a directory, not an output file`);
    throw new InputError(`${file}: cannot read (${code ?? (err as Error).message})`);
  }
  parser.end();
  return result;
}

/** Something to write text to (process.stdout, or a test's collector): `write` returns false when its buffer is full. */
export interface TextSink {
  write(text: string): boolean;
  once?(event: 'drain', listener: () => void): unknown;
}

/** Write, and wait for the sink to drain when it says its buffer is full (a slow reader on a pipe). */
async function writeWaiting(out: TextSink, text: string): Promise<void> {
  if (!out.write(text) && out.once) await new Promise<void>((resolve) => out.once!('drain', resolve));
}

/**
 * `{"key": [items...], ...rest}` as `stringifyJson(value, 2)` would print it, but with the list
 * written item by item in batches: a list of 700,000 spans is longer than one string can be.
 * Control and bidi characters are escaped as for a terminal (jsonForTerminal).
 */
export async function writeJsonWithList(out: TextSink, key: string, items: readonly unknown[], rest: Record<string, unknown>): Promise<void> {
  const indentItem = (json: string) => '    ' + json.replace(/\n/g, '\n    ');
  let batch = `{\n  ${JSON.stringify(key)}: [`;
  for (let i = 0; i < items.length; i++) {
    batch += (i ? ',\n' : '\n') + indentItem(stringifyJson(items[i], 2));
    if (batch.length > 1 << 16) {
      await writeWaiting(out, jsonForTerminal(batch));
      batch = '';
    }
  }
  batch += items.length ? '\n  ]' : ']';
  for (const [k, v] of Object.entries(rest)) batch += `,\n  ${JSON.stringify(k)}: ${stringifyJson(v, 2).replace(/\n/g, '\n  ')}`;
  await writeWaiting(out, jsonForTerminal(batch + '\n}') + '\n');
}
