/**
 * `span-lens run FILE [--json] [--timeout S] [-- ARGS...]`: run FILE with Span Lens, show its
 * output as it happens, then its trace as a tree and a summary (or, with --json, the spans as
 * SCHEMA.md JSON).
 */
import { stringifyJson } from '../core/json';
import type { RunFacts } from '../core/model';
import { spanToSchema } from '../core/schema';
import type { RunResult } from '../run/runFile';
import { jsonForTerminal, terminalText } from '../core/safeText';
import { maskSensitiveText } from '../core/sensitive';
import { LiveTraces, type CompletedTrace } from '../core/liveTraces';
import { formatTree } from './parse';
import { UsageError, readTimeout, runProgram, splitAtDashes } from './program';

const HELP = `usage: span-lens run FILE [--json | --follow] [--timeout S] [-- ARGS...]

Runs FILE (.js .mjs .cjs .ts .mts .cts .py .go .java .rs) with Span Lens, shows the program's
output as it prints it and each trace as a tree as soon as it completes (its root ended), then
what was still open at the end and a summary.

  --json         print {"exitCode", "signal", "spans": [...], "unparsed": [...], "facts", ...}
                 on stdout at the end (spans as SCHEMA.md objects, locations 1-based); the
                 program's own output goes to stderr
  --follow       print one JSON object a line as things happen: {"type": "trace", "traceId",
                 "spans": [...], "again", "atExit"} as each trace completes (again when a late
                 span arrives), then {"type": "run", "exitCode", ...} at the end; the program's
                 own output goes to stderr
  --timeout S    stop the program (and everything it started) after S seconds
  -- ARGS...     arguments for the program

The program reads span-lens's standard input (piped or typed), as it would without it.
Ctrl-C stops the program and everything it started.
Exit status: the program's (128 + signal number when a signal ended it), 2 when it could not be run.`;

/** Where the command writes; tests pass their own. */
export interface RunCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The program's standard input; none: it reads end-of-file. */
  stdin?: NodeJS.ReadableStream;
}

const processIo: RunCommandIo = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  // The user's input, piped or typed, is the program's, as without Span Lens.
  get stdin() {
    return process.stdin;
  },
};

interface RunArgs {
  file: string;
  json: boolean;
  follow: boolean;
  timeoutMs?: number;
  programArgs: string[];
}

function parseRunArgs(args: string[]): RunArgs {
  let file: string | undefined;
  let json = false;
  let follow = false;
  let timeoutMs: number | undefined;
  const { own, programArgs } = splitAtDashes(args);
  for (let i = 0; i < own.length; i++) {
    const a = own[i];
    if (a === '--json') json = true;
    else if (a === '--follow') follow = true;
    else if (a === '--timeout' || a.startsWith('--timeout=')) {
      const t = readTimeout(own, i, 'run: ');
      timeoutMs = t.timeoutMs;
      i = t.next;
    } else if (a.startsWith('-')) throw new UsageError(`run: unknown option '${a}' (program arguments go after --)`);
    else if (file === undefined) file = a;
    else programArgs.push(a);
  }
  if (file === undefined) throw new UsageError('run: which file? usage: span-lens run FILE [--json] [--timeout S] [-- ARGS...]');
  if (json && follow) throw new UsageError('run: --json prints one document at the end, --follow one line per trace: choose one');
  return { file, json, follow, timeoutMs, programArgs };
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };

