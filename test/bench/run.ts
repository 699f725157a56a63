/**
 * Run benchmark: the same 10,000-span Node program three ways in one run, best of three each:
 *   - with Span Lens (runFile: the preload prints a frame per span, the parent parses them);
 *   - with the SDK's own SimpleSpanProcessor(ConsoleSpanExporter), output drained, no Span Lens;
 *   - with no exporter at all, no Span Lens (the floor).
 * The program times its own span loop; wall time (spawn to exit, parsing included) is shown too.
 * Then the per-span cost of call-site capture alone, measured in this process on the real SDK.
 * Target: Span Lens no slower than the console exporter.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { runProcess } from '../../src/run/process';
import { runFile } from '../../src/run/runFile';
import { CallSiteCapture } from '../../src/run/inject/node/callSite';

const REPO = path.resolve(__dirname, '..', '..');
const PROGRAM = path.join(REPO, 'test', 'fixtures', 'node', 'bench_spans.js');
const COUNT = 10_000;

interface Timing {
  loopMs: number;
  wallMs: number;
  spans?: number;
}

function loopMsFrom(stderr: string): number {
  const m = /loop_ns=(\d+)/.exec(stderr);
  if (!m) throw new Error(`the bench program did not report its loop time: ${stderr.slice(0, 500)}`);
  return Number(m[1]) / 1e6;
}

async function injected(): Promise<Timing> {
  let stderr = '';
  const t0 = Date.now();
  const result = await runFile(PROGRAM, { env: { BENCH_EXPORTER: 'none', BENCH_COUNT: String(COUNT) } }, {
    onOutput: (stream, chunk) => {
      if (stream === 'stderr') stderr += chunk;
    },
  });
  if (result.error) throw new Error(result.error);
  return { loopMs: loopMsFrom(stderr), wallMs: Date.now() - t0, spans: result.spans.length };
}

async function plain(exporter: 'console' | 'none'): Promise<Timing> {
  let stderr = '';
  let bytes = 0;
  const t0 = Date.now();
  const outcome = await runProcess(
    { command: process.execPath, args: [PROGRAM], env: { ...(process.env as Record<string, string>), BENCH_EXPORTER: exporter, BENCH_COUNT: String(COUNT) }, cwd: REPO },
    { onStdout: (c) => (bytes += c.length), onStderr: (c) => (stderr += c.toString('utf8')) },
  );
  if (outcome.exitCode !== 0) throw new Error(`bench program failed (${outcome.exitCode}): ${stderr}`);
  return { loopMs: loopMsFrom(stderr), wallMs: Date.now() - t0 };
}

function best(runs: Timing[]): Timing {
  return runs.reduce((a, b) => ({ loopMs: Math.min(a.loopMs, b.loopMs), wallMs: Math.min(a.wallMs, b.wallMs), spans: a.spans ?? b.spans }));
}

/**
 * Call-site capture alone: the real SDK's startSpan wrapped the way the preload wraps it, with and
 * without capturing, on the same tracer; the difference per span.
 */
function callSiteMicros(n = 50_000): number {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
  const capture = new CallSiteCapture(path.join(REPO, 'dist', 'inject') + path.sep);
  const makeTracer = (withCapture: boolean) => {
    const tracer = new BasicTracerProvider().getTracer('callsite-bench');
    const orig = tracer.startSpan;
    let sink = 0;
    const startSpan = function (this: unknown, ...args: unknown[]) {
      const span = orig.apply(this, args);
      if (withCapture) sink += capture.capture(startSpan)?.line ?? 0;
      return span;
    };
    tracer.startSpan = startSpan;
    return { tracer, sink: () => sink };
  };
  const time = (withCapture: boolean) => {
    const { tracer } = makeTracer(withCapture);
    let fastest = Infinity;
    for (let round = 0; round < 5; round++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) tracer.startActiveSpan('s', (span: { end(): void }) => span.end());
      fastest = Math.min(fastest, Number(process.hrtime.bigint() - t0) / n / 1e3);
    }
    return fastest;
  };
  time(true);
  time(false);
  return Math.max(0, time(true) - time(false));
}

/** Print the run table. */
export async function benchRun(): Promise<void> {
  execFileSync('npm', ['run', '-s', 'build:inject'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`\n== run: ${COUNT.toLocaleString()} spans from one Node program, best of 3; loop = the program's own span loop ==`);
  const runs: Record<'injected' | 'console' | 'none', Timing[]> = { injected: [], console: [], none: [] };
  for (let round = 0; round < 3; round++) {
    runs.none.push(await plain('none'));
    runs.console.push(await plain('console'));
    runs.injected.push(await injected());
  }
  const none = best(runs.none);
  const consoleExp = best(runs.console);
  const span = best(runs.injected);
  if (span.spans !== COUNT) throw new Error(`Span Lens read ${span.spans} spans, expected ${COUNT}`);
  console.log('way                                   loop ms   µs/span   wall ms   loop vs console   loop vs none');
  const row = (name: string, t: Timing) =>
    console.log(
      `${name.padEnd(36)} ${t.loopMs.toFixed(1).padStart(8)} ${((t.loopMs * 1e3) / COUNT).toFixed(2).padStart(9)} ${String(t.wallMs).padStart(9)} ${(t.loopMs / consoleExp.loopMs).toFixed(2).padStart(16)}× ${(t.loopMs / none.loopMs).toFixed(2).padStart(13)}×`,
    );
  row('Span Lens (frames, parsed)', span);
  row('SDK SimpleSpanProcessor(Console)', consoleExp);
  row('no exporter', none);
  const callSite = callSiteMicros();
  console.log(`call-site capture alone: ${callSite.toFixed(2)} µs per span; Span Lens in all: ${(((span.loopMs - none.loopMs) * 1e3) / COUNT).toFixed(2)} µs per span over no exporter`);
  console.log(`target (Span Lens loop no slower than the console exporter): ${span.loopMs <= consoleExp.loopMs ? 'met' : 'NOT met'}`);
}
