/**
 * Live latency: a program ends spans at a steady rate (1,000 a second, each its own trace) and
 * the time from a span's end (the SDK's own end time) to its trace being handed over complete is
 * measured for every trace, as the CLI sees it (`span-lens run` prints a trace then) and as the
 * editor publishes it (runController's constants: EDITOR_QUIET_MS, EDITOR_PUBLISH_MS). The target (#13): p95 ≤ 250 ms. The baseline
 * is the run's own wall time per span, printed beside it.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { EDITOR_PUBLISH_MS, EDITOR_QUIET_MS, EDITOR_TICK_MS, LiveTraces } from '../../src/core/liveTraces';
import { runFile } from '../../src/run/runFile';

const REPO = path.resolve(__dirname, '..', '..');
const PROGRAM = path.join(REPO, 'test', 'fixtures', 'node', 'live_rate.js');

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function benchLive(rate = 1000, seconds = 3): Promise<void> {
  execFileSync('npm', ['run', '-s', 'build:inject'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`\n== live: ${rate} spans/s for ${seconds} s, span end -> trace complete (CLI) and -> editor publish (every ${EDITOR_PUBLISH_MS} ms at most) ==`);
  const cli = new LiveTraces(100);
  const editor = new LiveTraces(EDITOR_QUIET_MS);
  const cliLatency: number[] = [];
  const editorLatency: number[] = [];
  const endMs = (spans: { endTimeUnixNano: bigint | null }[]) => Number((spans[0].endTimeUnixNano ?? 0n) / 1_000_000n);
  let lastPublish = 0;
  let waiting: number[] = [];
  const tick = setInterval(() => {
    const now = Date.now();
    for (const t of cli.tick(now)) cliLatency.push(now - endMs(t.spans));
    for (const t of editor.tick(now)) waiting.push(endMs(t.spans));
    if (waiting.length && now - lastPublish >= EDITOR_PUBLISH_MS) {
      lastPublish = now;
      for (const end of waiting) editorLatency.push(now - end);
      waiting = [];
    }
  }, EDITOR_TICK_MS);
  const t0 = Date.now();
  const result = await runFile(PROGRAM, { env: { LIVE_RATE: String(rate), LIVE_SECONDS: String(seconds) } }, {
    onSpan: (span) => {
      const now = Date.now();
      cli.add(span, now);
      editor.add(span, now);
    },
  });
  clearInterval(tick);
  const wall = Date.now() - t0;
  for (const [name, lat] of [['CLI (trace printed)', cliLatency], ['editor (view published)', editorLatency]] as const) {
    const sorted = [...lat].sort((a, b) => a - b);
    console.log(`${name.padEnd(26)} traces ${String(sorted.length).padStart(6)}   p50 ${String(pct(sorted, 50)).padStart(4)} ms   p95 ${String(pct(sorted, 95)).padStart(4)} ms   max ${String(sorted[sorted.length - 1]).padStart(5)} ms`);
  }
  console.log(`spans read ${result.spans.length}, run ${wall} ms; target p95 ≤ 250 ms: ${pct([...editorLatency].sort((a, b) => a - b), 95) <= 250 ? 'met' : 'NOT met'} (editor)`);
}

if (require.main === module) {
  benchLive().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
