/**
 * Rust crates run for real through runFile: `cargo run` of the crates in test/fixtures/rust, built
 * against `tracing` and `tracing-subscriber` from crates.io by their committed Cargo.lock, their
 * fmt (Full, compact, pretty, without target) and json output read back.
 *
 * test/fixtures/rust/checkout: the checkout's spans are `#[instrument]` functions and an
 * `info_span!` in src/lib.rs, shared by one binary per formatter setup (src/main.rs the default
 * Full layout, src/bin/*.rs the others) and an example (examples/report.rs); src/bin/repeat.rs
 * calls the same functions again and again. test/fixtures/rust/workspace: a Cargo workspace whose
 * app binary calls a member crate that starts spans. The expected line of each span is the line of
 * its `// span: NAME` marker comment (a marker alone on its line marks the next line).
 *
 * The crates build in place into one CARGO_TARGET_DIR under the SDK cache, where
 * `.ci/install-sdks.sh rust` built them once; cargo runs offline, so crates missing from Cargo's
 * cache fail the run instead of being fetched mid-test. Without cargo or that build every test
 * fails, saying how to install them.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeRun } from '../../src/core/analyze';
import { locateStatically } from '../../src/core/locate';
import type { Span } from '../../src/core/model';
import { runFile, type RunResult } from '../../src/run/runFile';
import type { RunSettings } from '../../src/run/launch';
import { collectSources } from '../../src/run/sources';
import { markedLines, only } from './runSupport';
import { rustTargetDir } from './sdks';

const CRATE = path.resolve(__dirname, '../fixtures/rust/checkout');
const WORKSPACE = path.resolve(__dirname, '../fixtures/rust/workspace');
const LIB = path.join(CRATE, 'src/lib.rs');
// Built by install-sdks: a run only links the changed binary; a cold build on two busy cores is minutes.
const RUN_TIMEOUT_MS = 300_000;

let targetDir = '';

async function run(file: string, env: Record<string, string> = {}, format = 'rust-tracing-fmt'): Promise<RunResult> {
  const settings: RunSettings = { rust: { env: { CARGO_TARGET_DIR: targetDir, CARGO_NET_OFFLINE: 'true', ...env } } };
  const started = Date.now();
  const result = await runFile(file, settings, { timeoutMs: RUN_TIMEOUT_MS });
  console.log(`      (cargo ${result.command?.args.join(' ')}: ${Date.now() - started} ms)`);
  const stderr = result.output.stderr.map((l) => l.text).join('\n');
  assert.strictEqual(result.error, undefined, result.error);
  assert.strictEqual(result.exitCode, 0, `cargo run failed:\n${stderr}`);
  assert.deepStrictEqual(result.unparsed, [], 'every span record read');
  assert.deepStrictEqual(result.formats, [format]);
  return result;
}

/** Every marker of these files: span name -> its file and 0-based line. */
function markers(...files: string[]): Map<string, { file: string; line: number }> {
  const out = new Map<string, { file: string; line: number }>();
  for (const file of files) for (const [name, line] of markedLines(file)) out.set(name, { file, line });
  return out;
}

/** Each span's location (printed, else placed statically from the run's sources) is its marker's line. */
function assertLocated(result: RunResult, runFilePath: string, expected: Map<string, { file: string; line: number }>): void {
  const analysis = analyzeRun({ spans: result.spans, facts: result.facts, sources: collectSources(runFilePath), language: 'rust' });
  assert.deepStrictEqual(analysis.unlocated, [], 'every span located');
  for (const span of result.spans) {
    const want = expected.get(span.name);
    assert.ok(want, `${span.name}: a span the program starts`);
    assert.ok(span.location, `${span.name} located`);
    assert.strictEqual(path.resolve(result.command!.cwd, span.location.file), want.file, `${span.name} in its file`);
    assert.strictEqual(span.location.line, want.line, `${span.name} on its start line`);
  }
}

