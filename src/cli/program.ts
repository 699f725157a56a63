/**
 * Running the user's program for `span-lens run` and `span-lens check` alike: the same working
 * folder, arguments after `--`, `--timeout`, the user's stdin, and every way the CLI is told to
 * stop (Ctrl-C, SIGTERM from a CI timeout, SIGHUP from a closed terminal) stops the program's
 * whole process tree before the CLI reports and exits.
 */
import type { Span } from '../core/model';
import { runFile, type OutputStream, type RunResult } from '../run/runFile';
import { onOutputClosed } from './closedOutput';

/** A command-line mistake; its message is for the user. */
export class UsageError extends Error {}

/** The command's own arguments and the program's (everything after `--`). */
export function splitAtDashes(args: string[]): { own: string[]; programArgs: string[] } {
  const dashes = args.indexOf('--');
  return dashes >= 0 ? { own: args.slice(0, dashes), programArgs: args.slice(dashes + 1) } : { own: args, programArgs: [] };
}

/** `--timeout S` (or `--timeout=S`) at `own[i]`: the milliseconds and the index of the last word it used. */
export function readTimeout(own: string[], i: number, prefix: string): { timeoutMs: number; next: number } {
  const a = own[i];
  const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : own[i + 1];
  const s = Number(v);
  if (v === undefined || !Number.isFinite(s) || s <= 0) throw new UsageError(`${prefix}--timeout needs a number of seconds above 0, not '${v ?? ''}'`);
  return { timeoutMs: Math.round(s * 1000), next: a.includes('=') ? i : i + 1 };
}

export interface ProgramIo {
  /** The program's output as it prints it. */
  output(stream: OutputStream, text: string): void;
  /** Span Lens's own messages (which interpreter ran, a cap reached, stopping). */
  notice(text: string): void;
  stdin?: NodeJS.ReadableStream;
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Run `file` with Span Lens in the current folder. Unless `signal` is given (tests, embedding),
 * SIGINT, SIGTERM and SIGHUP stop the program and everything it started (SIGTERM, a grace
 * period, SIGKILL); a second one kills them all at once. Either way the run ends with its report.
 */
export async function runProgram(
  file: string,
  opts: { programArgs: string[]; timeoutMs?: number; io: ProgramIo; signal?: AbortSignal; onSpan?: (span: Span) => void },
): Promise<RunResult> {
  const controller = new AbortController();
  const hard = new AbortController();
  opts.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  let stops = 0;
  const onStop = (sig: NodeJS.Signals) => {
    // The program runs in its own process group, so a terminal's Ctrl-C reaches only us: stop it.
    if (++stops > 1) {
      // Asked again: kill the whole tree now, then report what there is (never leave it running).
      opts.io.notice('killing the program and everything it started');
      hard.abort();
      return;
    }
    opts.io.notice(`stopping the program (${sig === 'SIGINT' ? 'Ctrl-C again to kill it at once' : `span-lens got ${sig}`})`);
    controller.abort();
  };
  const listen = opts.signal === undefined;
  if (listen) for (const s of STOP_SIGNALS) process.on(s, onStop);
  // `span-lens run … | head`: the reader is gone, so stop the program as SIGPIPE would have.
  const offClosed = onOutputClosed(() => controller.abort());
  try {
    return await runFile(
      file,
      { args: opts.programArgs, cwd: process.cwd() },
      {
        signal: controller.signal,
        timeoutMs: opts.timeoutMs,
        stdin: opts.io.stdin,
        hardSignal: hard.signal,
        onSpan: opts.onSpan,
        onOutput: (stream, chunk) => opts.io.output(stream, chunk),
        onNotice: (message) => opts.io.notice(message),
      },
    );
  } finally {
    offClosed();
    if (listen) for (const s of STOP_SIGNALS) process.removeListener(s, onStop);
  }
}

/**
 * Why a run does not count as a check of the program, in the user's words; empty when it ran
 * to a clean exit and every span record was read. A CI gate must not pass on a program that
 * failed to start, crashed, exited non-zero or printed spans that could not be read.
 */
export function runProblems(result: RunResult, timeoutMs?: number): string[] {
  if (result.error) return [`the program could not be run: ${result.error}`];
  const out: string[] = [];
  if (result.stopped === 'timeout') out.push(`the program was stopped after the ${(timeoutMs ?? 0) / 1000} s timeout`);
  else if (result.stopped === 'aborted') out.push('the run was stopped before the program finished');
  else if (result.signal) out.push(`the program was ended by ${result.signal}`);
  else if (result.exitCode !== 0) out.push(`the program exited with code ${result.exitCode}`);
  if (result.failure) out.push(result.failure);
  out.push(...unreadableProblems(result.unparsed));
  return out;
}

/** One line for the places span output could not be read, with the first few of them. */
export function unreadableProblems(unparsed: { startLine: number; endLine: number; reason: string; stream?: string }[]): string[] {
  if (!unparsed.length) return [];
  const first = unparsed
    .slice(0, 3)
    .map((u) => `${u.stream ? `${u.stream} ` : ''}lines ${u.startLine + 1}-${u.endLine + 1}: ${u.reason}`)
    .join('; ');
  return [`${unparsed.length} place(s) in the output looked like spans but could not be read (${first}${unparsed.length > 3 ? '; …' : ''})`];
}