/** `span-lens run`; resolves to the exit status. */
export async function runCommand(args: string[], io: RunCommandIo = processIo, signal?: AbortSignal): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(HELP + '\n');
    return 0;
  }
  let parsed: RunArgs;
  try {
    parsed = parseRunArgs(args);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`span-lens ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  // Traces are shown as they complete, not only when the program ends (a server runs for hours).
  const live = parsed.json ? undefined : new LiveTraces();
  const show = (done: CompletedTrace[]) => {
    for (const t of done) {
      if (parsed.follow) io.stdout(jsonForTerminal(stringifyJson({ type: 'trace', traceId: t.traceId, again: t.again, atExit: t.atExit, spans: t.spans.map(spanToSchema) })) + '\n');
      else io.stdout(`\n── trace${t.again ? ' (again: a late span arrived)' : t.atExit ? ' (still open when the program ended)' : ''} ${'─'.repeat(40)}\n${formatTree(t.spans)}`);
    }
  };
  const ticker = live && setInterval(() => show(live.tick(Date.now())), 50);
  const json = parsed.json || parsed.follow;
  let result: RunResult;
  try {
    result = await runProgram(parsed.file, {
      programArgs: parsed.programArgs,
      timeoutMs: parsed.timeoutMs,
      signal,
      onSpan: live && ((span) => live.add(span, Date.now())),
      io: {
        stdin: io.stdin,
        // With --json or --follow, stdout carries only JSON: the program's output goes to stderr.
        output: (stream, chunk) => (json || stream === 'stderr' ? io.stderr(chunk) : io.stdout(chunk)),
        notice: (message) => io.stderr(`\nspan-lens: ${message}\n`),
      },
    });
  } finally {
    if (ticker) clearInterval(ticker);
  }
  if (live) show(live.finish());

  if (result.error) {
    io.stderr(`span-lens run: ${result.error}\n`);
    if (parsed.json) io.stdout(jsonForTerminal(stringifyJson(jsonReport(result), 2)) + '\n');
    else if (parsed.follow) io.stdout(jsonForTerminal(stringifyJson({ type: 'run', ...jsonReport(result) })) + '\n');
    return 2;
  }
  if (parsed.json) io.stdout(jsonForTerminal(stringifyJson(jsonReport(result), 2)) + '\n');
  else if (parsed.follow) {
    const { spans: _spans, ...run } = jsonReport(result);
    io.stdout(jsonForTerminal(stringifyJson({ type: 'run', ...run })) + '\n');
  } else io.stdout(humanReport(result, { trees: false }));
  if (result.failure) io.stderr(`span-lens run: ${result.failure}\n`);
  if (result.exitCode !== null) return result.exitCode;
  return 128 + (SIGNAL_NUMBERS[result.signal ?? ''] ?? 1);
}

function jsonReport(result: RunResult): Record<string, unknown> {
  const out: Record<string, unknown> = {
    exitCode: result.exitCode,
    signal: result.signal,
    spans: result.spans.map(spanToSchema),
    unparsed: result.unparsed.map((u) => ({
      stream: u.stream,
      startLine: u.startLine + 1,
      endLine: u.endLine + 1,
      reason: u.reason,
      ...(u.format ? { format: u.format } : {}),
    })),
    facts: result.facts,
    durationMs: result.durationMs,
    cut: result.cut,
  };
  if (result.stopped) out.stopped = result.stopped;
  if (result.error) out.error = result.error;
  if (result.failure) out.failure = result.failure;
  if (result.unlocated?.length) out.unlocated = result.unlocated;
  return out;
}

/** The tree and a summary, after the program's own output. */
export function humanReport(result: RunResult, opts: { trees?: boolean } = {}): string {
  const lines: string[] = [''];
  // Trees printed live as their traces completed are not printed again.
  if (opts.trees !== false) {
    lines.push(`── trace ${'─'.repeat(60)}`);
    lines.push(formatTree(result.spans).trimEnd());
    lines.push('');
  } else if (!result.spans.length) lines.push('no spans', '');
  const traces = new Set(result.spans.map((s) => s.traceId)).size;
  const status = result.stopped
    ? `stopped (${result.stopped === 'timeout' ? 'timed out' : 'cancelled'})`
    : result.exitCode !== null
      ? `exit code ${result.exitCode}`
      : `ended by ${result.signal}`;
  lines.push(`${result.spans.length} span${result.spans.length === 1 ? '' : 's'} in ${traces} trace${traces === 1 ? '' : 's'}, ${status}, ${formatRunTime(result.durationMs)}`);
  const unended = result.spans.filter((s) => s.endTimeUnixNano === null).length;
  if (unended) lines.push(`${unended} span${unended === 1 ? ' was' : 's were'} started and never ended`);
  lines.push(...factLines(result.facts));
  if (result.cut.spans) lines.push(`${result.cut.spans} span(s) were not kept: the span limit was reached`);
  if (result.cut.outputBytes) lines.push(`${result.cut.outputBytes} bytes of program output were not shown: the output limit was reached`);
  for (const u of result.unlocated ?? []) lines.push(`span ${JSON.stringify(maskSensitiveText(u.name))} has no source location: ${u.reason}`);
  if (result.unparsed.length) {
    lines.push(`${result.unparsed.length} place(s) in the output looked like spans but could not be read:`);
    for (const u of result.unparsed.slice(0, 10)) lines.push(`  ${u.stream} lines ${u.startLine + 1}-${u.endLine + 1}: ${u.reason}`);
  }
  // Names, reasons and messages come from the program's output: nothing in them may steer the terminal.
  return terminalText(lines.join('\n') + '\n');
}

function factLines(facts: RunFacts): string[] {
  const out: string[] = [];
  if (facts.message) out.push(facts.message);
  if (facts.sdkDroppedSpans) out.push(`the program's SDK dropped ${facts.sdkDroppedSpans} span(s) (its batch queue was full)`);
  if (facts.noExporter) out.push('the program configured no exporter: without Span Lens these spans would go nowhere');
  if (facts.lostAtExit && facts.lostAtExit.length) {
    out.push(`${facts.lostAtExit.length} ended span(s) were never exported by the program's own exporter (no shutdown or flush before exit)`);
  }
  return out;
}

function formatRunTime(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