/** The name path from the root to `span`. */
function pathOf(span: Span, spans: Span[]): string {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const names: string[] = [];
  for (let s: Span | undefined = span; s; s = s.parentSpanId ? byId.get(s.parentSpanId) : undefined) names.unshift(s.name);
  return names.join(' > ');
}

/** What every layout shows: the three spans, their parents, fields, the event, times. */
function assertCheckoutSpans(result: RunResult, scope: string): { checkout: Span; load: Span; charge: Span } {
  // Close records come children first.
  assert.deepStrictEqual(result.spans.map((s) => s.name), ['db.load_cart', 'charge', 'checkout']);
  const checkout = only(result.spans, 'checkout');
  const load = only(result.spans, 'db.load_cart');
  const charge = only(result.spans, 'charge');
  assert.strictEqual(checkout.parentSpanId, null);
  for (const child of [load, charge]) {
    assert.strictEqual(child.traceId, checkout.traceId);
    assert.strictEqual(child.parentSpanId, checkout.spanId, `${child.name} is a child of checkout`);
    assert.ok(child.startTimeUnixNano >= checkout.startTimeUnixNano && child.endTimeUnixNano! <= checkout.endTimeUnixNano!, `${child.name} within checkout`);
  }
  assert.ok(load.endTimeUnixNano! <= charge.startTimeUnixNano, 'the cart loads before the charge');
  // load_cart sleeps 5 ms, charge 10 ms: NEW and CLOSE records give both ends.
  assert.ok(load.endTimeUnixNano! - load.startTimeUnixNano >= 5_000_000n, 'db.load_cart lasts its 5 ms sleep');
  assert.ok(charge.endTimeUnixNano! - charge.startTimeUnixNano >= 10_000_000n, 'charge lasts its 10 ms sleep');
  assert.deepStrictEqual(checkout.attributes, { 'user.id': 42 });
  assert.deepStrictEqual(charge.attributes, { 'payment.amount': 19.99 });
  assert.deepStrictEqual(load.attributes, {});
  assert.deepStrictEqual(charge.events.map((e) => e.name), ['calling payment provider']);
  assert.deepStrictEqual(checkout.events, [], 'new/close records are not events');
  for (const s of result.spans) assert.strictEqual(s.scope.name, scope, `${s.name}: the target (crate) is the scope`);
  // tracing has no trace ids: the ids are made up and say so.
  for (const s of result.spans) assert.ok(s.unknown?.includes('ids'), `${s.name}: ids marked unknown`);
  // Span records are not program output; the program's last event (outside any span) is no span's.
  for (const l of result.output.stdout) assert.doesNotMatch(l.text, /checkout|user\.id|db\.load_cart/, `a span record left as output: ${JSON.stringify(l.text)}`);
  return { checkout, load, charge };
}

/** The text at a location starts the span: `#[instrument` for a function, `info_span!(` for a macro. */
function assertAtStartCall(span: Span, file: string): void {
  const text = fs.readFileSync(file, 'utf8').split('\n')[span.location!.line];
  const start = text.slice(span.location!.column);
  assert.ok(start.startsWith('#[instrument') || start.startsWith('info_span!('), `${span.name}: ${JSON.stringify(text)} col ${span.location!.column}`);
}

