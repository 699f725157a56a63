/**
 * Go programs run for real through runFile: `go run .` in module mode, in one module
 * (test/fixtures/go/go.mod) on the current otel-go from the Go module proxy, as Go users build,
 * and in a second module on an older otel-go (test/fixtures/go/otel130, v1.30.0). Span Lens
 * injects its span processor into the module's own SDK (src/run/languages/go/overlay.ts): every
 * span is a framed record with real times, parents and the call site of its `tracer.Start`, in
 * whichever file and package of the module that is, whatever its name is built from. The
 * program's own stdouttrace copies of those spans are not counted twice.
 *
 * The expected line of each span is the line holding a `// span: NAME` marker comment in the
 * program (a marker alone on its line marks the next line; `pick-*` marks names built at run
 * time), never a number written here. `.ci/install-sdks.sh go` downloads the modules'
 * dependencies beforehand; without `go` the tests fail.
 */
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as net from 'net';
import * as os from 'os';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeRun } from '../../src/core/analyze';
import type { Span } from '../../src/core/model';
import { buildTraces } from '../../src/core/tree';
import { runFile, type RunResult } from '../../src/run/runFile';
import { planLaunch, type RunSettings } from '../../src/run/launch';
import { collectSources } from '../../src/run/sources';
import { goWithSdk } from './sdks';

const PROGRAMS = path.resolve(__dirname, '../fixtures/go');
// A first build of otel-go on two busy cores takes a while; later ones come from the build cache.
const BUILD_TIMEOUT_MS = 240_000;

// A machine's GOFLAGS (-mod=vendor, say) would not fit this module.
const SETTINGS: RunSettings = { env: { GOFLAGS: undefined } };

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
  assert.ok(result.formats.includes('span-lens'), `the injection reported the spans (formats: ${result.formats.join(', ')})`);
  for (const s of result.spans) assert.strictEqual(s.origin?.format, 'span-lens', `${s.name} from the injection, not a console copy`);
  // `go run` gets the module's go.mod with the SDK swapped (-modfile) and main wrapped (-overlay).
  const args = result.command?.args ?? [];
  assert.strictEqual(args[0], 'run');
  assert.ok(args.includes('-modfile') && args.includes('-overlay'), `injection flags in ${args.join(' ')}`);
  console.log(`      (${path.basename(path.dirname(file))}: ${Date.now() - started} ms)`);
  return result;
}

function only(spans: Span[], name: string): Span {
  const found = spans.filter((s) => s.name === name);
  assert.strictEqual(found.length, 1, `one span named ${name}, got ${found.length}`);
  return found[0];
}

/** The marker name of a span: its name, or `pick-*` for `pick apple` when only the wildcard marker exists. */
function markerFor(marked: Map<string, unknown>, name: string): string {
  if (marked.has(name)) return name;
  const prefix = /^[A-Za-z_.]+/.exec(name)?.[0] ?? name;
  return [...marked.keys()].find((k) => k.endsWith('-*') && prefix.startsWith(k.slice(0, -2).replace(/-$/, ''))) ?? name;
}

/** Every span located (by the injection's call site), each one on the line its marker names. */
function assertLocatedAtMarkers(result: RunResult, file: string, others: string[] = []): void {
  const analysis = analyzeRun({ spans: result.spans, facts: result.facts, sources: collectSources(file), language: 'go' });
  assert.deepStrictEqual(analysis.unlocated, []);
  const marked = new Map<string, { file: string; line: number }[]>();
  for (const f of [file, ...others]) for (const [name, lines] of markedLines(f)) marked.set(name, [...(marked.get(name) ?? []), ...lines.map((line) => ({ file: f, line }))]);
  for (const span of result.spans) {
    const at = marked.get(markerFor(marked, span.name));
    assert.ok(at?.length === 1, `one marker for ${span.name}`);
    assert.ok(span.location, `${span.name} located`);
    assert.strictEqual(span.location.file, at[0].file, `${span.name} in the file of its tracer.Start`);
    assert.strictEqual(span.location.line, at[0].line, `${span.name} on the line of its tracer.Start`);
    // The column points at the Start call on that line.
    const text = fs.readFileSync(span.location.file, 'utf8').split('\n')[span.location.line];
    assert.ok(text.slice(span.location.column).startsWith(`Start(`), `${span.name}: column at Start( in ${JSON.stringify(text)}`);
  }
}

