/**
 * The Python injection (src/run/inject/python/sitecustomize.py) run for real: each traced program
 * under test/fixtures/python runs with the injection first on PYTHONPATH, and what the parser
 * reads back from its stdout must be every span, with parents, the line that started it, and the
 * program's own output untouched.
 *
 * Python is the virtualenv `.ci/install-sdks.sh` makes, with opentelemetry-sdk installed from
 * PyPI as users install it (test/fixtures/python/requirements.txt); without it these tests fail,
 * saying how to install it.
 */
import * as assert from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseText } from '../../src/core/parse';
import type { ParseResult, Span } from '../../src/core/model';
import { runFile } from '../../src/run/runFile';
import { VENV_PYTHON, pythonWithSdk } from './sdks';

const INJECT_DIR = path.resolve(__dirname, '../../src/run/inject/python');
const PROGRAMS = path.resolve(__dirname, '../fixtures/python');
const PYTHON = VENV_PYTHON;
const NONCE = 'pytest-nonce_1';
// Bytecode goes to a scratch folder, never next to the sources in the repository.
const PYCACHE = path.join(os.tmpdir(), 'span-lens-test-pycache');

interface PythonRun {
  stdout: string;
  stderr: string;
  status: number | null;
  ms: number;
}

interface RunOptions {
  inject?: boolean;
  /** PYTHONPATH entries after the injection (default: the OpenTelemetry path). */
  path?: string[];
  env?: Record<string, string>;
  /** The nonce handed to the injection; null runs the injection without one. */
  nonce?: string | null;
}

function pythonEnv(opts: RunOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPYCACHEPREFIX: PYCACHE, ...opts.env };
  delete env.PYTHONDONTWRITEBYTECODE;
  // Pipes are block-buffered unless this is set: test the ordering the way most users run.
  if (!opts.env?.PYTHONUNBUFFERED) delete env.PYTHONUNBUFFERED;
  for (const name of ['SPAN_LENS_NONCE', 'SPAN_LENS_ROOT_PID', 'SPAN_LENS_MAX_SPANS']) if (!opts.env?.[name]) delete env[name];
  const entries = [...(opts.inject === false ? [] : [INJECT_DIR]), ...(opts.path ?? [])];
  env.PYTHONPATH = entries.join(path.delimiter);
  if (opts.inject !== false && opts.nonce !== null) env.SPAN_LENS_NONCE = opts.nonce ?? NONCE;
  return env;
}

function runPython(program: string, opts: RunOptions = {}): PythonRun {
  const env = pythonEnv(opts);
  const started = process.hrtime.bigint();
  const r = spawnSync(PYTHON, [path.join(PROGRAMS, program)], { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, ms };
}

/**
 * Spans by (traceId, spanId), the Span Lens record winning over the same span printed again by
 * the program's ConsoleSpanExporter, and an ended span over an `unended` record: what the runner
 * must do with a parse of an injected run.
 */
function spansOf(result: ParseResult): Span[] {
  const byId = new Map<string, Span>();
  for (const span of result.spans) {
    const key = `${span.traceId}:${span.spanId}`;
    const had = byId.get(key);
    if (!had) byId.set(key, span);
    else if (had.origin?.format !== 'span-lens' && span.origin?.format === 'span-lens') byId.set(key, span);
    else if (had.endTimeUnixNano === null && span.endTimeUnixNano !== null && span.origin?.format === 'span-lens') byId.set(key, span);
  }
  return [...byId.values()];
}

function parse(run: PythonRun): { result: ParseResult; spans: Span[] } {
  const result = parseText(run.stdout, { nonce: NONCE });
  return { result, spans: spansOf(result) };
}

/** Every facts record exactly as the injection wrote it (they carry keys RunFacts does not have). */
function allRawFacts(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.includes(`@@span-lens/1 ${NONCE} {"type":"facts"`))
    .map((line) => JSON.parse(line.slice(line.indexOf('{"type":"facts"'))) as Record<string, unknown>);
}

