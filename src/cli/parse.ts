/**
 * `span-lens parse` and `span-lens tree`: read saved output (a file or stdin) and print its
 * spans as SCHEMA.md JSON, or each trace as an indented tree.
 */
import * as fs from 'fs';
import { FORMAT_NAMES, type FormatName, type ParseResult, type Span } from '../core/model';
import { spanToSchema } from '../core/schema';
import { buildTraces, type TraceNode } from '../core/tree';
import { formatDuration } from '../core/format';
import { maskSensitiveText } from '../core/sensitive';
import { terminalLine, terminalText } from '../core/safeText';
import { InputError, parseInput, writeJsonWithList } from './input';

/** Tutorial-style compact duration: `81ms`, `1.2s`. */
const formatMs = (ns: bigint): string => (ns === 0n ? '0ms' : formatDuration(ns).replace(' ', ''));

export interface InputArgs {
  file: string;
  format?: FormatName;
  rest: string[];
}

/** Parse `[FILE|-] [--format auto|NAME]`; throws a usage message. */
export function parseInputArgs(args: string[], command: string): InputArgs {
  let file = '-';
  let format: FormatName | undefined;
  const rest: string[] = [];
  let gotFile = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--format' || a.startsWith('--format=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (v === undefined) throw new UsageError(`${command}: --format needs a value: auto or one of ${FORMAT_NAMES.join(', ')}`);
      if (v !== 'auto') {
        if (!(FORMAT_NAMES as readonly string[]).includes(v)) throw new UsageError(`${command}: unknown format '${v}': use auto or one of ${FORMAT_NAMES.join(', ')}`);
        format = v as FormatName;
      }
    } else if (!gotFile && (a === '-' || !a.startsWith('-'))) {
      file = a;
      gotFile = true;
    } else rest.push(a);
  }
  return { file, format, rest };
}

export class UsageError extends Error {}

