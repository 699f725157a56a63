/**
 * Go programs run for real through runFile: `go run` in GOPATH mode against Debian's
 * golang-opentelemetry-otel-dev (otel-go 1.1.0, no module download), the stdouttrace output
 * parsed back, and every span placed statically on the `tracer.Start` call that started it.
 *
 * The expected line of each span is the line holding a `// span: NAME` marker comment in the
 * program (a marker alone on its line marks the next line), never a number written here.
 * Skipped, saying why, when `go` or the OpenTelemetry sources are missing.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeRun } from '../../src/core/analyze';
import type { Span } from '../../src/core/model';
import { buildTraces } from '../../src/core/tree';
import { runFile, type RunResult } from '../../src/run/runFile';
import type { RunSettings } from '../../src/run/launch';
import { collectSources } from '../../src/run/sources';

const PROGRAMS = path.resolve(__dirname, '../fixtures/go');
const GOPATH = '/usr/share/gocode';
// One build cache for every test of the run (and the next run): the first build of otel-go takes a while.
const GOCACHE = path.join(os.tmpdir(), 'span-lens-test-gocache');
const BUILD_TIMEOUT_MS = 240_000;

const SETTINGS: RunSettings = {
  // A user's module-mode flags would not apply to a GOPATH build.
  env: { GOFLAGS: undefined },
  go: { env: { GO111MODULE: 'off', GOPATH, GOCACHE } },
};

function goMissing(): string | null {
  const r = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `go not found (${r.error?.message ?? r.stderr.trim()}): install golang-go`;
  const otel = path.join(GOPATH, 'src/go.opentelemetry.io/otel/exporters/stdout/stdouttrace');
  if (!fs.existsSync(otel)) return `${otel} is missing: install golang-opentelemetry-otel-dev`;
  return null;
}

/** Span name -> 0-based lines of its `// span: NAME` markers in `file`. */
function markedLines(file: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const m = /\/\/\s*span:\s*(\S+)\s*$/.exec(text);
      if (!m) return;
      const line = text.trim().startsWith('//') ? i + 1 : i;
      out.set(m[1], [...(out.get(m[1]) ?? []), line]);
    });
  return out;
}

function program(name: string): string {
  return path.join(PROGRAMS, name, 'main.go');
}

async function run(file: string): Promise<RunResult> {
  fs.mkdirSync(GOCACHE, { recursive: true });
  const started = Date.now();
  const result = await runFile(file, SETTINGS, { timeoutMs: BUILD_TIMEOUT_MS });
  const stderr = result.output.stderr.map((l) => l.text).join('\n');
  assert.strictEqual(result.error, undefined, result.error);
  assert.strictEqual(result.exitCode, 0, `go run failed:\n${stderr}`);
  assert.deepStrictEqual(result.unparsed, [], 'every span record read');
  assert.deepStrictEqual(result.formats, ['go-stdouttrace']);
  console.log(`      (${path.basename(path.dirname(file))}: ${Date.now() - started} ms)`);
  return result;
}

function only(spans: Span[], name: string): Span {
  const found = spans.filter((s) => s.name === name);
  assert.strictEqual(found.length, 1, `one span named ${name}, got ${found.length}`);
  return found[0];
}

/** Static location of every span, and each one on the line its marker names. */
function assertLocatedAtMarkers(result: RunResult, file: string): void {
  const analysis = analyzeRun({ spans: result.spans, facts: result.facts, sources: collectSources(file), language: 'go' });
  assert.deepStrictEqual(analysis.unlocated, []);
  const marked = markedLines(file);
  for (const span of result.spans) {
    const lines = marked.get(span.name);
    assert.ok(lines?.length === 1, `one marker for ${span.name}`);
    assert.ok(span.location, `${span.name} located`);
    assert.strictEqual(span.location.file, file);
    assert.strictEqual(span.location.line, lines[0], `${span.name} on the line of its tracer.Start`);
    // The column points at the Start call on that line.
    const text = fs.readFileSync(file, 'utf8').split('\n')[span.location.line];
    assert.ok(text.slice(span.location.column).startsWith(`Start(`), `${span.name}: column at Start( in ${JSON.stringify(text)}`);
  }
}

