/**
 * Go run benchmark: the same 10,000-span Go program (test/fixtures/go/bench) three ways in one
 * run, best of three each, built once beforehand so no way pays for compiling:
 *   - with Span Lens (runFile: its processor injected into the module's SDK, a frame per span);
 *   - with the SDK's own stdouttrace exporter through a syncer, output drained, no Span Lens;
 *   - with no exporter at all, no Span Lens (the floor).
 * The program times its own span loop; wall time (spawn to exit, `go run`'s link and parsing
 * included) is shown too. Targets: Span Lens ≤ stdouttrace, and ≤ 2× no exporter.
 */
import * as path from 'path';
import { runProcess } from '../../src/run/process';
import { compareLoops, loopMsFrom, type Timing } from './loopTable';
import { runFile } from '../../src/run/runFile';

const REPO = path.resolve(__dirname, '..', '..');
const PROGRAM = path.join(REPO, 'test', 'fixtures', 'go', 'bench', 'main.go');
const COUNT = 10_000;

async function injected(): Promise<Timing> {
  let stderr = '';
  const t0 = Date.now();
  const result = await runFile(PROGRAM, { env: { BENCH_EXPORTER: 'none', BENCH_COUNT: String(COUNT), GOFLAGS: undefined } }, {
    maxSpans: COUNT,
    timeoutMs: 300_000,
    onOutput: (stream, chunk) => {
      if (stream === 'stderr') stderr += chunk;
    },
  });
  if (result.error) throw new Error(result.error);
  if (!result.formats.includes('span-lens')) throw new Error(`Span Lens did not inject the Go program (formats: ${result.formats.join(', ')})`);
  return { loopMs: loopMsFrom(stderr), wallMs: Date.now() - t0, spans: result.spans.length };
}

async function plain(exporter: 'stdout' | 'none'): Promise<Timing> {
  let stderr = '';
  const t0 = Date.now();
  const env: Record<string, string> = { ...(process.env as Record<string, string>), BENCH_EXPORTER: exporter, BENCH_COUNT: String(COUNT) };
  delete env.GOFLAGS;
  const outcome = await runProcess(
    { command: 'go', args: ['run', '.'], env, cwd: path.dirname(PROGRAM) },
    { timeoutMs: 300_000, onStdout: () => undefined, onStderr: (c) => (stderr += c.toString('utf8')) },
  );
  if (outcome.exitCode !== 0) throw new Error(`Go bench program failed (${outcome.exitCode}): ${stderr}`);
  return { loopMs: loopMsFrom(stderr), wallMs: Date.now() - t0 };
}

/** Print the Go run table. */
export async function benchRunGo(): Promise<void> {
  console.log(`\n== run (Go): ${COUNT.toLocaleString()} spans from one Go program, best of 3; loop = the program's own span loop ==`);
  // Warm the build cache for each way (Span Lens's copy of the SDK is a package build of its own).
  await plain('none');
  await injected();
  await compareLoops({
    count: COUNT,
    injected: { label: 'Span Lens (processor, frames parsed)', run: injected },
    exporter: { label: 'SDK WithSyncer(stdouttrace)', run: () => plain('stdout') },
    none: { label: 'no exporter', run: () => plain('none') },
  });
}

if (require.main === module) {
  benchRunGo().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