/** Read a file or stdin fully as bytes (the parser decodes, so invalid UTF-8 survives). Prefer parseInput, which streams. */
export function readInput(file: string): Buffer {
  if (file === '-') return fs.readFileSync(0);
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${file}: no such file`);
    if (code === 'EISDIR') throw new UsageError(`${file}: is a directory, not an output file`);
    throw new UsageError(`${file}: cannot read (${code ?? (err as Error).message})`);
  }
}

async function readParsed(args: string[], command: string): Promise<{ result: ParseResult; input: InputArgs }> {
  const input = parseInputArgs(args, command);
  try {
    return { result: await parseInput(input.file, input.format ? { formats: [input.format] } : {}), input };
  } catch (err) {
    throw err instanceof InputError ? new UsageError(err.message) : err;
  }
}

async function withUsage(fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(terminalText(`span-lens ${err.message}\n`));
      return 2;
    }
    throw err;
  }
}

const PARSE_HELP = `usage: span-lens parse [FILE|-] [--format auto|NAME]

Prints {"spans": [...], "unparsed": [...]} for the span output in FILE (stdin when - or absent).
Spans use the SCHEMA.md field names: lower-case hex ids, nanosecond times as decimal strings.
Formats: ${FORMAT_NAMES.join(', ')}`;

/** `span-lens parse`: JSON out. Exit 0 even when some input could not be read (it is listed). */
export async function parseCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(PARSE_HELP + '\n');
    return 0;
  }
  return withUsage(async () => {
    const { result } = await readParsed(args, 'parse');
    // Written span by span: hundreds of thousands of spans are longer than one string can be.
    await writeJsonWithList(process.stdout, 'spans', result.spans.map(spanToSchema), {
      unparsed: result.unparsed.map((u) => ({
        startLine: u.startLine + 1,
        endLine: u.endLine + 1,
        reason: u.reason,
        ...(u.format ? { format: u.format } : {}),
      })),
      formats: result.formats,
    });
    return 0;
  });
}

const TREE_HELP = `usage: span-lens tree [FILE|-] [--format auto|NAME]

Prints each trace in FILE (stdin when - or absent) as an indented tree with start offsets and
durations; errors are marked ✗, orphans (parent not in the output) and unended spans are noted.`;

/** `span-lens tree`: the tutorial-style tree. */
export async function treeCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(TREE_HELP + '\n');
    return 0;
  }
  return withUsage(async () => {
    const { result } = await readParsed(args, 'tree');
    process.stdout.write(formatTree(result.spans));
    if (result.unparsed.length) {
      process.stdout.write(`\n${result.unparsed.length} place(s) could not be read:\n`);
      for (const u of result.unparsed.slice(0, 20)) process.stdout.write(`  lines ${u.startLine + 1}-${u.endLine + 1}: ${terminalLine(u.reason)}\n`);
    }
    return 0;
  });
}

/**
 * Each trace as an indented tree, times relative to the trace start:
 * `└─ span "payment.charge" [81ms ── 915ms] 834ms`. Safe to print: secrets in names and status
 * messages are masked, control and bidi characters escaped.
 */
export function formatTree(spans: readonly Span[]): string {
  if (!spans.length) return 'no spans\n';
  const traces = buildTraces(spans);
  const lines: string[] = [];
  for (const trace of traces) {
    const t0 = trace.startTimeUnixNano;
    const total = trace.endTimeUnixNano - t0;
    const errors = trace.errorCount ? `, ${trace.errorCount} error${trace.errorCount > 1 ? 's' : ''}` : '';
    const orphaned = trace.orphaned ? ' (no root: its parent is not in this run)' : '';
    const id = trace.traceId.length ? trace.traceId : '(no id)';
    lines.push(`trace ${id}  ${trace.nodes.length} span${trace.nodes.length === 1 ? '' : 's'}, ${formatMs(total)}${errors}${orphaned}`);
    // Depth-first with an explicit stack: traces thousands of spans deep must not overflow ours.
    const stack: { node: TraceNode; depth: number; last: boolean }[] = [];
    for (let i = trace.roots.length - 1; i >= 0; i--) stack.push({ node: trace.roots[i], depth: 0, last: i === trace.roots.length - 1 });
    // open[d]: whether the ancestor at depth d has siblings still to come (draws its │).
    const open: boolean[] = [];
    while (stack.length) {
      const { node, depth, last } = stack.pop()!;
      const s = node.span;
      const start = s.startTimeUnixNano - t0;
      const end = s.endTimeUnixNano === null ? null : s.endTimeUnixNano - t0;
      const range = end === null ? `[${formatMs(start)} ── never ended]` : `[${formatMs(start)} ── ${formatMs(end)}] ${formatMs(end - start)}`;
      const marks: string[] = [];
      if (s.status.code === 'ERROR') marks.push(`✗ ERROR${s.status.message ? `: ${shownLine(s.status.message)}` : ''}`);
      if (node.orphan) marks.push(`orphan: parent ${s.parentSpanId} not in this run`);
      if (node.duplicateId) marks.push(`duplicate span id ${s.spanId}`);
      if (s.kind !== 'INTERNAL') marks.push(s.kind);
      lines.push(`${treePrefix(open, depth)}${last ? '└─' : '├─'} span ${JSON.stringify(shownLine(s.name, false))} ${range}${marks.length ? '  ' + marks.join('; ') : ''}`);
      open[depth] = !last;
      for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i], depth: depth + 1, last: i === node.children.length - 1 });
    }
    lines.push('');
  }
  // Ids and anything else drawn from the input: no character of it may steer the terminal.
  return terminalText(lines.join('\n'));
}

/** Indentation drawn in full up to this depth; deeper rows say their depth instead (a line stays short). */
const MAX_DRAWN_DEPTH = 48;

/** The tree lines before a row at `depth`: `│  ` under ancestors with siblings to come, else spaces. */
function treePrefix(open: boolean[], depth: number): string {
  const drawn = Math.min(depth, MAX_DRAWN_DEPTH);
  let out = '';
  for (let d = 0; d < drawn; d++) out += open[d] ? '│  ' : '   ';
  return depth > MAX_DRAWN_DEPTH ? `${out}[depth ${depth}] ` : out;
}

/**
 * A span's text as one line of the tree: secrets masked, cut at 200 characters, and control or
 * bidi characters escaped (`escape` false: the caller quotes it as JSON, which escapes C0 itself).
 */
function shownLine(s: string, escape = true): string {
  const masked = maskSensitiveText(s);
  const cut = masked.length > 200 ? masked.slice(0, 200) + '…' : masked;
  return escape ? terminalLine(cut) : cut;
}
