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
import { compareLoops, loopMsFrom, type Timing } from './loopTable';

const REPO = path.resolve(__dirname, '..', '..');
const PROGRAM = path.join(REPO, 'test', 'fixtures', 'node', 'bench_spans.js');
const COUNT = 10_000;

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
  const bestOf = await compareLoops({
    count: COUNT,
    injected: { label: 'Span Lens (frames, parsed)', run: injected },
    exporter: { label: 'SDK SimpleSpanProcessor(Console)', run: () => plain('console') },
    none: { label: 'no exporter', run: () => plain('none') },
  });
  const span = bestOf.get('Span Lens (frames, parsed)')!;
  const none = bestOf.get('no exporter')!;
  const callSite = callSiteMicros();
  console.log(`call-site capture alone: ${callSite.toFixed(2)} µs per span; Span Lens in all: ${(((span.loopMs - none.loopMs) * 1e3) / COUNT).toFixed(2)} µs per span over no exporter`);
}
