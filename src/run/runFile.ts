/**
 * Run a file with Span Lens and collect its trace: the one function the editor and the CLI call.
 *
 * launch.ts plans the command and its injection, process.ts runs it and owns its process tree,
 * and each of stdout and stderr is read by its own stream parser (src/core/parse) while the raw
 * output is passed on for display exactly as the program printed it, minus Span Lens's own frames.
 */
import * as fs from 'fs';
import * as path from 'path';
import { locateStatically } from '../core/locate';
import type { FormatName, OutputLine, RunFacts, Span, Unparsed } from '../core/model';
import { createStreamParser, mergeFacts } from '../core/parse';
import { SPAN_LENS_MARKER } from '../core/parse/spanLens';
import { LaunchError, commandNotFoundMessage, planLaunch, type LaunchPlan, type RunLanguage, type RunSettings } from './launch';
import { CHANNEL_ENV, openChannel, type Channel } from './channel';
import { otlpEnvironment } from './otlp/environment';
import { startOtlpReceiver, type OtlpReceiver } from './otlp/receiver';
import { runProcess } from './process';
import { collectSources, resolveLocations } from './sources';

export type OutputStream = 'stdout' | 'stderr';

/** A stretch of output that looked like spans but could not be read, and the stream it was on. */
/** Where a run's span records arrive: the program's two streams, or the run's side channel. */
export type RecordSource = OutputStream | 'channel';

export type RunUnparsed = Unparsed & { stream: RecordSource };

export interface RunOptions {
  /** Aborting stops the program and every process it started (within about 2 s). */
  signal?: AbortSignal;
  /** Stop the program after this many milliseconds. Default: no limit. */
  timeoutMs?: number;
  /** Program output kept and passed to onOutput, in bytes over both streams. Default 16 MiB. */
  maxOutputBytes?: number;
  /** Spans kept. Default 2,000,000. The run goes on past either cap; `RunResult.cut` says what was cut. */
  maxSpans?: number;
  /** Raw program output as it arrives, without Span Lens frames: show it as is. */
  onOutput?(stream: OutputStream, chunk: string): void;
  /**
   * Each span as it is read. A span first reported as never ended (at exit) may be reported
   * again, ended, if the program ends it later in its exit handlers: same spanId, replace it.
   */
  onSpan?(span: Span): void;
  onUnparsed?(u: RunUnparsed): void;
  /** Messages about the run itself (a cap reached), for a status line or the output channel. */
  onNotice?(message: string): void;
  /** Use this nonce instead of a fresh random one (tests). */
  nonce?: string;
  /** Between SIGTERM and SIGKILL when stopping. Default 1000 ms. */
  killGraceMs?: number;
  /** The program's standard input (the CLI passes its own). Default: none, the program reads end-of-file. */
  stdin?: NodeJS.ReadableStream;
  /** Aborting kills the program and everything it started at once, without the grace period (a second Ctrl-C). */
  hardSignal?: AbortSignal;
}

export interface RunResult {
  file: string;
  language?: RunLanguage;
  /** What was run, for display. */
  command?: { command: string; args: string[]; cwd: string };
  /** The program's exit code; null when a signal ended it or it never started. */
  exitCode: number | null;
  /** The signal that ended the program (`SIGTERM` when Span Lens stopped it). */
  signal: string | null;
  /** Set when Span Lens stopped the run. */
  stopped?: 'aborted' | 'timeout';
  /** Spans in the order they were read; `location` is set where the call site was captured. */
  spans: Span[];
  unparsed: RunUnparsed[];
  /** Program lines that are not span output, per stream; line numbers count every line of that stream. */
  output: { stdout: OutputLine[]; stderr: OutputLine[] };
  facts: RunFacts;
  formats: FormatName[];
  durationMs: number;
  /** What the caps cut: program output bytes not shown or kept, spans not kept (here or by the injection). */
  cut: { outputBytes: number; spans: number };
  /** Why the run could not happen, in the user's words (missing toolchain, unsupported file). */
  error?: string;
  /** Why the program failed, when its output shows a cause the user can fix (a missing SDK), with what to do. */
  failure?: string;
  /** Span names that could not be placed in the source, with why (dynamic or ambiguous names). */
  unlocated?: { name: string; reason: string }[];
}

const DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;
const DEFAULT_MAX_SPANS = 2_000_000;

/**
 * Replaces one exact line (`target` and its newline) in text arriving in chunks, wherever a line
 * starts with it; only a line start that may still become the target is held back.
 */
export class LineRewriter {
  private pending = '';
  private atLineStart = true;

  constructor(
    private readonly target: string,
    private readonly replacement?: string,
  ) {}

  push(text: string): string {
    let s = this.pending + text;
    this.pending = '';
    let out = '';
    for (;;) {
      if (this.atLineStart) {
        if (s.length < this.target.length + 1 && (this.target + '\n').startsWith(s) && s !== '') {
          this.pending = s;
          return out;
        }
        if (s.startsWith(this.target + '\n') || s.startsWith(this.target + '\r\n')) {
          const cut = s.startsWith(this.target + '\n') ? this.target.length + 1 : this.target.length + 2;
          if (this.replacement !== undefined) out += this.replacement + '\n';
          s = s.slice(cut);
          continue;
        }
      }
      const nl = s.indexOf('\n');
      if (nl < 0) {
        out += s;
        this.atLineStart = s === '' ? this.atLineStart : false;
        return out;
      }
      out += s.slice(0, nl + 1);
      s = s.slice(nl + 1);
      this.atLineStart = true;
    }
  }

  /** The end of the stream: whatever was held back is output after all. */
  end(): string {
    const rest = this.pending;
    this.pending = '';
    return rest;
  }
}

/**
 * Removes Span Lens frames (`@@span-lens/1 <nonce> ...` up to and including the newline) from
 * output arriving in chunks, keeping everything else byte for byte, including text a frame was
 * glued after. Only a tail that could be the start of a frame is held back until the next chunk.
 */
export class FrameStripper {
  private readonly token: string;
  private pending = '';
  private inFrame = false;

  constructor(nonce: string) {
    this.token = `${SPAN_LENS_MARKER}${nonce} `;
  }

  /** Feed text; returns what can be shown now. */
  push(text: string): string {
    const s = this.pending ? this.pending + text : text;
    this.pending = '';
    let out = '';
    let i = 0;
    while (i < s.length) {
      if (this.inFrame) {
        const nl = s.indexOf('\n', i);
        if (nl < 0) return out;
        i = nl + 1;
        this.inFrame = false;
        continue;
      }
      const k = s.indexOf(this.token, i);
      if (k >= 0) {
        out += s.slice(i, k);
        i = k + this.token.length;
        this.inFrame = true;
        continue;
      }
      const keep = this.partialTokenAtEnd(s, i);
      out += s.slice(i, s.length - keep);
      this.pending = keep ? s.slice(s.length - keep) : '';
      return out;
    }
    return out;
  }

  /** End of output: whatever was held back was not a frame after all. */
  end(): string {
    const rest = this.inFrame ? '' : this.pending;
    this.pending = '';
    this.inFrame = false;
    return rest;
  }

  /** Length of the longest tail of s[from..] that is a proper prefix of the token. */
  private partialTokenAtEnd(s: string, from: number): number {
    const max = Math.min(this.token.length - 1, s.length - from);
    const at = s.lastIndexOf('@', s.length - 1);
    if (at < 0 || at < s.length - max) return 0;
    for (let len = max; len > 0; len--) {
      if (s.charCodeAt(s.length - len) !== 64) continue;
      if (this.token.startsWith(s.slice(s.length - len))) return len;
    }
    return 0;
  }
}

function emptyResult(file: string): RunResult {
  return {
    file,
    exitCode: null,
    signal: null,
    spans: [],
    unparsed: [],
    output: { stdout: [], stderr: [] },
    facts: {},
    formats: [],
    durationMs: 0,
    cut: { outputBytes: 0, spans: 0 },
  };
}

/**
 * Run `file` with Span Lens and resolve with its spans, output and exit status. Never rejects:
 * a run that cannot start resolves with `error` set.
 */
