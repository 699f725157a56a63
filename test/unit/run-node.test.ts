/**
 * Running real traced Node programs with Span Lens: every span is found once, with the right
 * parent and the line that started it, whatever SDK version or setup the program uses, and the
 * program's own output reads exactly as it would without Span Lens.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Span } from '../../src/core/model';
import { runFile, type RunResult } from '../../src/run/runFile';
import { NODE_FIXTURES, buildInject, markerLine, markerLines, placeProgram, scratchSdk, type SdkSet } from '../fixtures/node/sdk';

interface Captured {
  result: RunResult;
  stdout: string;
  stderr: string;
}

async function run(file: string, options: Parameters<typeof runFile>[2] = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const result = await runFile(file, {}, {
    ...options,
    onOutput: (stream, chunk) => {
      if (stream === 'stdout') stdout += chunk;
      else stderr += chunk;
    },
  });
  assert.strictEqual(result.error, undefined, `run failed: ${result.error}`);
  return { result, stdout, stderr };
}

/** The same program run plainly with node, for comparing output. */
function runPlain(file: string): string {
  return execFileSync('node', [file], { cwd: path.dirname(file), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

/** Ids and numbers differ from run to run; the rest of the console text must not. */
function shape(text: string): string {
  return text.replace(/'[0-9a-f]{16}'|'[0-9a-f]{32}'/g, "'ID'").replace(/\d+(\.\d+)?/g, 'N');
}

function byName(spans: Span[], name: string): Span {
  const found = spans.filter((s) => s.name === name);
  assert.strictEqual(found.length, 1, `expected one span named ${name}, got ${found.length}`);
  return found[0];
}

/** The span's location must be the marked line of the program (location is 0-based). */
function assertAtMarker(span: Span, file: string, marker: string): void {
  assert.ok(span.location, `span ${span.name} has no location`);
  assert.strictEqual(span.location.file, file, `span ${span.name} located in the wrong file`);
  assert.ok(markerLines(file, marker).includes(span.location.line + 1), `span ${span.name} located at line ${span.location.line + 1}, marked at ${markerLines(file, marker).join(', ')}`);
  assert.ok(span.location.column >= 0);
}

function assertNoFrames(text: string): void {
  assert.ok(!text.includes('@@span-lens/'), 'Span Lens frames leaked into the shown output');
}

describe('run: Node programs with Span Lens', function () {
  this.timeout(180_000);
  const sdkDirs: Record<SdkSet, string> = { sdk1: '', sdk2: '', sdknode: '' };

  before(function () {
    buildInject();
    sdkDirs.sdk2 = scratchSdk('sdk2');
    sdkDirs.sdk1 = scratchSdk('sdk1');
    sdkDirs.sdknode = scratchSdk('sdknode');
  });

  for (const sdk of ['sdk2', 'sdk1'] as SdkSet[]) {
    it(`the tutorial checkout (${sdk}, NodeTracerProvider + its own ConsoleSpanExporter): a root, two children, an event, each at its line, not doubled`, async () => {
      const file = placeProgram('checkout.js', sdkDirs[sdk]);
      const { result, stdout } = await run(file);
      assert.strictEqual(result.exitCode, 0);
      assert.deepStrictEqual(result.spans.map((s) => s.name).sort(), ['checkout', 'db.load_cart', 'payment.charge']);
      const root = byName(result.spans, 'checkout');
      assert.strictEqual(root.parentSpanId, null);
      for (const name of ['db.load_cart', 'payment.charge']) {
        const child = byName(result.spans, name);
        assert.strictEqual(child.parentSpanId, root.spanId, `${name} should be a child of checkout`);
        assert.strictEqual(child.traceId, root.traceId);
        assertAtMarker(child, file, name);
      }
      assertAtMarker(root, file, 'checkout');
      assert.deepStrictEqual(byName(result.spans, 'payment.charge').events.map((e) => e.name), ['calling payment provider']);
      assert.strictEqual(byName(result.spans, 'payment.charge').attributes['payment.amount'], 19.99);
      assert.ok(result.spans.every((s) => s.endTimeUnixNano !== null && s.endTimeUnixNano >= s.startTimeUnixNano));
      // The program's own console exporter output is shown exactly as it prints it.
      assertNoFrames(stdout);
      assert.strictEqual(shape(stdout), shape(runPlain(file)));
      for (const s of result.spans) assert.ok(stdout.includes(`'${s.spanId}'`), `the program's console exporter output should show ${s.name}`);
      assert.strictEqual(result.facts.sdk, 'node');
      assert.ok(result.facts.programExporters?.includes('ConsoleSpanExporter'));
      assert.strictEqual(result.facts.noExporter, false);
      assert.deepStrictEqual(result.facts.lostAtExit, []);
    });

    it(`the program's own BatchSpanProcessor(ConsoleSpanExporter) (${sdk}): its output unchanged, spans once`, async () => {
      const file = placeProgram('own_console_batch.js', sdkDirs[sdk]);
      const { result, stdout } = await run(file);
      assert.strictEqual(result.exitCode, 0);
      assert.deepStrictEqual(result.spans.map((s) => s.name).sort(), ['batch.child.a', 'batch.child.b', 'batch.root']);
      const root = byName(result.spans, 'batch.root');
      for (const name of ['batch.child.a', 'batch.child.b']) assert.strictEqual(byName(result.spans, name).parentSpanId, root.spanId);
      for (const s of result.spans) assertAtMarker(s, file, s.name);
      assertNoFrames(stdout);
      assert.strictEqual(shape(stdout), shape(runPlain(file)));
      assert.deepStrictEqual(
        result.output.stdout.map((l) => l.text).filter((t) => t.startsWith('program line')),
        ['program line 1', 'program line 2', 'program line 3', 'program line 4'],
      );
      assert.ok(result.facts.programExporters?.includes('BatchSpanProcessor'));
      assert.deepStrictEqual(result.facts.lostAtExit, [], 'shutdown() flushed every span');
    });

    it(`a batch processor never flushed (${sdk}): its spans are reported lost at exit`, async () => {
      const file = placeProgram('no_shutdown.js', sdkDirs[sdk]);
      const { result } = await run(file);
      assert.strictEqual(result.exitCode, 0);
      assert.deepStrictEqual(result.spans.map((s) => s.name), ['lost.one', 'lost.two']);
      assert.deepStrictEqual([...(result.facts.lostAtExit ?? [])].sort(), result.spans.map((s) => s.spanId).sort());
      assert.strictEqual(result.facts.noExporter, false);
    });
  }

  it('an ES module program (sdk2): spans and call sites found', async () => {
    const file = placeProgram('checkout.mjs', sdkDirs.sdk2);
    const { result, stdout } = await run(file);
    assert.strictEqual(result.exitCode, 0);
    const root = byName(result.spans, 'checkout');
    for (const name of ['db.load_cart', 'payment.charge']) {
      assert.strictEqual(byName(result.spans, name).parentSpanId, root.spanId);
      assertAtMarker(byName(result.spans, name), file, name);
    }
    assertAtMarker(root, file, 'checkout');
    assert.ok(stdout.includes('order placed'));
  });

  it('the all-in-one NodeSDK with its console exporter: spans nest, located, printed once by the program and once by Span Lens', async () => {
    const file = placeProgram('sdk_node.js', sdkDirs.sdknode);
    const { result, stdout } = await run(file);
    assert.strictEqual(result.exitCode, 0);
    const outer = byName(result.spans, 'outer');
    const inner = byName(result.spans, 'inner');
    assert.strictEqual(inner.parentSpanId, outer.spanId);
    assertAtMarker(outer, file, 'outer');
    assertAtMarker(inner, file, 'inner');
    assert.ok(stdout.includes(`'${inner.spanId}'`) && stdout.includes('shut down'));
    assert.ok(result.facts.programExporters?.includes('ConsoleSpanExporter'));
    assert.deepStrictEqual(result.facts.lostAtExit, []);
  });

  it('SDK 1.x addSpanProcessor after construction: exporters seen, spans not doubled', async () => {
    const dir = sdkDirs.sdk1;
    const file = path.join(dir, 'add_processor.js');
    fs.writeFileSync(
      file,
      [
        "'use strict';",
        "const { BasicTracerProvider, SimpleSpanProcessor, ConsoleSpanExporter } = require('@opentelemetry/sdk-trace-base');",
        'const provider = new BasicTracerProvider();',
        'provider.addSpanProcessor(new SimpleSpanProcessor(new ConsoleSpanExporter()));',
        "const tracer = provider.getTracer('one-x');",
        "tracer.startSpan('added.processor').end(); // @span added.processor",
      ].join('\n'),
    );
    const { result, stdout } = await run(file);
    assert.deepStrictEqual(result.spans.map((s) => s.name), ['added.processor']);
    assertAtMarker(result.spans[0], file, 'added.processor');
    assert.ok(stdout.includes(`'${result.spans[0].spanId}'`));
    assert.ok(result.facts.programExporters?.includes('ConsoleSpanExporter'));
    assert.deepStrictEqual(result.facts.lostAtExit, []);
  });

  it('a program using only @opentelemetry/api: Span Lens lends a provider, async children nest, noExporter is reported', async () => {
    const file = path.join(NODE_FIXTURES, 'api_only.js');
    const { result, stdout } = await run(file);
    assert.strictEqual(result.exitCode, 0);
    assert.deepStrictEqual(result.spans.map((s) => s.name).sort(), ['api.root', 'api.step.one', 'api.step.three', 'api.step.two']);
    const root = byName(result.spans, 'api.root');
    assert.strictEqual(root.parentSpanId, null);
    for (const name of ['api.step.one', 'api.step.two', 'api.step.three']) {
      assert.strictEqual(byName(result.spans, name).parentSpanId, root.spanId, `${name} should nest under api.root`);
      assertAtMarker(byName(result.spans, name), file, 'step');
    }
    assertAtMarker(root, file, 'api.root');
    assert.strictEqual(result.facts.noExporter, true);
    assert.ok(stdout.includes('api only done'));
  });

  it("a provider registered after API-only spans takes over: the program's exporter sees the later spans, as without Span Lens", async () => {
    const file = path.join(NODE_FIXTURES, 'register_later.js');
    const { result, stdout } = await run(file);
    assert.strictEqual(result.exitCode, 0);
    assert.strictEqual(stdout, runPlain(file));
    assert.ok(stdout.includes('registered=true exported=after.registration'), stdout);
    assert.deepStrictEqual(result.spans.map((s) => s.name), ['before.registration', 'after.registration']);
    for (const s of result.spans) assertAtMarker(s, file, s.name);
  });

  it('TypeScript: spans located on the .ts lines that started them', async () => {
    const file = path.join(NODE_FIXTURES, 'checkout.ts');
    const { result, stdout } = await run(file);
    assert.strictEqual(result.exitCode, 0, stdout);
    assert.ok(stdout.includes('exported 3 spans'), `the program's own exporter should see its spans: ${stdout}`);
    const root = byName(result.spans, 'checkout');
    for (const name of ['db.load_cart', 'payment.charge']) assert.strictEqual(byName(result.spans, name).parentSpanId, root.spanId);
    for (const s of result.spans) assertAtMarker(s, file, s.name);
    assert.strictEqual(byName(result.spans, 'db.load_cart').location?.function, 'loadCart');
  });

  it('async children started concurrently each find their parent (sdk2 NodeTracerProvider)', async () => {
    const file = placeProgram('async_children.js', sdkDirs.sdk2);
    const { result } = await run(file);
    assert.strictEqual(result.spans.length, 7);
    const root = byName(result.spans, 'batch');
    for (const i of [0, 1, 2]) {
      const fetch = byName(result.spans, `fetch.${i}`);
      assert.strictEqual(fetch.parentSpanId, root.spanId);
      assert.strictEqual(byName(result.spans, `parse.${i}`).parentSpanId, fetch.spanId);
      assertAtMarker(fetch, file, 'fetch');
      assertAtMarker(byName(result.spans, `parse.${i}`), file, 'parse');
    }
  });

  it('an orphan keeps the parent id it was given (not in the run)', async () => {
    const file = path.join(NODE_FIXTURES, 'orphan.js');
    const { result } = await run(file);
    const orphan = byName(result.spans, 'orphan.child');
    assert.strictEqual(orphan.parentSpanId, 'b7ad6b7169203331');
    assert.strictEqual(orphan.parentIsRemote, true);
    assert.strictEqual(orphan.traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.strictEqual(byName(result.spans, 'plain.root').parentSpanId, null);
    for (const s of result.spans) assertAtMarker(s, file, s.name);
  });

  it('spans never ended are reported at exit with no end time, at the line that started them', async () => {
    const file = path.join(NODE_FIXTURES, 'never_ended.js');
    const { result } = await run(file);
    const handles = result.spans.filter((s) => s.name === 'handle.order');
    assert.strictEqual(handles.length, 2);
    assert.strictEqual(handles.filter((s) => s.endTimeUnixNano === null).length, 1);
    const parent = byName(result.spans, 'finished.parent');
    const open = byName(result.spans, 'open.child');
    assert.notStrictEqual(parent.endTimeUnixNano, null);
    assert.strictEqual(open.endTimeUnixNano, null);
    assert.strictEqual(open.parentSpanId, parent.spanId);
    for (const s of result.spans) assertAtMarker(s, file, s.name);
  });

  it("a span ended in the program's own exit handler, after Span Lens reported it open: reported once, ended", async () => {
    const file = path.join(NODE_FIXTURES, 'end_at_exit.js');
    const seen: (bigint | null)[] = [];
    const { result } = await run(file, { onSpan: (s) => seen.push(s.endTimeUnixNano) });
    assert.strictEqual(result.spans.length, 1);
    assert.notStrictEqual(result.spans[0].endTimeUnixNano, null);
    assertAtMarker(result.spans[0], file, 'ended.at.exit');
    assert.deepStrictEqual(seen.map((e) => e === null), [true, false], 'onSpan: first open, then ended');
  });

  it('an uncaught exception: the spans before it, and the one left open, are all returned', async () => {
    const file = path.join(NODE_FIXTURES, 'crash.js');
    const { result, stdout, stderr } = await run(file);
    assert.strictEqual(result.exitCode, 1);
    assert.ok(stderr.includes('payment provider unreachable'));
    assert.ok(stdout.includes('about to fail'));
    const request = byName(result.spans, 'request');
    assert.strictEqual(request.endTimeUnixNano, null);
    assertAtMarker(request, file, 'request');
    const work = result.spans.filter((s) => s.name.startsWith('work.'));
    assert.strictEqual(work.length, 3);
    for (const w of work) {
      assert.strictEqual(w.parentSpanId, request.spanId);
      assertAtMarker(w, file, 'work');
    }
  });

  it('10,000 spans in a loop: all found, each under the root, each at its line', async () => {
    const file = path.join(NODE_FIXTURES, 'flood.js');
    const { result } = await run(file);
    assert.strictEqual(result.exitCode, 0);
    assert.strictEqual(result.spans.length, 10_000);
    const root = byName(result.spans, 'flood.root');
    const items = result.spans.filter((s) => s.name === 'flood.item');
    assert.strictEqual(items.length, 9_999);
    assert.strictEqual(new Set(items.map((s) => s.spanId)).size, 9_999);
    const line = markerLine(file, 'flood.item') - 1;
    assert.ok(items.every((s) => s.parentSpanId === root.spanId && s.location?.line === line));
    assert.deepStrictEqual(new Set(items.map((s) => s.attributes.i)).size, 9_999);
    assert.strictEqual(result.cut.spans, 0);
  });

  it('stdout printed while spans end (a frame glued after a partial line) reads exactly as the program printed it', async () => {
    const file = path.join(NODE_FIXTURES, 'interleaved.js');
    const { result, stdout } = await run(file);
    assert.strictEqual(stdout, runPlain(file));
    assert.deepStrictEqual(result.spans.map((s) => s.name), ['step.0', 'step.1', 'step.2', 'step.3', 'step.4']);
    for (const s of result.spans) assertAtMarker(s, file, 'step');
    assert.deepStrictEqual(result.unparsed, []);
    const lines = result.output.stdout.map((l) => l.text);
    assert.ok(lines.includes('  "not": "a span 4"'));
    assert.ok(lines.includes('last line without newline'));
  });

  it("traced child processes: every child's spans over the run's channel, and no frame in output the program captures", async () => {
    const file = path.join(NODE_FIXTURES, 'children.js');
    const { result, stdout, stderr } = await run(file);
    assert.strictEqual(result.exitCode, 0);
    assert.strictEqual(stdout, runPlain(file));
    assert.ok(stdout.includes('captured: "{\\"ok\\":true}\\n"'), stdout);
    assert.ok(stdout.includes('silent: "silent child\\n" "silent child on stderr\\n"'), stdout);
    assertNoFrames(stderr);
    // The silent child's streams all go to the program; its spans still reach the run's channel.
    assert.deepStrictEqual(result.spans.map((s) => s.name).sort(), ['child.captured', 'child.inherited', 'child.silent', 'parent.span']);
    for (const s of result.spans) assertAtMarker(s, file, s.name);
  });

  it('a program without OpenTelemetry completes with no spans, its exit code and both streams', async () => {
    const file = path.join(NODE_FIXTURES, 'no_otel.js');
    const { result, stdout, stderr } = await run(file);
    assert.strictEqual(result.exitCode, 3);
    assert.deepStrictEqual(result.spans, []);
    assert.strictEqual(stdout, 'hello without tracing\n');
    assert.strictEqual(stderr, 'a warning on stderr\n');
    assert.strictEqual(result.facts.sdk, 'node', 'the injection ran');
    assert.strictEqual(result.facts.noExporter, undefined);
  });

  it('caps: spans past maxSpans and output past maxOutputBytes are cut, counted, and the run completes', async () => {
    const file = path.join(NODE_FIXTURES, 'flood.js');
    const notices: string[] = [];
    const { result } = await run(file, { maxSpans: 100, onNotice: (m) => notices.push(m) });
    assert.strictEqual(result.exitCode, 0);
    assert.strictEqual(result.spans.length, 100);
    assert.strictEqual(result.cut.spans, 9_900);
    assert.ok(notices.some((m) => m.includes('9900 span(s)')), notices.join('\n'));

    const chatty = path.join(NODE_FIXTURES, 'interleaved.js');
    const small = await run(chatty, { maxOutputBytes: 40 });
    assert.ok(Buffer.byteLength(small.stdout) <= 40);
    assert.strictEqual(small.stdout, runPlain(chatty).slice(0, small.stdout.length));
    assert.ok(small.result.cut.outputBytes > 0);
    assert.strictEqual(small.result.spans.length, 5, 'spans are still read past the output cap');
  });
});
