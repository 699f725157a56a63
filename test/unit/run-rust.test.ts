/**
 * A Rust crate run for real through runFile: `cargo run` of test/fixtures/rust/checkout, built
 * offline against Debian's librust-tracing-*-dev crates (the crate's .cargo/config.toml replaces
 * crates.io with /usr/share/cargo/registry), its tracing-subscriber fmt output read back.
 *
 * The crate's spans are `#[instrument]` functions and an `info_span!` in src/lib.rs, shared by two
 * binaries: src/main.rs (the default fmt layout, ANSI colours, FmtSpan::NEW | CLOSE) and
 * src/bin/file_line.rs (the same plus file:line on every record). The expected line of each span
 * is the line of its `// span: NAME` marker comment (a marker alone on its line marks the next line).
 *
 * The crate is copied to a scratch folder and built there with CARGO_TARGET_DIR in the temp dir,
 * so the build leaves no Cargo.lock or target/ in the repository, resolves against whatever crate
 * versions Debian ships, and the dependencies build once per machine. Skipped, saying why, when
 * cargo or the crates are missing.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeRun } from '../../src/core/analyze';
import { locateStatically } from '../../src/core/locate';
import type { Span } from '../../src/core/model';
import { runFile, type RunResult } from '../../src/run/runFile';
import type { RunSettings } from '../../src/run/launch';
import { collectSources } from '../../src/run/sources';
import { markedLines, only } from './runSupport';

const FIXTURE = path.resolve(__dirname, '../fixtures/rust/checkout');
// Per process, so two test runs on one machine never delete each other's copy (cargo locks the shared target dir).
const CRATE = path.join(os.tmpdir(), `span-lens-test-rust-checkout-${process.pid}`);
const TARGET_DIR = path.join(os.tmpdir(), 'span-lens-test-cargo-target');
const DEBIAN_REGISTRY = '/usr/share/cargo/registry';
// A cold build of tracing-subscriber and its dependencies on two busy cores.
const BUILD_TIMEOUT_MS = 540_000;

const SETTINGS: RunSettings = { rust: { env: { CARGO_TARGET_DIR: TARGET_DIR } } };

function rustMissing(): string | null {
  const r = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `cargo not found (${r.error?.message ?? r.stderr.trim()})`;
  let crates: string[];
  try {
    crates = fs.readdirSync(DEBIAN_REGISTRY);
  } catch {
    return `${DEBIAN_REGISTRY} is missing: install librust-tracing-subscriber-dev`;
  }
  const needed = ['tracing-0.1.', 'tracing-attributes-0.1.', 'tracing-subscriber-0.3.'];
  const absent = needed.filter((prefix) => !crates.some((c) => c.startsWith(prefix)));
  return absent.length ? `${absent.map((p) => p + '*').join(', ')} not in ${DEBIAN_REGISTRY}: install librust-tracing-subscriber-dev` : null;
}

/** A fresh copy of the fixture crate; timestamps kept so cargo rebuilds only what changed. */
function copyCrate(): void {
  fs.rmSync(CRATE, { recursive: true, force: true });
  fs.cpSync(FIXTURE, CRATE, { recursive: true, preserveTimestamps: true });
}

async function run(relFile: string): Promise<RunResult> {
  const started = Date.now();
  const result = await runFile(path.join(CRATE, relFile), SETTINGS, { timeoutMs: BUILD_TIMEOUT_MS });
  console.log(`      (cargo run ${result.command?.args.slice(1).join(' ')}: ${Date.now() - started} ms)`);
  const stderr = result.output.stderr.map((l) => l.text).join('\n');
  assert.strictEqual(result.error, undefined, result.error);
  assert.strictEqual(result.exitCode, 0, `cargo run failed:\n${stderr}`);
  assert.deepStrictEqual(result.unparsed, [], 'every span record read');
  assert.deepStrictEqual(result.formats, ['rust-tracing-fmt']);
  return result;
}