export async function runFile(file: string, settings: RunSettings = {}, options: RunOptions = {}): Promise<RunResult> {
  const abs = path.resolve(file);
  const result = emptyResult(abs);
  let plan: LaunchPlan;
  try {
    plan = planLaunch(abs, settings, { nonce: options.nonce });
  } catch (err) {
    result.error = err instanceof LaunchError ? err.message : `cannot run ${abs}: ${(err as Error).message}`;
    return result;
  }
  result.language = plan.language;
  result.command = { command: plan.command, args: plan.args, cwd: plan.cwd };

  if (!fs.existsSync(abs)) {
    result.error = `${abs}: no such file`;
    return result;
  }
  if (!isDirectory(plan.cwd)) {
    result.error = `the working folder ${plan.cwd} does not exist: set spanLens.run.cwd`;
    return result;
  }
  const missing = plan.injectFiles.find((f) => !fs.existsSync(f));
  if (missing) {
    result.error = `Span Lens's injection for ${plan.language} is missing (${missing}): rebuild Span Lens (npm run build:inject)`;
    return result;
  }

  if (plan.notice) options.onNotice?.(plan.notice);
  const maxOutput = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const maxSpans = options.maxSpans ?? DEFAULT_MAX_SPANS;
  if (plan.framed && maxSpans > 0) plan.env.SPAN_LENS_MAX_SPANS = String(maxSpans);

  const collector = new SpanCollector(plan, maxSpans, options, result);
  let forwarded = 0;
  let keptOutput = 0;
  let outputCutNoticed = false;

  const forward = (stream: OutputStream, text: string) => {
    if (!text) return;
    const bytes = Buffer.byteLength(text);
    if (forwarded + bytes > maxOutput) {
      const room = Math.max(0, maxOutput - forwarded);
      const head = room > 0 ? Buffer.from(text).subarray(0, room).toString('utf8').replace(/\uFFFD$/, '') : '';
      if (head) options.onOutput?.(stream, head);
      forwarded = maxOutput;
      result.cut.outputBytes += bytes - Buffer.byteLength(head);
      if (!outputCutNoticed) {
        outputCutNoticed = true;
        options.onNotice?.(`output past ${formatBytes(maxOutput)} is not shown (spanLens.run.maxOutputBytes); the run goes on and its spans are still read`);
      }
      return;
    }
    forwarded += bytes;
    options.onOutput?.(stream, text);
  };

  const makeStream = (stream: OutputStream) => {
    const decoder = new TextDecoder('utf-8', { fatal: false });
    const stripper = new FrameStripper(plan.nonce);
    const rewrite = stream === 'stderr' && plan.stderrLine ? new LineRewriter(plan.stderrLine.injected, plan.stderrLine.original) : undefined;
    const parser = createStreamParser({
      nonce: plan.nonce,
      onSpan: (span) => collector.add(span),
      onOutput: (line) => {
        if (keptOutput >= maxOutput) return;
        keptOutput += line.text.length + 1;
        result.output[stream].push(line);
      },
      onUnparsed: (u) => {
        const ru = { ...u, stream };
        result.unparsed.push(ru);
        options.onUnparsed?.(ru);
      },
      onFacts: (f) => mergeFacts(result.facts, f),
      onFormat: (f) => {
        if (!result.formats.includes(f)) result.formats.push(f);
      },
    });
    return {
      write(chunk: Buffer) {
        let text = decoder.decode(chunk, { stream: true });
        if (rewrite) text = rewrite.push(text);
        if (!text) return;
        parser.write(text);
        forward(stream, stripper.push(text));
      },
      end() {
        let tail = decoder.decode();
        if (rewrite) tail = rewrite.push(tail) + rewrite.end();
        if (tail) {
          parser.write(tail);
          forward(stream, stripper.push(tail));
        }
        forward(stream, stripper.end());
        parser.end();
      },
    };
  };

  if (plan.prepare) {
    const noticeBefore = plan.notice;
    try {
      await plan.prepare({ signal: options.signal, output: (stream, text) => forward(stream, text) });
    } catch (e) {
      result.error = e instanceof LaunchError ? e.message : `could not prepare the run of ${abs}: ${(e as Error).message}`;
      return result;
    }
    result.command = { command: plan.command, args: plan.args, cwd: plan.cwd };
    // What the preparation found out (Go: why its injection could not apply) is said too.
    if (plan.notice && plan.notice !== noticeBefore) options.onNotice?.(plan.notice);
    if (options.signal?.aborted) {
      result.stopped = 'aborted';
      return result;
    }
  }

  // Injected processes report over the run's own channel, so stdout and stderr stay the program's.
  // Every run has one: a program in any language may start injected children (a Go program's
  // Python helper).
  let channel: Channel | undefined;
  try {
    channel = await openChannel(plan.nonce, {
      onSpan: (span) => collector.add(span),
      onFacts: (f) => mergeFacts(result.facts, f),
      onFormat: (f) => {
        if (!result.formats.includes(f)) result.formats.push(f);
      },
      onUnparsed: (u) => {
        const ru: RunUnparsed = { ...u, stream: 'channel' };
        result.unparsed.push(ru);
        options.onUnparsed?.(ru);
      },
    });
    plan.env[CHANNEL_ENV] = channel.address;
  } catch (e) {
    // Without a channel the injection prints its records on stdout, which is read as well.
    options.onNotice?.(`the run's channel could not be opened (${(e as Error).message}): span records go through the program's stdout`);
  }

  // SDKs that export OTLP by environment (opentelemetry-instrument, the Java agent, Go autoexport,
  // Rust opentelemetry-otlp, .NET) send their spans to the run's own receiver on loopback.
  let otlp: OtlpReceiver | undefined;
  try {
    otlp = await startOtlpReceiver({ onSpans: (spans) => spans.forEach((s) => collector.receive(s)), onNotice: options.onNotice });
    Object.assign(plan.env, otlpEnvironment(otlp.endpoint, plan.env));
  } catch (e) {
    options.onNotice?.(`the run's OTLP receiver could not start (${(e as Error).message}): spans the program exports over OTLP are not seen`);
  }

  const out = makeStream('stdout');
  const err = makeStream('stderr');
  const outcome = await runProcess(plan, {
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    killGraceMs: options.killGraceMs,
    stdin: options.stdin,
    hardSignal: options.hardSignal,
    // Every process of the run inherits the nonce: those that leave the process group are found by it.
    marker: `SPAN_LENS_NONCE=${plan.nonce}`,
    onStdout: (c) => out.write(c),
    onStderr: (c) => err.write(c),
  });
  out.end();
  err.end();
  if (channel) {
    // Processes of the run write their last records as they exit: wait for them to hang up.
    await channel.close(500);
    if (channel.rejected) {
      const ru: RunUnparsed = { startLine: 0, endLine: 0, reason: `${channel.rejected} line(s) on the run's channel were not records of this run (a wrong token or stray text) and were ignored`, stream: 'channel' };
      result.unparsed.push(ru);
      options.onUnparsed?.(ru);
    }
  }
  // An export sent as the program exited may still be on its way.
  await otlp?.close();
  collector.finish(result.facts.droppedSpans ?? 0);

  result.exitCode = outcome.exitCode;
  result.signal = outcome.signal;
  result.durationMs = outcome.durationMs;
  if (outcome.stopped) result.stopped = outcome.stopped;
  if (outcome.spawnError) result.error = spawnErrorMessage(plan, outcome.spawnError);
  else if (plan.explainFailure && outcome.exitCode !== 0 && !outcome.stopped) {
    const failure = plan.explainFailure(result.output.stderr.map((l) => l.text).join('\n'));
    if (failure) result.failure = failure;
  }
  if (result.cut.spans) options.onNotice?.(`${result.cut.spans} span(s) past ${maxSpans} were not kept (spanLens.run.maxSpans)`);
  placeSpans(result, file, plan.cwd);
  return result;
}

