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
import { compareLoops, loopMsFrom, type Timing } from './loopTable';
import { runFile } from '../../src/run/runFile';

const REPO = path.resolve(__dirname, '..', '..');
const MODULE = path.join(REPO, 'test', 'fixtures', 'java', 'agent');
const PROGRAM = path.join(MODULE, 'src', 'main', 'java', 'agent', 'SpanLoop.java');
const COUNT = 10_000;

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

/** Print the Java run table. */
export async function benchRunJava(): Promise<void> {
  if (!fs.existsSync(PROGRAM)) throw new Error(`${PROGRAM} is missing`);
  console.log(`\n== run (Java): ${COUNT.toLocaleString()} spans from one Java program, best of 3; loop = the program's own span loop ==`);
  // The first run builds the module (mvn) and tells its class path.
  const { classPath } = await injected();
  await compareLoops({
    count: COUNT,
    injected: { label: 'Span Lens (agent, frames parsed)', run: async () => (await injected()).timing },
    exporter: { label: 'SDK Simple(LoggingSpanExporter)', run: () => plain(classPath, 'console') },
    none: { label: 'no exporter (SDK records nothing)', run: () => plain(classPath, 'none') },
    more: [{ label: 'no-op processor (SDK records)', run: () => plain(classPath, 'noop') }],
  });
}

if (require.main === module) {
  benchRunJava().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