describe('run: Go programs (go run, GOPATH mode, otel-go stdouttrace)', function () {
  this.timeout(BUILD_TIMEOUT_MS + 30_000);

  before(function () {
    const why = goMissing();
    if (why) {
      console.log(`      SKIP: ${why}`);
      this.skip();
    }
  });

  it('checkout: WithBatcher + Shutdown, pretty JSON: root, two children, an event, each on its tracer.Start line', async () => {
    const file = program('checkout');
    const result = await run(file);

    assert.deepStrictEqual(result.spans.map((s) => s.name).sort(), ['checkout', 'db.load_cart', 'payment.charge']);
    const checkout = only(result.spans, 'checkout');
    const load = only(result.spans, 'db.load_cart');
    const charge = only(result.spans, 'payment.charge');
    assert.strictEqual(checkout.parentSpanId, null);
    for (const child of [load, charge]) {
      assert.strictEqual(child.traceId, checkout.traceId);
      assert.strictEqual(child.parentSpanId, checkout.spanId, `${child.name} is a child of checkout`);
      assert.ok(child.endTimeUnixNano !== null && checkout.endTimeUnixNano !== null);
      assert.ok(child.startTimeUnixNano >= checkout.startTimeUnixNano && child.endTimeUnixNano <= checkout.endTimeUnixNano, `${child.name} within checkout`);
    }
    assert.ok(load.endTimeUnixNano! <= charge.startTimeUnixNano, 'the cart loads before the charge');
    assert.strictEqual(checkout.attributes['user.id'], 42);
    assert.strictEqual(charge.attributes['payment.amount'], 19.99);
    assert.strictEqual(charge.events.length, 1);
    assert.strictEqual(charge.events[0].name, 'calling payment provider');
    assert.deepStrictEqual(charge.events[0].attributes, { provider: 'stripe' });
    assert.ok(charge.events[0].timeUnixNano >= charge.startTimeUnixNano && charge.events[0].timeUnixNano <= charge.endTimeUnixNano!);
    assert.strictEqual(checkout.scope.name, 'shop');
    assert.strictEqual(checkout.resource['telemetry.sdk.language'], 'go');
    assert.deepStrictEqual(
      result.output.stdout.map((l) => l.text),
      ['order placed'],
      'the program’s own print is output, the spans are not',
    );

    assertLocatedAtMarkers(result, file);
  });

  it('goroutines: WithSyncer compact lines in end order, every worker a child of the request', async () => {
    const file = program('goroutines');
    const result = await run(file);
    const source = fs.readFileSync(file, 'utf8');
    const workers = Number(/const workers = (\d+)/.exec(source)![1]);

    assert.strictEqual(result.spans.length, workers + 1);
    const request = only(result.spans, 'handle_request');
    const spawned = result.spans.filter((s) => s.name === 'worker');
    assert.deepStrictEqual(
      spawned.map((s) => s.attributes['worker.id']).sort(),
      Array.from({ length: workers }, (_, i) => i),
      'one span per goroutine',
    );
    for (const w of spawned) {
      assert.strictEqual(w.parentSpanId, request.spanId, `worker ${String(w.attributes['worker.id'])} is a child of the request`);
      assert.ok(w.endTimeUnixNano! <= request.endTimeUnixNano!, 'the request waits for its workers');
    }
    // Exported as each ends: the request, which ends last, is printed last, one line per span.
    assert.strictEqual(result.spans[result.spans.length - 1], request);
    for (const s of result.spans) assert.strictEqual(s.origin?.line, s.origin?.endLine, `${s.name} on one line`);
    assert.deepStrictEqual(result.output.stdout.map((l) => l.text), ['all workers done']);

    // Printed children-first, the tree still hangs every worker under the request.
    const traces = buildTraces(result.spans);
    assert.strictEqual(traces.length, 1);
    assert.strictEqual(traces[0].roots.length, 1);
    assert.strictEqual(traces[0].roots[0].span, request);
    assert.strictEqual(traces[0].roots[0].children.length, workers);
    assert.ok(traces[0].nodes.every((n) => !n.orphan));

    assertLocatedAtMarkers(result, file);
  });

  it('a name built with fmt.Sprintf, or a literal started from two places, stays unlocated with the reason', async () => {
    const file = program('dynamic');
    const result = await run(file);
    assert.deepStrictEqual(result.spans.map((s) => s.name).sort(), ['batch', 'job-1', 'job-2', 'retry', 'retry']);

    const analysis = analyzeRun({ spans: result.spans, facts: result.facts, sources: collectSources(file), language: 'go' });
    const batch = only(result.spans, 'batch');
    assert.deepStrictEqual(batch.location && { file: batch.location.file, line: batch.location.line }, { file, line: markedLines(file).get('batch')![0] });

    for (const s of result.spans) if (s.name !== 'batch') assert.strictEqual(s.location, undefined, `${s.name} not guessed`);
    const reasons = new Map(analysis.unlocated.map((u) => [u.name, u.reason]));
    assert.deepStrictEqual([...reasons.keys()].sort(), ['job-1', 'job-2', 'retry']);
    assert.match(reasons.get('job-1')!, /literal name/);
    assert.match(reasons.get('job-2')!, /literal name/);
    // The two start sites of "retry", 1-based as the message shows them.
    const retryLines = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((text, i) => (text.includes('tracer.Start(ctx, "retry")') ? [i + 1] : []));
    assert.strictEqual(retryLines.length, 2);
    assert.match(reasons.get('retry')!, /ambiguous/);
    for (const line of retryLines) assert.ok(reasons.get('retry')!.includes(`main.go:${line}`), `${reasons.get('retry')} names main.go:${line}`);
  });
});