/**
 * Console exporters (Go, Java, Rust) print no call site: place those spans on the span-start call
 * with their literal name in the program's sources; paths printed relative (Rust) become absolute.
 */
function placeSpans(result: RunResult, file: string, cwd: string): void {
  if (result.spans.every((s) => s.location && path.isAbsolute(s.location.file))) return;
  resolveLocations(result.spans, cwd);
  if (result.spans.some((s) => !s.location)) result.unlocated = locateStatically(result.spans, collectSources(file)).unlocated;
}

/** Keeps spans in arrival order, applies the cap, and drops repeats of framed spans. */
class SpanCollector {
  /** traceId/spanId -> index in result.spans of the first framed span with that id. */
  private readonly framedIds = new Map<string, number>();
  /** In framed runs, spans the program's own console exporter printed: kept only if no frame had them. */
  private readonly held: Span[] = [];
  /** Spans received over OTLP, by traceId/spanId: placed by finish(), one copy per id. */
  private readonly received = new Map<string, Span>();
  private receivedCut = 0;

  /** `framed` is read as spans arrive: a plan's prepare step may still change it (Go falls back to stdouttrace). */
  constructor(
    private readonly plan: { readonly framed: boolean },
    private readonly maxSpans: number,
    private readonly options: RunOptions,
    private readonly result: RunResult,
  ) {}