describe('run: Go programs (go run . in module mode, otel-go from the module proxy, Span Lens injected into the SDK)', function () {
  this.timeout(BUILD_TIMEOUT_MS + 30_000);

  before(goWithSdk);

  it('shop: package main over two files calling an internal package: go run . builds it, each span located in its own file', async () => {
    const file = program('shop');
    const goMod = fs.readFileSync(path.join(PROGRAMS, 'go.mod'), 'utf8');
    const before = fs.readdirSync(path.dirname(file)).sort();
    const result = await run(file);
    assert.strictEqual(result.command?.args.at(-1), '.');
    assert.strictEqual(result.command?.cwd, path.dirname(file));
    // Nothing of the user's changes on disk: go.mod as it was, no file added to the package.
    assert.strictEqual(fs.readFileSync(path.join(PROGRAMS, 'go.mod'), 'utf8'), goMod);
    assert.deepStrictEqual(fs.readdirSync(path.dirname(file)).sort(), before);
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

  it('goroutines: WithSyncer, spans reported in end order, every worker a child of the request', async () => {
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
    // Reported as each ends: the request, which ends last, comes last.
    assert.strictEqual(result.spans[result.spans.length - 1], request);
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

  it('dynamic: names built with fmt.Sprintf and a literal started from two places are each located on their own tracer.Start (the call site, not the name)', async () => {
    // Before the injection these were left unlocated ("literal name", "ambiguous"): the
    // stdouttrace text has no call site. Now the call site comes with each span.
    const file = program('dynamic');
    const result = await run(file);
    assert.deepStrictEqual(result.spans.map((s) => s.name).sort(), ['batch', 'job-1', 'job-2', 'retry', 'retry']);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const lineOf = (text: string) => lines.flatMap((l, i) => (l.includes(text) ? [i] : []));
    const batch = only(result.spans, 'batch');
    for (const job of ['job-1', 'job-2']) {
      const s = only(result.spans, job);
      assert.deepStrictEqual(s.location && [s.location.file, s.location.line], [file, lineOf('fmt.Sprintf("job-%d", i)')[0]], `${job} on the Sprintf line`);
      assert.strictEqual(s.parentSpanId, batch.spanId);
    }
    const retrySites = lineOf('tracer.Start(ctx, "retry")');
    assert.strictEqual(retrySites.length, 2);
    const retries = result.spans.filter((s) => s.name === 'retry');
    assert.deepStrictEqual(retries.map((s) => s.location?.line).sort(), retrySites, 'one retry from each start site');
    assert.deepStrictEqual(retries.map((s) => s.location?.function).sort(), ['main.retryFromCart', 'main.retryFromPayment']);
    assertLocatedAtMarkers({ ...result, spans: [batch] }, file);
    const analysis = analyzeRun({ spans: result.spans, facts: result.facts, sources: collectSources(file), language: 'go' });
    assert.deepStrictEqual(analysis.unlocated, []);
  });

  it('noexporter: no exporter at all, Sprintf names, a span in another package: every span shown with real times and parents, located', async () => {
    const file = program('noexporter');
    const other = path.join(PROGRAMS, 'internal', 'inventory', 'inventory.go');
    const result = await run(file);
    assert.deepStrictEqual(result.formats, ['span-lens'], 'nothing but the injection reports spans');
    assert.deepStrictEqual(result.spans.map((s) => s.name).sort(), ['count 3 shelves', 'pick apple', 'pick pear', 'restock']);
    const restock = only(result.spans, 'restock');
    assert.strictEqual(restock.parentSpanId, null);
    for (const s of result.spans.filter((x) => x !== restock)) {
      assert.strictEqual(s.traceId, restock.traceId);
      assert.strictEqual(s.parentSpanId, restock.spanId, `${s.name} is a child of restock`);
      assert.ok(s.endTimeUnixNano! > s.startTimeUnixNano && s.startTimeUnixNano >= restock.startTimeUnixNano && s.endTimeUnixNano! <= restock.endTimeUnixNano!, `${s.name} has real times within restock`);
    }
    // The program sleeps 2 ms per pick and 3 ms to count: real durations, not zero.
    for (const name of ['pick apple', 'pick pear']) assert.ok(Number(only(result.spans, name).endTimeUnixNano! - only(result.spans, name).startTimeUnixNano) >= 2e6, `${name} lasted its sleep`);
    const count = only(result.spans, 'count 3 shelves');
    assert.ok(Number(count.endTimeUnixNano! - count.startTimeUnixNano) >= 3e6);
    assert.strictEqual(count.attributes.shelves, 3);
    assert.strictEqual(count.scope.name, 'inventory');
    assert.strictEqual(count.location?.function, 'inventory.Count');
    assert.strictEqual(restock.resource['telemetry.sdk.language'], 'go');
    assert.strictEqual(restock.resource['telemetry.sdk.version'], '1.47.0', 'the SDK version of this module');
    assert.strictEqual(result.facts.sdk, 'go');
    assert.strictEqual(result.facts.noExporter, true, 'the program configured no processor');
    assert.deepStrictEqual(result.output.stdout.map((l) => l.text), ['restocked']);
    assertLocatedAtMarkers(result, file, [other]);
  });

  it('unended: a span never ended, main returns without Shutdown: reported open at exit, located', async () => {
    const file = program('unended');
    const result = await run(file);
    assert.deepStrictEqual(result.spans.map((s) => s.name).sort(), ['forgotten', 'handle']);
    const forgotten = only(result.spans, 'forgotten');
    assert.strictEqual(forgotten.endTimeUnixNano, null, 'still open when main returned');
    assert.strictEqual(forgotten.parentSpanId, only(result.spans, 'handle').spanId);
    assert.ok(only(result.spans, 'handle').endTimeUnixNano !== null);
    assertLocatedAtMarkers(result, file);
  });

  it('otel130: a module on otel-go v1.30.0 gets its own SDK version wrapped, and its spans located', async () => {
    const file = path.join(PROGRAMS, 'otel130', 'main.go');
    const result = await run(file);
    assert.deepStrictEqual(result.spans.map((s) => s.name).sort(), ['legacy.root', 'legacy.step-0', 'legacy.step-1']);
    for (const s of result.spans) assert.strictEqual(s.resource['telemetry.sdk.version'], '1.30.0', `${s.name} made by v1.30.0`);
    // The go.mod Span Lens ran with points the module's SDK (v1.30.0 from the module cache) at its copy.
    const modFile = result.command!.args[result.command!.args.indexOf('-modfile') + 1];
    assert.match(fs.readFileSync(modFile, 'utf8'), /replace go\.opentelemetry\.io\/otel\/sdk => \S*sdk-v1\.30\.0-/);
    const root = only(result.spans, 'legacy.root');
    for (const s of result.spans.filter((x) => x !== root)) assert.strictEqual(s.parentSpanId, root.spanId);
    assert.deepStrictEqual(result.output.stdout.map((l) => l.text), ['legacy done']);
    assertLocatedAtMarkers(result, file);
  });

  it('nosdk: a module without the OpenTelemetry SDK runs as before, and the plan says why it was not injected', async () => {
    const file = path.join(PROGRAMS, 'nosdk', 'main.go');
    const plan = planLaunch(file, SETTINGS);
    await plan.prepare!({ output: () => undefined });
    assert.deepStrictEqual(plan.args, ['run', '.']);
    assert.strictEqual(plan.framed, false);
    assert.match(plan.notice ?? '', /stdouttrace.*does not use the OpenTelemetry SDK/);
    const result = await runFile(file, SETTINGS, { timeoutMs: BUILD_TIMEOUT_MS });
    assert.strictEqual(result.exitCode, 0);
    assert.deepStrictEqual(result.spans, []);
    assert.deepStrictEqual(result.output.stdout.map((l) => l.text), ['no spans here']);
  });

  describe('where the records go: the run\'s channel when SPAN_LENS_CHANNEL is set, else stdout', () => {
    /** The program run as planned (flags from prepare), optionally with a Unix socket of our own as the channel. */
    async function runPlanned(file: string, channel: 'socket' | 'none' | 'unreachable'): Promise<{ stdout: string; socket: string; code: number | null; nonce: string }> {
      const plan = planLaunch(file, SETTINGS);
      await plan.prepare!({ output: () => undefined });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'span-lens-go-channel-'));
      const address = path.join(dir, 'channel.sock');
      let socket = '';
      const server = net.createServer((c) => c.setEncoding('utf8').on('data', (d: string) => (socket += d)));
      if (channel === 'socket') await new Promise<void>((resolve) => server.listen(address, resolve));
      const env: Record<string, string | undefined> = { ...plan.env, ...(channel === 'none' ? {} : { SPAN_LENS_CHANNEL: address }) };
      delete env.GOFLAGS;
      const child = spawn(plan.command, plan.args, { cwd: plan.cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      // The process flushed before it exited; let the server read what is in flight.
      await new Promise((r) => setTimeout(r, 100));
      await new Promise<void>((resolve) => (channel === 'socket' ? server.close(() => resolve()) : resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
      return { stdout, socket, code, nonce: plan.nonce };
    }

    const frames = (text: string, nonce: string) => text.split('\n').filter((l) => l.startsWith(`@@span-lens/1 ${nonce} `)).map((l) => JSON.parse(l.slice(l.indexOf('{'))) as { type: string; span?: { name: string } });

    it('with a channel: every record arrives on the socket (the unended one and the facts flushed at exit without Shutdown), stdout is the program\'s own', async () => {
      const r = await runPlanned(program('unended'), 'socket');
      assert.strictEqual(r.code, 0);
      assert.strictEqual(r.stdout, 'returning without End or Shutdown\n');
      const records = frames(r.socket, r.nonce);
      assert.deepStrictEqual(records.map((x) => `${x.type} ${x.span?.name ?? ''}`.trim()).sort(), ['facts', 'span handle', 'unended forgotten']);
      assert.strictEqual(r.socket.split('\n').filter(Boolean).length, records.length, 'nothing but frames of this run on the socket');
    });

    it('without a channel, or when it cannot be reached: the same records on stdout, after the program\'s print', async () => {
      for (const mode of ['none', 'unreachable'] as const) {
        const r = await runPlanned(program('noexporter'), mode);
        assert.strictEqual(r.code, 0);
        const lines = r.stdout.split('\n').filter(Boolean);
        assert.deepStrictEqual(lines.filter((l) => !l.startsWith('@@span-lens/1 ')), ['restocked'], mode);
        const records = frames(r.stdout, r.nonce);
        assert.deepStrictEqual(records.filter((x) => x.type === 'span').map((x) => x.span!.name).sort(), ['count 3 shelves', 'pick apple', 'pick pear', 'restock'], mode);
        assert.ok(records.some((x) => x.type === 'facts'), mode);
      }
    });
  });
});