/** The one facts record of a single-process run. */
function rawFacts(stdout: string): Record<string, unknown> {
  const all = allRawFacts(stdout);
  assert.strictEqual(all.length, 1, 'one facts record');
  return all[0];
}

interface ExpectedLocation {
  /** 1-based */
  line: number;
  /** 1-based: a decorator's `@`, a `with` statement's item, else the `tracer.` call. */
  column: number;
}

/** Span name -> where it starts, from `span-lens-expect: NAME [NAME…]` comments in the program. */
function expectedLocations(program: string): Map<string, ExpectedLocation> {
  const lines = fs.readFileSync(path.join(PROGRAMS, program), 'utf8').split('\n');
  const out = new Map<string, ExpectedLocation>();
  lines.forEach((text, i) => {
    const m = /#\s*span-lens-expect:\s*(.+)$/.exec(text);
    if (!m) return;
    const code = text.slice(0, m.index);
    const indent = code.length - code.trimStart().length;
    const withItem = /^(\s*(?:async\s+)?with\s+)/.exec(code);
    const column = code.trimStart().startsWith('@') ? indent + 1 : withItem ? withItem[1].length + 1 : code.indexOf('tracer.') + 1;
    for (const name of m[1].trim().split(/\s+/)) out.set(name, { line: i + 1, column });
  });
  return out;
}

/** Python before 3.11 has no column positions: the injection reports column 1 there. */
let pythonHasColumns: boolean | undefined;
function hasColumns(): boolean {
  if (pythonHasColumns === undefined) {
    const r = spawnSync(PYTHON, ['-c', 'import sys; print(sys.version_info >= (3, 11))'], { encoding: 'utf8' });
    pythonHasColumns = r.stdout.trim() === 'True';
  }
  return pythonHasColumns;
}

function assertLocations(program: string, spans: Span[]): void {
  const expected = expectedLocations(program);
  const file = path.join(PROGRAMS, program);
  for (const span of spans) {
    const where = expected.get(span.name);
    assert.ok(where !== undefined, `span ${span.name} has no span-lens-expect marker in ${program}`);
    assert.ok(span.location, `span ${span.name} has a location`);
    assert.strictEqual(span.location.file, file, `file of ${span.name}`);
    assert.strictEqual(span.location.line + 1, where.line, `line of ${span.name}`);
    assert.ok(where.column > 0, `the marker line of ${span.name} starts a span in a form expectedLocations knows`);
    if (hasColumns() || span.location.column !== 0) assert.strictEqual(span.location.column + 1, where.column, `column of ${span.name}`);
  }
}

function byName(spans: Span[], name: string): Span {
  const found = spans.filter((s) => s.name === name);
  assert.strictEqual(found.length, 1, `one span named ${name}, got ${found.length}`);
  return found[0];
}

/** Program output with run-specific values (ids, times, instance uuids) masked. */
function masked(text: string): string {
  return text
    .replace(/0x[0-9a-f]{16,32}/g, '0xID')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z/g, 'TIME')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID');
}

function withoutFrames(stdout: string): string {
  return stdout.split(`@@span-lens/1 ${NONCE} `).map((part, i) => (i === 0 ? part : part.slice(part.indexOf('\n') + 1))).join('');
}

/** The injected run prints exactly what the plain run prints, plus frames. */
function assertOutputUnchanged(program: string, injected: PythonRun, plainOpts: RunOptions = {}): void {
  const plain = runPython(program, { ...plainOpts, inject: false });
  assert.strictEqual(injected.status, plain.status, 'exit status');
  assert.strictEqual(masked(withoutFrames(injected.stdout)), masked(plain.stdout), 'stdout apart from Span Lens frames');
  assert.strictEqual(masked(withoutFrames(injected.stderr)), masked(plain.stderr), 'stderr apart from Span Lens frames');
}

function endOf(span: Span): bigint {
  assert.notStrictEqual(span.endTimeUnixNano, null, `${span.name} ended`);
  return span.endTimeUnixNano as bigint;
}