/** What both layouts show: the three spans, their parents from the printed span paths, fields, the event, times. */
function assertCheckoutSpans(result: RunResult): { checkout: Span; load: Span; charge: Span } {
  // Close lines come children first.
  assert.deepStrictEqual(result.spans.map((s) => s.name), ['db.load_cart', 'charge', 'checkout']);
  const checkout = only(result.spans, 'checkout');
  const load = only(result.spans, 'db.load_cart');
  const charge = only(result.spans, 'charge');
  assert.strictEqual(checkout.parentSpanId, null);
  for (const child of [load, charge]) {
    assert.strictEqual(child.traceId, checkout.traceId);
    assert.strictEqual(child.parentSpanId, checkout.spanId, `${child.name} is a child of checkout (its path is checkout:${child.name})`);
    assert.ok(child.startTimeUnixNano >= checkout.startTimeUnixNano && child.endTimeUnixNano! <= checkout.endTimeUnixNano!, `${child.name} within checkout`);
  }
  assert.ok(load.endTimeUnixNano! <= charge.startTimeUnixNano, 'the cart loads before the charge');
  // load_cart sleeps 5 ms, charge 10 ms: NEW and CLOSE lines give both ends.
  assert.ok(load.endTimeUnixNano! - load.startTimeUnixNano >= 5_000_000n, 'db.load_cart lasts its 5 ms sleep');
  assert.ok(charge.endTimeUnixNano! - charge.startTimeUnixNano >= 10_000_000n, 'charge lasts its 10 ms sleep');
  assert.deepStrictEqual(checkout.attributes, { 'user.id': 42 });
  assert.deepStrictEqual(charge.attributes, { 'payment.amount': 19.99 });
  assert.deepStrictEqual(load.attributes, {});
  assert.deepStrictEqual(charge.events.map((e) => e.name), ['calling payment provider']);
  assert.strictEqual(checkout.scope.name, 'span_lens_checkout', 'the target (crate) is the scope');
  // tracing has no trace ids: the ids are made up and say so.
  for (const s of result.spans) assert.ok(s.unknown?.includes('ids'), `${s.name}: ids marked unknown`);
  // Span records are not program output.
  for (const l of result.output.stdout) assert.doesNotMatch(l.text, /checkout\{user\.id=42\}/, 'a span line left as output');
  return { checkout, load, charge };
}

/** The text at a location starts the span: `#[instrument` for a function, `info_span!(` for a macro. */
function assertAtStartCall(span: Span, file: string): void {
  const text = fs.readFileSync(file, 'utf8').split('\n')[span.location!.line];
  const start = text.slice(span.location!.column);
  assert.ok(start.startsWith('#[instrument') || start.startsWith('info_span!('), `${span.name}: ${JSON.stringify(text)} col ${span.location!.column}`);
}

describe('run: Rust crate (cargo run, offline Debian crates, tracing-subscriber fmt)', function () {
  this.timeout(BUILD_TIMEOUT_MS + 60_000);

  before(function () {
    const why = rustMissing();
    if (why) {
      console.log(`      SKIP: ${why}`);
      this.skip();
    }
    copyCrate();
  });

  after(() => fs.rmSync(CRATE, { recursive: true, force: true }));

  it('src/main.rs (default layout, ANSI, NEW|CLOSE): spans, parents by path, placed statically on #[instrument] and info_span! in lib.rs', async () => {
    const result = await run('src/main.rs');
    assert.deepStrictEqual(result.command?.args.slice(0, 3), ['run', '--bin', 'span-lens-checkout'], 'src/main.rs beside src/bin/: the package binary');
    assertCheckoutSpans(result);
    // This layout prints no file:line: runFile placed every span statically, and said nothing is unlocated.
    assert.deepStrictEqual(result.unlocated ?? [], []);

    const lib = path.join(CRATE, 'src/lib.rs');
    const sources = collectSources(path.join(CRATE, 'src/main.rs'));
    assert.ok(sources.has(lib), 'the crate’s other files are searched');
    const analysis = analyzeRun({ spans: result.spans, facts: result.facts, sources, language: 'rust' });
    assert.deepStrictEqual(analysis.unlocated, []);
    const marked = markedLines(lib);
    for (const span of result.spans) {
      assert.ok(span.location, `${span.name} located`);
      assert.strictEqual(span.location.file, lib);
      assert.strictEqual(span.location.line, marked.get(span.name), `${span.name} on its start line`);
      assertAtStartCall(span, lib);
    }
  });

  it('src/bin/file_line.rs (file:line printed): the printed location wins, relative to the crate, and agrees with the static one', async () => {
    const result = await run('src/bin/file_line.rs');
    assert.deepStrictEqual(result.command?.args.slice(0, 3), ['run', '--bin', 'file_line']);
    assertCheckoutSpans(result);

    const lib = path.join(CRATE, 'src/lib.rs');
    const marked = markedLines(lib);
    const printed = new Map<string, { file: string; line: number }>();
    for (const span of result.spans) {
      assert.ok(span.location, `${span.name}: located from its NEW line`);
      // tracing prints file!(), relative to the workspace root: the run's folder here.
      assert.strictEqual(path.resolve(result.command!.cwd, span.location.file), lib);
      assert.strictEqual(span.location.line, marked.get(span.name), `${span.name}: printed line is its start line`);
      printed.set(span.name, { file: span.location.file, line: span.location.line });
    }

    const sources = collectSources(path.join(CRATE, 'src/bin/file_line.rs'));
    const analysis = analyzeRun({ spans: result.spans, facts: result.facts, sources, language: 'rust' });
    assert.deepStrictEqual(analysis.unlocated, []);
    for (const span of result.spans) assert.deepStrictEqual({ file: span.location!.file, line: span.location!.line }, printed.get(span.name), `${span.name}: printed location kept`);

    // Without the printed locations, static location lands on the same lines.
    const bare: Span[] = result.spans.map((s) => ({ ...s, location: undefined }));
    locateStatically(bare, sources);
    for (const span of bare) {
      assert.strictEqual(span.location?.file, lib);
      assert.strictEqual(span.location.line, printed.get(span.name)!.line, `${span.name}: static and printed lines agree`);
    }
  });
});