describe('run: Rust crates (cargo run, tracing + tracing-subscriber from crates.io)', function () {
  this.timeout(RUN_TIMEOUT_MS + 60_000);

  before(() => {
    targetDir = rustTargetDir();
  });

  it('src/main.rs (default Full layout, ANSI, NEW|CLOSE): spans, parents by path, placed statically on #[instrument] and info_span! in lib.rs', async () => {
    const file = path.join(CRATE, 'src/main.rs');
    const result = await run(file);
    assert.deepStrictEqual(result.command?.args.slice(0, 3), ['run', '--bin', 'span-lens-checkout'], 'src/main.rs beside src/bin/: the package binary');
    assertCheckoutSpans(result, 'span_lens_checkout');
    // This layout prints no file:line: runFile placed every span statically, and said nothing is unlocated.
    assert.deepStrictEqual(result.unlocated ?? [], []);
    assert.ok(collectSources(file).has(LIB), 'the crate’s other files are searched');
    assertLocated(result, file, markers(LIB));
    for (const span of result.spans) assertAtStartCall(span, LIB);
  });

  it('src/bin/file_line.rs (with_file + with_line_number): the printed location wins, relative to the crate, and agrees with the static one', async () => {
    const file = path.join(CRATE, 'src/bin/file_line.rs');
    const result = await run(file);
    assert.deepStrictEqual(result.command?.args.slice(0, 3), ['run', '--bin', 'file_line']);
    assertCheckoutSpans(result, 'span_lens_checkout');
    const printed = new Map(result.spans.map((s) => [s.name, { file: s.location?.file, line: s.location?.line }]));
    for (const span of result.spans) assert.ok(span.location, `${span.name}: located from its NEW line`);
    assertLocated(result, file, markers(LIB));

    // Without the printed locations, static location lands on the same lines.
    const bare: Span[] = result.spans.map((s) => ({ ...s, location: undefined }));
    locateStatically(bare, collectSources(file));
    for (const span of bare) {
      assert.strictEqual(span.location?.file, LIB);
      assert.strictEqual(span.location.line, printed.get(span.name)!.line, `${span.name}: static and printed lines agree`);
    }
  });

  it('src/bin/compact.rs (compact(): names-only paths, span fields after the event): the same spans, fields on the right span', async () => {
    const file = path.join(CRATE, 'src/bin/compact.rs');
    const result = await run(file);
    assertCheckoutSpans(result, 'span_lens_checkout');
    assertLocated(result, file, markers(LIB));
  });

  it('src/bin/pretty.rs (pretty(): records over several lines): the same spans, located by their `at` lines', async () => {
    const file = path.join(CRATE, 'src/bin/pretty.rs');
    const result = await run(file);
    assertCheckoutSpans(result, 'span_lens_checkout');
    // pretty() prints file:line by default: each span's own, from its `new` record.
    for (const span of result.spans) assert.ok(span.location, `${span.name}: located from its printed location`);
    assertLocated(result, file, markers(LIB));
    assert.deepStrictEqual(result.output.stdout.map((l) => l.text), [], 'every pretty line (blank separators included) is a record’s');
  });

  it('src/bin/no_target.rs (with_target(false)): the same spans, no scope, located statically', async () => {
    const file = path.join(CRATE, 'src/bin/no_target.rs');
    const result = await run(file);
    const { checkout } = assertCheckoutSpans(result, '');
    assert.ok(checkout.unknown?.includes('scope'), 'no target printed: the scope is unknown, and said so');
    assertLocated(result, file, markers(LIB));
  });

  it('src/bin/json.rs (json()): the same spans from the JSON lines', async () => {
    const file = path.join(CRATE, 'src/bin/json.rs');
    const result = await run(file, {}, 'rust-tracing-json');
    assertCheckoutSpans(result, 'span_lens_checkout');
    assertLocated(result, file, markers(LIB));
  });

  for (const fmt of ['full', 'compact', 'pretty']) {
    it(`src/bin/repeat.rs (${fmt}): an #[instrument] fn called five times is five spans, each under its own caller, none merged`, async () => {
      const file = path.join(CRATE, 'src/bin/repeat.rs');
      const result = await run(file, { SPAN_LENS_FMT: fmt });
      const spans = result.spans;
      // Close records come children first, in the order the calls returned.
      assert.deepStrictEqual(
        spans.map((s) => s.name),
        ['fetch_item', 'fetch_item', 'fetch_item', 'audit', 'audit', 'order', 'fetch_item', 'fetch_item', 'audit', 'restock'],
      );
      assert.strictEqual(new Set(spans.map((s) => s.spanId)).size, spans.length, 'ten distinct spans');
      const order = only(spans, 'order');
      const restock = only(spans, 'restock');
      assert.deepStrictEqual(order.attributes, { id: 1 });
      assert.deepStrictEqual(restock.attributes, {});
      const fetches = spans.filter((s) => s.name === 'fetch_item');
      assert.deepStrictEqual(
        fetches.map((s) => [pathOf(s, spans), s.attributes.sku]),
        [
          ['order > fetch_item', 7],
          ['order > fetch_item', 7],
          ['order > fetch_item', 8],
          ['restock > fetch_item', 7],
          ['restock > fetch_item', 9],
        ],
      );
      const audits = spans.filter((s) => s.name === 'audit');
      assert.deepStrictEqual(audits.map((s) => pathOf(s, spans)), ['order > audit', 'order > audit', 'restock > audit']);
      for (const s of [...fetches, ...audits]) {
        assert.deepStrictEqual(s.events.map((e) => e.name), s.name === 'fetch_item' ? ['fetched'] : [], `${s.name}: its own event only`);
        assert.ok(s.endTimeUnixNano! - s.startTimeUnixNano >= 1_000_000n, `${s.name}: lasts its 1 ms sleep`);
        assert.strictEqual(s.lossy, undefined, `${s.name}: nothing guessed`);
      }
      // One after the other: each call starts after the previous one of its parent ended.
      for (let i = 1; i < 3; i++) assert.ok(fetches[i].startTimeUnixNano >= fetches[i - 1].endTimeUnixNano!, `fetch_item #${i} after #${i - 1}`);
      assertLocated(result, file, markers(file));
    });
  }

  it('examples/report.rs (cargo run --example): its own span located in examples/, the library’s in lib.rs', async () => {
    const file = path.join(CRATE, 'examples/report.rs');
    const result = await run(file);
    assert.deepStrictEqual(result.command?.args.slice(0, 3), ['run', '--example', 'report']);
    assert.deepStrictEqual(
      result.spans.map((s) => pathOf(s, result.spans)),
      ['report.build > checkout > db.load_cart', 'report.build > checkout > charge', 'report.build > checkout', 'report.build'],
    );
    assert.deepStrictEqual(only(result.spans, 'report.build').attributes, { orders: 1 });
    assert.ok(collectSources(file).has(LIB) && collectSources(LIB).has(file), 'examples/ and src/ are one crate’s sources');
    assertLocated(result, file, markers(LIB, file));
  });

  it('a Cargo workspace: the app binary’s span and the member crate’s spans, each located in its own crate', async () => {
    const file = path.join(WORKSPACE, 'app/src/main.rs');
    const storeLib = path.join(WORKSPACE, 'store/src/lib.rs');
    const bench = path.join(WORKSPACE, 'store/benches/warm.rs');
    const result = await run(file);
    assert.strictEqual(result.command?.cwd, path.join(WORKSPACE, 'app'), 'cargo run in the member crate');
    assert.deepStrictEqual(
      result.spans.map((s) => pathOf(s, result.spans)),
      ['handle_request > fetch_order > db.query', 'handle_request > fetch_order', 'handle_request'],
    );
    assert.deepStrictEqual(only(result.spans, 'handle_request').attributes, { path: '/orders/7' });
    assert.deepStrictEqual(only(result.spans, 'fetch_order').attributes, { id: 7 });
    assert.deepStrictEqual(only(result.spans, 'db.query').attributes, { table: 'orders' });
    assertLocated(result, file, markers(file, storeLib));

    // A bench target's spans (benches/, run by cargo bench) are found in the same sources.
    const sources = collectSources(file);
    assert.ok(sources.has(bench), 'the member crate’s benches/ are searched');
    const warm: Span = { ...result.spans[2], name: 'bench.warm', location: undefined };
    locateStatically([warm], sources);
    assert.deepStrictEqual(warm.location && { file: warm.location.file, line: warm.location.line }, { file: bench, line: markedLines(bench).get('bench.warm') });
  });
});