describe('run: Python injection without OpenTelemetry', function () {
  // Each case starts Python twice (with and without Span Lens) on a shared machine.
  this.timeout(30000);
  before(() => {
    pythonWithSdk();
  });

  it('leaves a program that uses no OpenTelemetry alone, apart from one facts record', function () {
    const run = runPython('no_otel.py', { path: [] });
    const { result, spans } = parse(run);
    assert.deepStrictEqual(spans, []);
    assert.deepStrictEqual(
      result.output.map((o) => o.text),
      ['plain program', '{', '}', 'no newline at the end'],
    );
    assert.strictEqual(rawFacts(run.stdout).opentelemetry, 'none');
    assertOutputUnchanged('no_otel.py', run, { path: [] });
  });

  it('still runs the sitecustomize it hides (a user’s one later on PYTHONPATH)', function () {
    const site = path.join(PROGRAMS, 'chained_site');
    const run = runPython('no_otel.py', { path: [site] });
    assert.strictEqual(run.stderr, 'user sitecustomize ran\n');
    assertOutputUnchanged('no_otel.py', run, { path: [site] });
  });

  it('does nothing without SPAN_LENS_NONCE', function () {
    const run = runPython('no_otel.py', { path: [], nonce: null });
    const plain = runPython('no_otel.py', { path: [], inject: false });
    assert.strictEqual(run.stdout, plain.stdout);
    assert.strictEqual(run.stderr, plain.stderr);
  });
});

