/**
 * Go programs run for real through runFile: `go run .` in module mode, in one module
 * (test/fixtures/go/go.mod) on the current otel-go from the Go module proxy, as Go users build;
 * the stdouttrace output parsed back, and every span placed statically on the `tracer.Start` call
 * that started it, in whichever file and package of the module that is.
 *
 * The expected line of each span is the line holding a `// span: NAME` marker comment in the
 * program (a marker alone on its line marks the next line), never a number written here.
 * `.ci/install-sdks.sh go` downloads the module's dependencies beforehand; without `go` the tests fail.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeRun } from '../../src/core/analyze';
import type { Span } from '../../src/core/model';
import { buildTraces } from '../../src/core/tree';
import { runFile, type RunResult } from '../../src/run/runFile';
import type { RunSettings } from '../../src/run/launch';
import { collectSources } from '../../src/run/sources';
import { sdkMissing } from './sdks';

const PROGRAMS = path.resolve(__dirname, '../fixtures/go');
// A first build of otel-go on two busy cores takes a while; later ones come from the build cache.
const BUILD_TIMEOUT_MS = 240_000;

// A machine's GOFLAGS (-mod=vendor, say) would not fit this module.
const SETTINGS: RunSettings = { env: { GOFLAGS: undefined } };

function requireGo(): void {
  const r = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw sdkMissing('go', `go (${r.error?.message ?? r.stderr.trim()})`);
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
function assertLocatedAtMarkers(result: RunResult, file: string, others: string[] = []): void {
  const analysis = analyzeRun({ spans: result.spans, facts: result.facts, sources: collectSources(file), language: 'go' });
  assert.deepStrictEqual(analysis.unlocated, []);
  const marked = new Map<string, { file: string; line: number }[]>();
  for (const f of [file, ...others]) for (const [name, lines] of markedLines(f)) marked.set(name, [...(marked.get(name) ?? []), ...lines.map((line) => ({ file: f, line }))]);
  for (const span of result.spans) {
    const at = marked.get(span.name);
    assert.ok(at?.length === 1, `one marker for ${span.name}`);
    assert.ok(span.location, `${span.name} located`);
    assert.strictEqual(span.location.file, at[0].file, `${span.name} in the file of its tracer.Start`);
    assert.strictEqual(span.location.line, at[0].line, `${span.name} on the line of its tracer.Start`);
    // The column points at the Start call on that line.
    const text = fs.readFileSync(span.location.file, 'utf8').split('\n')[span.location.line];
    assert.ok(text.slice(span.location.column).startsWith(`Start(`), `${span.name}: column at Start( in ${JSON.stringify(text)}`);
  }
}

describe('run: Go programs (go run . in module mode, otel-go from the module proxy, stdouttrace)', function () {
  this.timeout(BUILD_TIMEOUT_MS + 30_000);

  before(requireGo);

  it('shop: package main over two files calling an internal package: go run . builds it, each span located in its own file', async () => {
    const file = program('shop');
    const result = await run(file);
    assert.deepStrictEqual(result.command?.args, ['run', '.']);
    assert.strictEqual(result.command?.cwd, path.dirname(file));
    assert.deepStrictEqual(result.spans.map((s) => s.name).sort(), ['payment.charge', 'shop.checkout', 'shop.load_cart']);
    const checkout = only(result.spans, 'shop.checkout');
    for (const name of ['shop.load_cart', 'payment.charge']) {
      const child = only(result.spans, name);
      assert.strictEqual(child.parentSpanId, checkout.spanId, `${name} is a child of shop.checkout`);
    }
    assert.strictEqual(only(result.spans, 'payment.charge').scope.name, 'payment');
    assert.strictEqual(only(result.spans, 'payment.charge').attributes['payment.amount'], 37.5);
    assert.deepStrictEqual(result.output.stdout.map((l) => l.text), ['charged for 3 items']);
    assertLocatedAtMarkers(result, file, [path.join(PROGRAMS, 'shop', 'cart.go'), path.join(PROGRAMS, 'internal', 'payment', 'payment.go')]);
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