  add(span: Span): void {
    if (!this.plan.framed) {
      this.keep(span);
      return;
    }
    if (span.origin?.format !== 'span-lens') {
      this.held.push(span);
      return;
    }
    const key = `${span.traceId}/${span.spanId}`;
    const at = this.framedIds.get(key);
    if (at !== undefined) {
      const earlier = this.result.spans[at];
      if (earlier.endTimeUnixNano === null && span.endTimeUnixNano !== null) {
        // A span reported unended at exit and ended afterwards (in a later exit handler).
        this.result.spans[at] = span;
        this.options.onSpan?.(span);
        return;
      }
      // Two ended spans under one id are two spans (a broken id generator): keep both, so the
      // duplicate-span-id check can say so.
      if (earlier.endTimeUnixNano !== null && span.endTimeUnixNano !== null) this.keep(span);
      return;
    }
    if (this.keep(span)) this.framedIds.set(key, this.result.spans.length - 1);
  }

  /**
   * A span received over OTLP. A span is one span however many ways it came: the injection's
   * copy wins (it has the call site), OTLP's wins over a console exporter's (which may lack times
   * and parents), and an export delivered twice adds nothing. Kept until finish().
   */
  receive(span: Span): void {
    const key = `${span.traceId}/${span.spanId}`;
    if (this.received.has(key)) return;
    if (this.maxSpans > 0 && this.received.size >= this.maxSpans) this.receivedCut++;
    else this.received.set(key, span);
  }

  /**
   * Keeps the held console spans and the OTLP spans no frame carried. Past the cap, a held span is most likely the
   * console copy of a span the injection dropped at the same cap and already counted
   * (`droppedByInjection`): only held spans beyond that many count as dropped again.
   */
  finish(droppedByInjection: number): void {
    // OTLP copies: of a framed span they add nothing; of a console span kept already, they take its place.
    for (const key of this.received.keys()) if (this.framedIds.has(key)) this.received.delete(key);
    if (!this.plan.framed && this.received.size) {
      this.result.spans.forEach((span, i) => {
        const key = `${span.traceId}/${span.spanId}`;
        const copy = this.received.get(key);
        if (!copy) return;
        this.received.delete(key);
        this.result.spans[i] = copy;
        this.options.onSpan?.(copy);
      });
    }
    const rest = this.received.size ? [...this.held.filter((s) => !this.received.has(`${s.traceId}/${s.spanId}`)), ...this.received.values()] : this.held;
    let heldCut = this.receivedCut;
    for (const span of rest) {
      if (this.framedIds.has(`${span.traceId}/${span.spanId}`)) continue;
      if (!this.keep(span, false)) heldCut++;
    }
    this.held.length = 0;
    this.received.clear();
    this.result.cut.spans += Math.max(heldCut, droppedByInjection);
  }

  private keep(span: Span, count = true): boolean {
    if (this.maxSpans > 0 && this.result.spans.length >= this.maxSpans) {
      if (count) this.result.cut.spans++;
      return false;
    }
    this.result.spans.push(span);
    this.options.onSpan?.(span);
    return true;
  }
}

function spawnErrorMessage(plan: LaunchPlan, err: NodeJS.ErrnoException): string {
  if (err.code === 'ENOENT') return commandNotFoundMessage(plan);
  if (err.code === 'EACCES') return `${plan.command} cannot be run (permission denied): set ${plan.commandSetting}`;
  return `${plan.command} could not be started (${err.code ?? err.message}): check ${plan.commandSetting}`;
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} bytes`;
}