describe('run: Python injection with OpenTelemetry', function () {
  this.timeout(30000);
  before(() => {
    pythonWithSdk();
  });

  it('the tutorial checkout: root, two children, an event, exact attribute values', function () {
    const run = runPython('checkout.py');
    const { result, spans } = parse(run);
    assert.strictEqual(run.status, 0, run.stderr);
    assert.deepStrictEqual(spans.map((s) => s.name).sort(), ['checkout', 'db.load_cart', 'payment.charge']);
    const root = byName(spans, 'checkout');
    const load = byName(spans, 'db.load_cart');
    const charge = byName(spans, 'payment.charge');
    assert.strictEqual(root.parentSpanId, null);
    for (const child of [load, charge]) {
      assert.strictEqual(child.parentSpanId, root.spanId);
      assert.strictEqual(child.traceId, root.traceId);
      assert.strictEqual(child.parentIsRemote, false);
    }
    assert.deepStrictEqual(charge.events.map((e) => [e.name, e.attributes]), [['calling payment provider', { provider: 'acme', retries: [1, 2] }]]);
    assert.ok(charge.events[0].timeUnixNano >= charge.startTimeUnixNano && charge.events[0].timeUnixNano <= endOf(charge));
    assert.ok(Number.isNaN(root.attributes.ratio as number), 'NaN survives');
    assert.strictEqual(root.attributes.big, 2n ** 63n - 1n);
    assert.deepStrictEqual(root.attributes.tags, ['a', 'é', '🚀']);
    assert.strictEqual(root.resource['service.name'], 'checkout-service');
    assert.deepStrictEqual(root.scope, { name: 'checkout-tutorial', version: '1.0.0', schemaUrl: '' });
    assert.strictEqual(root.kind, 'INTERNAL');
    assert.ok(endOf(root) >= endOf(load) && root.startTimeUnixNano <= load.startTimeUnixNano);
    assertLocations('checkout.py', spans);
    assert.strictEqual(load.location?.function, 'load_cart');

    // The program's ConsoleSpanExporter still prints every span; the parser reads those too,
    // with the same ids, and the Span Lens records win the dedupe.
    const consoleSpans = result.spans.filter((s) => s.origin?.format === 'python-console');
    assert.deepStrictEqual(consoleSpans.map((s) => s.spanId).sort(), spans.map((s) => s.spanId).sort());
    assert.ok(spans.every((s) => s.origin?.format === 'span-lens'));
    assert.deepStrictEqual(
      result.output.map((o) => o.text),
      ['checkout starts', 'loading cart for 42', 'checkout done'],
    );
    assert.deepStrictEqual(result.unparsed, []);
    assert.deepStrictEqual(result.facts.programExporters, ['ConsoleSpanExporter']);
    assert.strictEqual(result.facts.noExporter, false);
    assert.deepStrictEqual(result.facts.lostAtExit, []);
    assertOutputUnchanged('checkout.py', run);
  });

  it('keeps the program’s order of prints and spans when stdout is unbuffered too', function () {
    const run = runPython('checkout.py', { env: { PYTHONUNBUFFERED: '1' } });
    const { result } = parse(run);
    const order = result.spans
      .filter((s) => s.origin?.format === 'span-lens')
      .map((s) => [s.origin!.line, s.name] as const)
      .concat(result.output.map((o) => [o.line, o.text] as const))
      .sort((a, b) => a[0] - b[0])
      .map((x) => x[1]);
    assert.deepStrictEqual(order, ['checkout starts', 'loading cart for 42', 'db.load_cart', 'payment.charge', 'checkout', 'checkout done']);
    assertOutputUnchanged('checkout.py', run, { env: { PYTHONUNBUFFERED: '1' } });
  });

  it('Batch without shutdown: the SDK’s exit flush exports everything, so nothing is lost', function () {
    const run = runPython('batch_no_shutdown.py');
    const { result, spans } = parse(run);
    assert.deepStrictEqual(spans.map((s) => s.name).sort(), ['request', 'step-1', 'step-2']);
    const request = byName(spans, 'request');
    assert.strictEqual(byName(spans, 'step-1').parentSpanId, request.spanId);
    assert.strictEqual(byName(spans, 'step-2').parentSpanId, request.spanId);
    assertLocations('batch_no_shutdown.py', spans);
    // The console copies come after the program's last line: exported at exit, before our report.
    assert.strictEqual(result.spans.filter((s) => s.origin?.format === 'python-console').length, 3);
    assert.deepStrictEqual(result.facts.lostAtExit, []);
    assert.deepStrictEqual(result.facts.programExporters, ['ConsoleSpanExporter']);
    assertOutputUnchanged('batch_no_shutdown.py', run);
  });

  it('Batch never flushed: the spans the program never exported are reported lost at exit', function () {
    const run = runPython('batch_lost.py');
    const { result, spans } = parse(run);
    assert.deepStrictEqual(spans.map((s) => s.name).sort(), ['child', 'parent']);
    assert.strictEqual(result.spans.filter((s) => s.origin?.format === 'python-console').length, 0, 'the program printed none');
    assert.deepStrictEqual([...(result.facts.lostAtExit ?? [])].sort(), spans.map((s) => s.spanId).sort());
    assert.strictEqual(result.facts.noExporter, false);
    assertLocations('batch_lost.py', spans);
    assertOutputUnchanged('batch_lost.py', run);
  });

  it('os._exit: the unflushed spans are reported lost and the open one unended all the same', function () {
    const run = runPython('os_exit.py');
    const { result, spans } = parse(run);
    assert.strictEqual(run.status, 3, run.stderr);
    assert.deepStrictEqual(spans.map((s) => s.name).sort(), ['done', 'open']);
    const done = spans.find((s) => s.name === 'done')!;
    assert.strictEqual(spans.find((s) => s.name === 'open')!.endTimeUnixNano, null);
    assert.deepStrictEqual(result.facts.lostAtExit, [done.spanId]);
    assertLocations('os_exit.py', spans);
  });

  it('a full Batch queue: the spans it dropped are counted as dropped, not lost', function () {
    const run = runPython('batch_drops.py');
    const { result, spans } = parse(run);
    assert.strictEqual(run.status, 0, run.stderr);
    assert.strictEqual(spans.length, 200, 'Span Lens sees every span, dropped or not');
    assertLocations('batch_drops.py', spans.slice(0, 2));
    const m = /^exported (\d+) of 200$/m.exec(run.stdout);
    assert.ok(m, run.stdout);
    const exported = Number(m[1]);
    assert.ok(exported < 200, `the burst overflowed the queue (exported ${exported})`);
    // Not RunFacts.droppedSpans: runners read that as Span Lens's own cap.
    assert.strictEqual(rawFacts(run.stdout).sdkDroppedSpans, 200 - exported);
    assert.strictEqual(result.facts.droppedSpans ?? 0, 0);
    assert.deepStrictEqual(result.facts.lostAtExit, []);
    assert.deepStrictEqual(result.facts.programExporters, ['SlowCountingExporter']);
    // (Output is not compared with a plain run: how many spans the queue drops varies per run.)
  });

  it('several providers, two sharing one multi processor: each span once, the unexported ones noticed', function () {
    const run = runPython('providers.py');
    const { result, spans } = parse(run);
    assert.deepStrictEqual(spans.map((s) => s.name).sort(), ['printed', 'shared-1', 'shared-2', 'unexported']);
    assert.strictEqual(result.spans.filter((s) => s.origin?.format === 'span-lens').length, 4, 'no span framed twice');
    assert.strictEqual(byName(spans, 'unexported').parentSpanId, byName(spans, 'printed').spanId);
    assert.strictEqual(byName(spans, 'shared-2').parentSpanId, byName(spans, 'shared-1').spanId);
    assert.deepStrictEqual(result.facts.programExporters, ['ConsoleSpanExporter']);
    assert.strictEqual(result.facts.noExporter, true, 'spans ended on a provider with no processor');
    assert.deepStrictEqual(result.facts.lostAtExit, []);
    assertLocations('providers.py', spans);
    assertOutputUnchanged('providers.py', run);
  });

  it('a provider set late still wins: Span Lens stands in only until the program sets its own', function () {
    const run = runPython('late_provider.py');
    const { result, spans } = parse(run);
    assert.deepStrictEqual(spans.map((s) => s.name).sort(), ['on-time', 'too-early']);
    assert.deepStrictEqual(result.spans.filter((s) => s.origin?.format === 'python-console').map((s) => s.name), ['on-time']);
    assert.deepStrictEqual(result.output.map((o) => o.text), ["provider is the program's: True"]);
    assert.strictEqual(rawFacts(run.stdout).installedProvider, true);
    assertLocations('late_provider.py', spans);
    assertOutputUnchanged('late_provider.py', run);
  });

  it('API only, SDK importable: Span Lens supplies a provider and says nothing exports the spans', function () {
    const run = runPython('api_only.py');
    const { result, spans } = parse(run);
    assert.deepStrictEqual(spans.map((s) => s.name).sort(), ['handle', 'main']);
    assert.strictEqual(byName(spans, 'handle').parentSpanId, byName(spans, 'main').spanId);
    assert.strictEqual(byName(spans, 'handle').attributes.item, 1);
    assertLocations('api_only.py', spans);
    assert.strictEqual(result.facts.noExporter, true);
    assert.deepStrictEqual(result.facts.programExporters, []);
    const facts = rawFacts(run.stdout);
    assert.strictEqual(facts.installedProvider, true);
    assertOutputUnchanged('api_only.py', run);
  });

  it('API only, no SDK installed: no spans, and the facts record says why', function () {
    const pathWithoutSdk = [path.join(PROGRAMS, 'hide_sdk')];
    const run = runPython('api_only.py', { path: pathWithoutSdk });
    const { result, spans } = parse(run);
    assert.deepStrictEqual(spans, []);
    assert.strictEqual(result.facts.noExporter, true);
    const facts = rawFacts(run.stdout);
    assert.strictEqual(facts.opentelemetry, 'api');
    assert.strictEqual(facts.spansNotRecorded, 2);
    assert.match(String(facts.message), /opentelemetry-sdk is not installed/);
    assertOutputUnchanged('api_only.py', run, { path: pathWithoutSdk });
  });

  it('the decorator form points at the decorator line, for def, async def and stacked decorators', function () {
    const run = runPython('decorator.py');
    const { spans } = parse(run);
    assert.deepStrictEqual(spans.map((s) => s.name).sort(), ['coroutine', 'outer', 'plain', 'stacked']);
    const outer = byName(spans, 'outer');
    for (const name of ['plain', 'stacked', 'coroutine']) assert.strictEqual(byName(spans, name).parentSpanId, outer.spanId, name);
    assertLocations('decorator.py', spans);
    assert.strictEqual(byName(spans, 'plain').location?.function, 'plain');
    assert.strictEqual(byName(spans, 'coroutine').location?.function, 'coroutine');
    assert.ok(byName(spans, 'coroutine').endTimeUnixNano! > byName(spans, 'coroutine').startTimeUnixNano);
    assertOutputUnchanged('decorator.py', run);
  });

  it('threads: no context gives a new trace, an attached context gives a child', function () {
    const run = runPython('threads.py');
    const { spans } = parse(run);
    const main = byName(spans, 'main');
    const detached = byName(spans, 'detached');
    const attached = byName(spans, 'attached');
    assert.strictEqual(detached.parentSpanId, null);
    assert.notStrictEqual(detached.traceId, main.traceId);
    assert.strictEqual(attached.parentSpanId, main.spanId);
    assert.strictEqual(attached.traceId, main.traceId);
    assertLocations('threads.py', spans);
    assertOutputUnchanged('threads.py', run);
  });

  it('asyncio tasks: children of the span around gather(), ending out of order', function () {
    const run = runPython('asyncio_children.py');
    const { spans } = parse(run);
    const gather = byName(spans, 'gather');
    const slow = byName(spans, 'fetch-slow');
    const fast = byName(spans, 'fetch-fast');
    for (const child of [slow, fast]) assert.strictEqual(child.parentSpanId, gather.spanId);
    assert.ok(slow.startTimeUnixNano < fast.startTimeUnixNano && endOf(fast) < endOf(slow), 'started slow-first, ended fast-first');
    assertLocations('asyncio_children.py', spans);
    assertOutputUnchanged('asyncio_children.py', run);
  });

  it('a span never ended comes back as unended, with its parent and call site', function () {
    const run = runPython('never_ended.py');
    const { result, spans } = parse(run);
    const request = byName(spans, 'request');
    const forgotten = byName(spans, 'forgotten');
    assert.strictEqual(forgotten.endTimeUnixNano, null);
    assert.strictEqual(forgotten.parentSpanId, request.spanId);
    assert.strictEqual(forgotten.attributes.attempt, 1);
    assert.notStrictEqual(request.endTimeUnixNano, null);
    assertLocations('never_ended.py', spans);
    assert.deepStrictEqual(result.spans.filter((s) => s.origin?.format === 'python-console').map((s) => s.name), ['request']);
    assertOutputUnchanged('never_ended.py', run);
  });

  it('an uncaught exception: exit status 1, every span still reported, the failing ones ERROR', function () {
    const run = runPython('uncaught_exception.py');
    const { result, spans } = parse(run);
    assert.strictEqual(run.status, 1);
    assert.match(run.stderr, /TypeError: boom: cannot parse/);
    assert.deepStrictEqual(spans.map((s) => s.name).sort(), ['parse', 'prepare', 'process']);
    const parseSpan = byName(spans, 'parse');
    assert.strictEqual(parseSpan.parentSpanId, byName(spans, 'process').spanId);
    assert.deepStrictEqual(parseSpan.status, { code: 'ERROR', message: 'TypeError: boom: cannot parse' });
    assert.strictEqual(byName(spans, 'process').status.code, 'ERROR');
    assert.strictEqual(byName(spans, 'prepare').status.code, 'UNSET');
    assert.deepStrictEqual(parseSpan.events.map((e) => [e.name, e.attributes['exception.type']]), [['exception', 'TypeError']]);
    assert.deepStrictEqual(result.facts.lostAtExit, []);
    assertLocations('uncaught_exception.py', spans);
    assertOutputUnchanged('uncaught_exception.py', run);
  });

  it('survives a swapped and then closed sys.stdout, with call sites found under ConcurrentMultiSpanProcessor', function () {
    const run = runPython('stdout_games.py');
    const { result, spans } = parse(run);
    assert.strictEqual(run.status, 0, run.stderr);
    assert.strictEqual(run.stderr, 'still running\n');
    assert.deepStrictEqual(spans.map((s) => s.name).sort(), ['after-close', 'captured']);
    assertLocations('stdout_games.py', spans);
    assert.deepStrictEqual(result.output.map((o) => o.text), ['before the swap', 'buffer held 1 line']);
    assertOutputUnchanged('stdout_games.py', run);
  });

  it('chains to a user’s sitecustomize and still records spans', function () {
    const site = [path.join(PROGRAMS, 'chained_site')];
    const run = runPython('chained.py', { path: site });
    const { result, spans } = parse(run);
    assert.strictEqual(run.stderr, 'user sitecustomize ran\n');
    assert.deepStrictEqual(result.output.map((o) => o.text), ['user sitecustomize seen by the program: True']);
    assert.deepStrictEqual(spans.map((s) => s.name), ['chained']);
    assertLocations('chained.py', spans);
    assertOutputUnchanged('chained.py', run, { path: site });
  });

  it('SIGTERM while a span is open: the open span is reported, and the program still dies of the signal', async function () {
    const env = pythonEnv({});
    const child = spawn(PYTHON, [path.join(PROGRAMS, 'stopped.py')], { env });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (code, signal) => resolve([code, signal])));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the program never printed ready: ${stderr}`)), 25000);
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        if (stdout.includes('ready\n')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    const [code, signal] = await exited;
    assert.deepStrictEqual([code, signal], [null, 'SIGTERM']);
    const { result, spans } = parse({ stdout, stderr, status: code, ms: 0 });
    assert.deepStrictEqual(spans.map((s) => [s.name, s.endTimeUnixNano === null]).sort(), [['serve-forever', true], ['startup', false]]);
    assertLocations('stopped.py', spans);
    assert.deepStrictEqual(result.output.map((o) => o.text), ['ready']);
    assert.strictEqual(result.facts.noExporter, true);
  });

  it('SPAN_LENS_MAX_SPANS: records past the cap are counted, not printed', function () {
    const run = runPython('flood.py', { env: { SPAN_LENS_FLOOD: '100', SPAN_LENS_MAX_SPANS: '10' } });
    const { result, spans } = parse(run);
    assert.strictEqual(spans.length, 10);
    assert.deepStrictEqual(spans.map((s) => s.attributes.i), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.strictEqual(result.facts.droppedSpans, 90);
  });

  it('child processes: their spans are reported, never into output the program captures; silent children add no facts; a fork forgets the parent’s spans', function () {
    const run = runPython('subprocesses.py');
    const { result, spans } = parse(run);
    assert.strictEqual(run.status, 0, run.stderr);
    assert.deepStrictEqual(spans.map((s) => [s.name, s.endTimeUnixNano !== null]).sort(), [['child', true], ['parent', true]]);
    assert.strictEqual(byName(spans, 'child').location?.file, path.join(PROGRAMS, 'subprocess_child.py'));
    assert.strictEqual(byName(spans, 'parent').location?.file, path.join(PROGRAMS, 'subprocesses.py'));
    const facts = allRawFacts(run.stdout);
    assert.strictEqual(facts.length, 2, 'facts from the root and from the child with a span; none from the silent child or the fork');
    assert.deepStrictEqual(
      result.output.map((o) => o.text),
      ['child ran', 'plain program', '{', '}', 'no newline at the end', "captured: 'child ran\\n'", 'parent done'],
    );
    // The child whose stdout the program read wrote its frames to the run's stderr.
    const fromStderr = parseText(run.stderr, { nonce: NONCE });
    assert.deepStrictEqual(fromStderr.spans.map((s) => s.name), ['child']);
    assert.deepStrictEqual(fromStderr.output, []);
    assertOutputUnchanged('subprocesses.py', run);
  });

  it('a flood of 10,000 spans: every one reported; prints the cost per span', function () {
    this.timeout(120000);
    const count = 10000;
    const env = { SPAN_LENS_FLOOD: String(count) };
    const loopCpuMs = (run: PythonRun): number => {
      const m = /loop cpu seconds ([\d.]+)/.exec(run.stderr);
      assert.ok(m, `the flood reports its loop time: ${run.stderr}`);
      return Number(m[1]) * 1000;
    };
    const plain = runPython('flood.py', { inject: false, env });
    const run = runPython('flood.py', { env });
    const { result, spans } = parse(run);
    assert.strictEqual(run.status, 0, run.stderr);
    assert.strictEqual(spans.length, count);
    assert.ok(spans.every((s) => s.name === 'item' && s.parentSpanId === null));
    assert.strictEqual(new Set(spans.map((s) => s.attributes.i)).size, count);
    assertLocations('flood.py', [spans[0], spans[count - 1]]);
    assert.deepStrictEqual(result.output.map((o) => o.text), [`flooded ${count}`]);
    assert.strictEqual(plain.stdout, `flooded ${count}\n`);
    const perSpan = (ms: number): string => ((ms * 1000) / count).toFixed(1);
    console.log(
      `      flood of ${count}: loop CPU ${perSpan(loopCpuMs(plain))} µs/span plain, ${perSpan(loopCpuMs(run))} µs/span with Span Lens; ` +
        `whole run ${plain.ms.toFixed(0)} ms plain, ${run.ms.toFixed(0)} ms with Span Lens (${(run.stdout.length / 1e6).toFixed(1)} MB of frames)`,
    );
  });

});

describe('run: Python through runFile (the runner the editor and CLI use)', function () {
  this.timeout(30000);
  before(() => {
    pythonWithSdk();
  });

  const settings = {
    // The injection straight from the sources (a build copies the same folder to dist/inject).
    injectDir: path.dirname(INJECT_DIR),
    python: { path: VENV_PYTHON },
    env: { PYTHONPYCACHEPREFIX: PYCACHE, PYTHONDONTWRITEBYTECODE: undefined },
  };

  it('the checkout: each span once (the console copies deduplicated), located, the program’s lines as output', async function () {
    const file = path.join(PROGRAMS, 'checkout.py');
    let shown = '';
    const result = await runFile(file, settings, { onOutput: (stream, chunk) => stream === 'stdout' && (shown += chunk) });
    assert.strictEqual(result.error, undefined);
    assert.strictEqual(result.exitCode, 0);
    assert.deepStrictEqual(result.spans.map((s) => s.name).sort(), ['checkout', 'db.load_cart', 'payment.charge']);
    assert.ok(result.spans.every((s) => s.origin?.format === 'span-lens'));
    assertLocations('checkout.py', result.spans);
    assert.deepStrictEqual(result.output.stdout.map((o) => o.text), ['checkout starts', 'loading cart for 42', 'checkout done']);
    assert.deepStrictEqual(result.facts.programExporters, ['ConsoleSpanExporter']);
    assert.ok(!shown.includes('@@span-lens/'), 'no frames in the output shown to the user');
    assert.strictEqual(masked(shown), masked(runPython('checkout.py', { inject: false }).stdout));
  });

  it('stopping a run reports the span that was open when it was stopped', async function () {
    const file = path.join(PROGRAMS, 'stopped.py');
    const abort = new AbortController();
    const result = await runFile(file, settings, {
      signal: abort.signal,
      onOutput: (stream, chunk) => stream === 'stdout' && chunk.includes('ready') && abort.abort(),
    });
    assert.strictEqual(result.stopped, 'aborted');
    assert.deepStrictEqual(result.spans.map((s) => [s.name, s.endTimeUnixNano === null]).sort(), [['serve-forever', true], ['startup', false]]);
    assertLocations('stopped.py', result.spans);
  });

  it('a second stop signal while the open spans are being reported does not cut the report short', async function () {
    const result = await runFile(path.join(PROGRAMS, 'stopped_twice.py'), settings, { timeoutMs: 30_000 });
    assert.strictEqual(result.stopped, undefined, 'the program stopped itself');
    assert.strictEqual(result.signal, 'SIGTERM');
    const names = result.spans.filter((s) => s.endTimeUnixNano === null).map((s) => s.name);
    assert.strictEqual(names.length, 200);
    assert.deepStrictEqual(new Set(names), new Set(Array.from({ length: 200 }, (_, i) => `open-${i}`)));
  });
});
