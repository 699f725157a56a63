/**
 * Java run benchmark: the same 10,000-span Java loop (test/fixtures/java/agent SpanLoop) four ways
 * in one run, best of three each, the module compiled once beforehand so no way pays for mvn:
 *   - with Span Lens (runFile: the agent's processor on the program's provider, a frame per span);
 *   - with the SDK's own console exporter (SimpleSpanProcessor + LoggingSpanExporter), no Span Lens;
 *   - with no exporter, no Span Lens (the floor; opentelemetry-java 1.68 then records nothing at
 *     all: a provider without processors hands out non-recording spans);
 *   - with a processor that does nothing, no Span Lens (the SDK records every span, nothing exports).
 * The program times its own span loop (first span to provider.close()); wall time (spawn to exit,
 * JVM start included) is shown too. Targets: Span Lens ≤ console, and ≤ 2× no exporter.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runProcess } from '../../src/run/process';
import { runFile } from '../../src/run/runFile';

const REPO = path.resolve(__dirname, '..', '..');
const MODULE = path.join(REPO, 'test', 'fixtures', 'java', 'agent');
const PROGRAM = path.join(MODULE, 'src', 'main', 'java', 'agent', 'SpanLoop.java');
const COUNT = 10_000;

interface Timing {
  loopMs: number;
  wallMs: number;
  spans?: number;
}

function loopMsFrom(stdout: string): number {
  const m = /loop-ms ([\d.]+)/.exec(stdout);
  if (!m) throw new Error(`the Java bench program did not report its loop time: ${stdout.slice(0, 500)}`);
  return Number(m[1]);
}

async function injected(): Promise<{ timing: Timing; classPath: string }> {
  let stdout = '';
  const t0 = Date.now();
  const result = await runFile(PROGRAM, { args: ['lens', String(COUNT)] }, {
    maxSpans: COUNT,
    timeoutMs: 300_000,
    onOutput: (stream, chunk) => {
      if (stream === 'stdout') stdout += chunk;
    },
  });
  if (result.error) throw new Error(result.error);
  if (!result.formats.includes('span-lens')) throw new Error(`the Span Lens agent did not report the Java program (formats: ${result.formats.join(', ')})`);
  const args = result.command!.args;
  return { timing: { loopMs: loopMsFrom(stdout), wallMs: Date.now() - t0, spans: result.spans.length }, classPath: args[args.indexOf('-cp') + 1] };
}

async function plain(classPath: string, mode: 'console' | 'none' | 'noop'): Promise<Timing> {
  let stdout = '';
  const t0 = Date.now();
  const env = { ...(process.env as Record<string, string>) };
  delete env.JAVA_TOOL_OPTIONS;
  const outcome = await runProcess(
    { command: 'java', args: ['-cp', classPath, 'agent.SpanLoop', mode, String(COUNT)], env, cwd: MODULE },
    // The console exporter's lines (stderr) are drained as a reader would.
    { timeoutMs: 300_000, onStdout: (c) => (stdout += c.toString('utf8')), onStderr: () => undefined },
  );
  if (outcome.exitCode !== 0) throw new Error(`Java bench program failed (${outcome.exitCode}): ${stdout}`);
  return { loopMs: loopMsFrom(stdout), wallMs: Date.now() - t0 };
}

function best(runs: Timing[]): Timing {
  return runs.reduce((a, b) => ({ loopMs: Math.min(a.loopMs, b.loopMs), wallMs: Math.min(a.wallMs, b.wallMs), spans: a.spans ?? b.spans }));
}

/** Print the Java run table. */
export async function benchRunJava(): Promise<void> {
  if (!fs.existsSync(PROGRAM)) throw new Error(`${PROGRAM} is missing`);
  console.log(`\n== run (Java): ${COUNT.toLocaleString()} spans from one Java program, best of 3; loop = the program's own span loop ==`);
  // The first run builds the module (mvn) and tells its class path.
  const { classPath } = await injected();
  const runs: Record<'injected' | 'console' | 'none' | 'noop', Timing[]> = { injected: [], console: [], none: [], noop: [] };
  for (let round = 0; round < 3; round++) {
    runs.none.push(await plain(classPath, 'none'));
    runs.noop.push(await plain(classPath, 'noop'));
    runs.console.push(await plain(classPath, 'console'));
    runs.injected.push((await injected()).timing);
  }
  const none = best(runs.none);
  const consoleWay = best(runs.console);
  const span = best(runs.injected);
  if (span.spans !== COUNT) throw new Error(`Span Lens read ${span.spans} spans, expected ${COUNT}`);
  console.log('way                                   loop ms   µs/span   wall ms   loop vs console   loop vs none');
  const row = (name: string, t: Timing) =>
    console.log(
      `${name.padEnd(36)} ${t.loopMs.toFixed(1).padStart(8)} ${((t.loopMs * 1e3) / COUNT).toFixed(2).padStart(9)} ${String(t.wallMs).padStart(9)} ${(t.loopMs / consoleWay.loopMs).toFixed(2).padStart(16)}× ${(t.loopMs / none.loopMs).toFixed(2).padStart(13)}×`,
    );
  row('Span Lens (agent, frames parsed)', span);
  row('SDK Simple(LoggingSpanExporter)', consoleWay);
  row('no exporter (SDK records nothing)', none);
  row('no-op processor (SDK records)', best(runs.noop));
  console.log(`target (Span Lens loop ≤ console): ${span.loopMs <= consoleWay.loopMs ? 'met' : 'NOT met'}; (≤ 2× no exporter): ${span.loopMs <= 2 * none.loopMs ? 'met' : 'NOT met'}`);
}

if (require.main === module) {
  benchRunJava().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
