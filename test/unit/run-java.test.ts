/**
 * Java programs run for real through runFile, with opentelemetry-java from Maven Central (each test
 * program is a Maven project; `.ci/install-sdks.sh java` resolves them into ~/.m2):
 *
 * - a Maven module (test/fixtures/java/shop): its main class uses a class of its package in
 *   another file and a second top-level class of its own file; Span Lens compiles the module with
 *   mvn and runs `java -cp target/classes:<dependencies> shop.Checkout`;
 * - a single file (test/fixtures/java/checkout) launched as source with `spanLens.java.classPath`
 *   set to the SDK's class path from the Maven cache, the override a user without a build has;
 * - the tutorial's checkout (examples/java), unchanged;
 * - test/fixtures/java/agent (a batch processor never shut down, a span never ended, a span named
 *   at run time), api-only (the API without any SDK) and old-sdk (opentelemetry-java 1.32.0).
 *
 * Every run loads Span Lens's Java agent (dist/inject/java/span-lens-agent.jar, built by
 * `npm run build:inject`) through JAVA_TOOL_OPTIONS: it adds its processor to every
 * SdkTracerProvider and reports each span as a framed record with real times, parents, status,
 * events and its call site. The program's own LoggingSpanExporter lines (stderr) only repeat those
 * spans: they are read and dropped as copies. The expected line of each span is the line of its
 * `// span: NAME` marker comment. Without java, mvn, the SDK in ~/.m2 or the agent jar the tests
 * fail, saying how to install them.
 */
import * as assert from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { analyzeRun } from '../../src/core/analyze';
import type { Span } from '../../src/core/model';
import { classPathCacheFile } from '../../src/run/languages/java/maven';
import { runFile, type RunResult } from '../../src/run/runFile';
import type { RunSettings } from '../../src/run/launch';
import { collectSources } from '../../src/run/sources';
import { markedLines, only } from './runSupport';
import { javaAgentJar, javaSdkClassPath } from './sdks';

const FIXTURES = path.resolve(__dirname, '../fixtures/java');
const SINGLE_FILE = path.join(FIXTURES, 'checkout/Checkout.java');
const SHOP = path.join(FIXTURES, 'shop');
const SHOP_SOURCES = path.join('src', 'main', 'java', 'shop');
const AGENT = path.join(FIXTURES, 'agent');
const API_ONLY = path.join(FIXTURES, 'api-only');
const OLD_SDK = path.join(FIXTURES, 'old-sdk');
const EXAMPLES = path.resolve(__dirname, '../../examples/java');
const SOURCES = (pkg: string) => path.join('src', 'main', 'java', pkg);
// A first offline build on two busy cores takes a few seconds; the program itself well under one.
const RUN_TIMEOUT_MS = 180_000;

let sdkClassPath: string[] = [];

/** Run a Java file and check it ran and every span record was read. */
async function run(file: string, settings: RunSettings = {}, output?: string[]): Promise<RunResult> {
  const started = Date.now();
  const result = await runFile(file, settings, { timeoutMs: RUN_TIMEOUT_MS, onOutput: (_s, text) => output?.push(text) });
  console.log(`      (${path.basename(file)}: ${Date.now() - started} ms)`);
  const stderr = result.output.stderr.map((l) => l.text).join('\n');
  assert.strictEqual(result.error, undefined, result.error);
  assert.strictEqual(result.exitCode, 0, `java failed:\n${stderr}`);
  assert.deepStrictEqual(result.unparsed, [], 'every span record read');
  assert.ok(result.formats.includes('span-lens'), `the agent's frames read (formats: ${result.formats.join(', ')})`);
  assert.strictEqual(result.facts.sdk, 'java', 'the agent wrote its facts');
  // The JUL records are spans, not program output (the JVM may add notes of its own).
  for (const l of result.output.stderr) assert.doesNotMatch(l.text, /LoggingSpanExporter|^INFO: '/, 'a span record left as output');
  for (const l of result.output.stdout) assert.doesNotMatch(l.text, /@@span-lens/, 'a frame left as output');
  return result;
}

const MS = 1_000_000n;

/** A span's duration in whole milliseconds. */
function ms(span: Span): number {
  assert.notStrictEqual(span.endTimeUnixNano, null, `${span.name} ended`);
  return Number((span.endTimeUnixNano! - span.startTimeUnixNano) / MS);
}

/**
 * What the agent reports of the checkout's spans (the shop and the single file alike): one trace,
 * the children under the SERVER root, real times (each child slept 5 and 10 ms), the declined
 * card's status and event, the resource and scope; nothing marked unknown.
 */
function assertAgentFacts(spans: Span[]): void {
  assert.strictEqual(new Set(spans.map((s) => s.traceId)).size, 1, 'one trace');
  assert.match(spans[0].traceId, /^[0-9a-f]{32}$/);
  assert.strictEqual(new Set(spans.map((s) => s.spanId)).size, spans.length);
  const checkout = only(spans, 'checkout');
  const load = only(spans, 'db.load_cart');
  const charge = only(spans, 'payment.charge');
  for (const s of spans) {
    assert.match(s.spanId, /^[0-9a-f]{16}$/);
    assert.strictEqual(s.scope.name, 'shop');
    assert.deepStrictEqual(s.unknown ?? [], [], `${s.name}: nothing unknown`);
    assert.strictEqual(s.resource['telemetry.sdk.language'], 'java');
    assert.strictEqual(s.resource['service.name'], 'unknown_service:java');
  }
  assert.strictEqual(checkout.parentSpanId, null, 'checkout is the root');
  assert.strictEqual(load.parentSpanId, checkout.spanId);
  assert.strictEqual(charge.parentSpanId, checkout.spanId);
  assert.ok(ms(load) >= 5 && ms(load) < 1000, `db.load_cart slept 5 ms: ${ms(load)} ms`);
  assert.ok(ms(charge) >= 10 && ms(charge) < 1000, `payment.charge slept 10 ms: ${ms(charge)} ms`);
  assert.ok(checkout.startTimeUnixNano <= load.startTimeUnixNano && checkout.endTimeUnixNano! >= charge.endTimeUnixNano!, 'the children inside the root');
  assert.ok(load.endTimeUnixNano! <= charge.startTimeUnixNano, 'the cart loaded before the charge');
  assert.deepStrictEqual(charge.status, { code: 'ERROR', message: 'card declined' });
  assert.deepStrictEqual(charge.events.map((e) => e.name), ['calling payment provider']);
  assert.ok(charge.events[0].timeUnixNano >= charge.startTimeUnixNano && charge.events[0].timeUnixNano <= charge.endTimeUnixNano!);
  assert.strictEqual(checkout.status.code, 'UNSET');
}

/**
 * Each span located in `fileOf(name)` on its marker's line, the column at its `spanBuilder(`: by the
 * agent (the call site of its startSpan, moved up the chain to its spanBuilder), before any static
 * search by name.
 */
function assertLocated(result: RunResult, fileOf: (name: string) => string): void {
  for (const span of result.spans) assert.ok(span.location, `${span.name} located by the agent`);
  const analysis = analyzeRun({ spans: result.spans, facts: result.facts, sources: collectSources(result.file), language: 'java' });
  assert.deepStrictEqual(analysis.unlocated, []);
  for (const span of result.spans) {
    const file = fileOf(span.name);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    assert.ok(span.location, `${span.name} located`);
    assert.strictEqual(span.location.file, file, `${span.name} in ${path.basename(file)}`);
    assert.strictEqual(span.location.line, markedLines(file).get(span.name), `${span.name} on the line of its spanBuilder`);
    assert.ok(lines[span.location.line].slice(span.location.column).startsWith('spanBuilder('), `${span.name}: column at spanBuilder`);
  }
}

/** A copy of the shop module without its build output, to edit and break. */
function copyOfShop(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'span-lens-java-'));
  fs.cpSync(SHOP, dir, { recursive: true, filter: (src) => path.basename(src) !== 'target' });
  return dir;
}

/** Processes whose command line mentions `text` (mvn's names its project folder). */
function processesMentioning(text: string): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(text)) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

describe('run: Java programs with opentelemetry-java from Maven Central, through the Span Lens agent', function () {
  this.timeout(RUN_TIMEOUT_MS + 60_000);
  const copies: string[] = [];

  before(() => {
    sdkClassPath = javaSdkClassPath();
    javaAgentJar();
  });

  after(() => {
    for (const dir of copies) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('Maven module: the main class, a class of another file and a second top-level class all run, with the program args; every span, kind, attribute and start line', async () => {
    const main = path.join(SHOP, SHOP_SOURCES, 'Checkout.java');
    const payment = path.join(SHOP, SHOP_SOURCES, 'PaymentService.java');
    const result = await run(main, { args: ['book', 'pen'] });

    // Run as Maven builds it: the module's classes and its resolved dependencies, in the module's folder.
    assert.strictEqual(result.command?.command, 'java');
    assert.strictEqual(result.command?.cwd, SHOP);
    const args = result.command!.args;
    assert.deepStrictEqual(args.slice(-3), ['shop.Checkout', 'book', 'pen']);
    const classPath = args[args.indexOf('-cp') + 1].split(path.delimiter);
    assert.strictEqual(classPath[0], path.join(SHOP, 'target', 'classes'));
    for (const jar of sdkClassPath) assert.ok(classPath.includes(jar), `${path.basename(jar)} from ~/.m2 on the class path`);
    assert.ok(classPath.some((e) => /opentelemetry-sdk-trace-1\.68\.0\.jar$/.test(e)), 'the 1.68.0 SDK from the BOM');

    assert.deepStrictEqual(result.output.stdout.map((l) => l.text), ['order placed: book, pen']);
    // SimpleSpanProcessor exports as each span ends: children first.
    assert.deepStrictEqual(result.spans.map((s) => s.name), ['db.load_cart', 'payment.charge', 'checkout']);
    const checkout = only(result.spans, 'checkout');
    const load = only(result.spans, 'db.load_cart');
    const charge = only(result.spans, 'payment.charge');
    assert.deepStrictEqual([checkout.kind, load.kind, charge.kind], ['SERVER', 'INTERNAL', 'CLIENT']);
    assert.deepStrictEqual(checkout.attributes, { 'user.id': 42, 'order.items': 2 });
    assert.deepStrictEqual(load.attributes, { 'db.system': 'postgresql', 'cart.size': 2 });
    assert.deepStrictEqual(charge.attributes, { 'payment.amount': 19.99 });
    // The agent sees the program's own pipeline and that it exported everything.
    assert.deepStrictEqual(result.facts.programExporters, ['SimpleSpanProcessor', 'LoggingSpanExporter']);
    assert.deepStrictEqual(result.facts.lostAtExit, []);
    assert.strictEqual(result.facts.noExporter, false);
    assertAgentFacts(result.spans);
    // CartStore is a second top-level class of Checkout.java; PaymentService is its own file.
    assertLocated(result, (name) => (name === 'payment.charge' ? payment : main));
  });

  it('Maven module: an edited source is recompiled, the class path is kept until pom.xml changes', async () => {
    const dir = copyOfShop();
    copies.push(dir);
    const main = path.join(dir, SHOP_SOURCES, 'Checkout.java');
    const payment = path.join(dir, SHOP_SOURCES, 'PaymentService.java');
    const pom = path.join(dir, 'pom.xml');

    await run(main);
    const cache = classPathCacheFile(dir, fs.readFileSync(pom, 'utf8'));
    assert.ok(fs.existsSync(cache), 'class path cached by pom.xml hash');
    const cachedAt = fs.statSync(cache).mtimeMs;

    fs.writeFileSync(payment, fs.readFileSync(payment, 'utf8').replace(/payment\.charge/g, 'payment.capture'));
    const edited = await run(main);
    assert.deepStrictEqual(edited.spans.map((s) => s.name), ['db.load_cart', 'payment.capture', 'checkout'], 'the edit is in the run');
    assert.strictEqual(fs.statSync(cache).mtimeMs, cachedAt, 'class path not resolved again');
    assertLocated(edited, (name) => (name === 'payment.capture' ? payment : main));

    fs.writeFileSync(pom, fs.readFileSync(pom, 'utf8').replace('</project>', '  <description>edited</description>\n</project>'));
    await run(main);
    assert.ok(fs.existsSync(classPathCacheFile(dir, fs.readFileSync(pom, 'utf8'))), 'a changed pom.xml resolves the class path again');
  });

  it('Maven module: a compile error is the run\'s error ("mvn compile failed" with the compiler\'s lines) and shown as output; the program does not run', async () => {
    const dir = copyOfShop();
    copies.push(dir);
    const main = path.join(dir, SHOP_SOURCES, 'Checkout.java');
    const payment = path.join(dir, SHOP_SOURCES, 'PaymentService.java');
    fs.writeFileSync(payment, fs.readFileSync(payment, 'utf8').replace('span.end();', 'span.finish();'));
    const output: string[] = [];
    const result = await runFile(main, {}, { timeoutMs: RUN_TIMEOUT_MS, onOutput: (_s, text) => output.push(text) });

    assert.ok(result.error, 'the run has an error');
    assert.match(result.error, /^mvn compile failed in /);
    assert.match(result.error, /PaymentService\.java:\[\d+,\d+\] cannot find symbol/);
    assert.match(result.error, /method finish\(\)/);
    assert.doesNotMatch(result.error, /re-run Maven|\[Help 1\]|\x1b\[/, 'no Maven boilerplate or colour codes');
    assert.match(output.join(''), /PaymentService\.java:\[\d+,\d+\] cannot find symbol/, 'the build output is shown');
    assert.strictEqual(result.exitCode, null);
    assert.deepStrictEqual(result.spans, []);
    assert.deepStrictEqual(result.output.stdout, []);
  });

  it('Maven module: stopping the run during the build stops mvn', async () => {
    const dir = copyOfShop();
    copies.push(dir);
    const main = path.join(dir, SHOP_SOURCES, 'Checkout.java');
    const controller = new AbortController();
    const started = Date.now();
    const running = runFile(main, {}, { signal: controller.signal, timeoutMs: RUN_TIMEOUT_MS });
    // mvn's JVM names the project folder on its command line; it needs over a second to start
    // and compile here, so abort as soon as it shows.
    while (!processesMentioning(dir).length && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 50));
    assert.notDeepStrictEqual(processesMentioning(dir), [], 'mvn is running');
    const abortedAt = Date.now();
    controller.abort();
    const result = await running;

    assert.strictEqual(result.stopped, 'aborted');
    assert.strictEqual(result.error, undefined, result.error);
    assert.deepStrictEqual(result.spans, []);
    assert.ok(Date.now() - abortedAt < 5_000, `stopped promptly (${Date.now() - abortedAt} ms)`);
    assert.deepStrictEqual(processesMentioning(dir), [], 'no mvn process left');
    // The class path is only known after a finished build: without it the program never started.
    assert.ok(!result.command?.args.includes('-cp'), 'the program was not started');
    assert.strictEqual(result.exitCode, null);
  });

  it('single file with spanLens.java.classPath (the SDK from the Maven cache): names, kinds, attributes and the spanBuilder line of every span', async () => {
    const result = await run(SINGLE_FILE, { java: { classPath: sdkClassPath.join(path.delimiter) } });
    assert.deepStrictEqual(result.command?.args.slice(-1), [SINGLE_FILE], 'source launch of the file');
    assert.deepStrictEqual(result.output.stdout.map((l) => l.text), ['order placed']);

    assert.deepStrictEqual(result.spans.map((s) => s.name), ['db.load_cart', 'payment.charge', 'checkout']);
    const checkout = only(result.spans, 'checkout');
    const load = only(result.spans, 'db.load_cart');
    const charge = only(result.spans, 'payment.charge');
    assert.deepStrictEqual([checkout.kind, load.kind, charge.kind], ['SERVER', 'INTERNAL', 'CLIENT']);
    assert.deepStrictEqual(checkout.attributes, { 'user.id': 42 });
    assert.deepStrictEqual(load.attributes, { 'db.system': 'postgresql' });
    assert.deepStrictEqual(charge.attributes, { 'payment.amount': 19.99 });
    assertAgentFacts(result.spans);
    assertLocated(result, () => SINGLE_FILE);
  });

  it('the tutorial\'s checkout, unchanged (LoggingSpanExporter): real durations (~15 ms and ~30 ms children), their parent, each span on its spanBuilder line', async () => {
    const tutorial = path.join(EXAMPLES, 'src', 'main', 'java', 'tutorial', 'Checkout.java');
    const result = await run(tutorial);
    assert.deepStrictEqual(result.output.stdout.map((l) => l.text), ['order placed']);
    assert.deepStrictEqual(result.spans.map((s) => s.name), ['db.load_cart', 'payment.charge', 'checkout']);
    const checkout = only(result.spans, 'checkout');
    const load = only(result.spans, 'db.load_cart');
    const charge = only(result.spans, 'payment.charge');
    assert.ok(ms(load) >= 15 && ms(load) < 500, `db.load_cart slept 15 ms: ${ms(load)} ms`);
    assert.ok(ms(charge) >= 30 && ms(charge) < 500, `payment.charge slept 30 ms: ${ms(charge)} ms`);
    assert.ok(ms(checkout) >= ms(load) + ms(charge), 'the root spans both');
    assert.strictEqual(load.parentSpanId, checkout.spanId);
    assert.strictEqual(charge.parentSpanId, checkout.spanId);
    assert.strictEqual(checkout.parentSpanId, null);
    assert.deepStrictEqual(charge.events.map((e) => e.name), ['calling payment provider']);
    assert.deepStrictEqual(checkout.scope, { name: 'checkout-tutorial', version: '1.0.0', schemaUrl: null });
    const lines = fs.readFileSync(tutorial, 'utf8').split('\n');
    for (const span of result.spans) {
      assert.strictEqual(span.location?.file, tutorial);
      assert.ok(lines[span.location.line].slice(span.location.column).startsWith(`spanBuilder("${span.name}")`), `${span.name} at its spanBuilder (line ${span.location.line + 1})`);
    }
    const analysis = analyzeRun({ spans: result.spans, facts: result.facts, sources: collectSources(result.file), language: 'java' });
    assert.deepStrictEqual(analysis.findings.filter((f) => ['spans-lost-at-exit', 'unended-span', 'no-exporter'].includes(f.rule)), []);
  });

  it('a BatchSpanProcessor never shut down: the spans are still shown, and spans-lost-at-exit names them on the provider line', async () => {
    const file = path.join(AGENT, SOURCES('agent'), 'BatchNoShutdown.java');
    const result = await run(file);
    assert.deepStrictEqual(result.output.stdout.map((l) => l.text), ['done, no shutdown']);
    // LoggingSpanExporter never printed them: every span here comes from the agent.
    assert.deepStrictEqual(result.formats, ['span-lens']);
    assert.deepStrictEqual(result.spans.map((s) => s.name), ['db.load_cart', 'checkout']);
    assert.strictEqual(only(result.spans, 'db.load_cart').parentSpanId, only(result.spans, 'checkout').spanId);
    assert.deepStrictEqual([...result.facts.lostAtExit!].sort(), result.spans.map((s) => s.spanId).sort());
    assert.deepStrictEqual(result.facts.programExporters, ['BatchSpanProcessor', 'LoggingSpanExporter']);
    assertLocated(result, () => file);

    const analysis = analyzeRun({ spans: result.spans, facts: result.facts, sources: collectSources(result.file), language: 'java' });
    const lost = analysis.findings.filter((f) => f.rule === 'spans-lost-at-exit');
    assert.strictEqual(lost.length, 1, JSON.stringify(analysis.findings));
    assert.match(lost[0].message, /^2 spans ended but never reached the program's own exporter \(BatchSpanProcessor, LoggingSpanExporter\)/);
    assert.strictEqual(lost[0].location?.file, file);
    const providerLine = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('SdkTracerProvider.builder()'));
    assert.strictEqual(lost[0].location?.line, providerLine, 'on the SdkTracerProvider.builder() line');
    assert.ok(analysis.score < 100, `score ${analysis.score}`);
  });

  it('a span never ended is reported (unended-span on its line); a span named at run time is located by its call site', async () => {
    const file = path.join(AGENT, SOURCES('agent'), 'NeverEnded.java');
    const result = await run(file);
    assert.deepStrictEqual(result.spans.map((s) => s.name).sort(), ['inventory.reserve', 'order', 'ship-0']);
    const reserve = only(result.spans, 'inventory.reserve');
    const order = only(result.spans, 'order');
    assert.strictEqual(reserve.endTimeUnixNano, null, 'never ended');
    assert.strictEqual(reserve.parentSpanId, order.spanId);
    assert.strictEqual(only(result.spans, 'ship-0').parentSpanId, order.spanId);
    assert.deepStrictEqual(result.facts.lostAtExit, []);
    assertLocated(result, () => file);

    const analysis = analyzeRun({ spans: result.spans, facts: result.facts, sources: collectSources(result.file), language: 'java' });
    const unended = analysis.findings.filter((f) => f.rule === 'unended-span');
    assert.strictEqual(unended.length, 1, JSON.stringify(analysis.findings));
    assert.strictEqual(unended[0].spanId, reserve.spanId);
    assert.strictEqual(unended[0].location?.line, markedLines(file).get('inventory.reserve'));
  });

  it('a program using only the API (no SDK on its class path) gets a lent provider: its spans, nested, with status and event, and no-exporter said', async () => {
    const file = path.join(API_ONLY, SOURCES('apionly'), 'Main.java');
    const result = await run(file);
    const args = result.command!.args;
    assert.ok(!args[args.indexOf('-cp') + 1].includes('opentelemetry-sdk'), 'no SDK on the class path');
    assert.deepStrictEqual(result.output.stdout.map((l) => l.text), ['handled']);
    assert.deepStrictEqual(result.spans.map((s) => s.name), ['db.query', 'handle']);
    const handle = only(result.spans, 'handle');
    const query = only(result.spans, 'db.query');
    assert.strictEqual(query.parentSpanId, handle.spanId);
    assert.strictEqual(query.traceId, handle.traceId);
    assert.strictEqual(handle.kind, 'SERVER');
    assert.ok(ms(query) >= 10, `db.query slept 10 ms: ${ms(query)} ms`);
    assert.deepStrictEqual(query.attributes, { 'db.system': 'h2' });
    assert.deepStrictEqual(query.status, { code: 'ERROR', message: 'timeout' });
    assert.deepStrictEqual(query.events.map((e) => e.name), ['rows fetched']);
    assert.deepStrictEqual(query.scope, { name: 'api-only', version: '0.1.0', schemaUrl: null });
    assert.strictEqual(result.facts.noExporter, true);
    assertLocated(result, () => file);
    const analysis = analyzeRun({ spans: result.spans, facts: result.facts, sources: collectSources(result.file), language: 'java' });
    assert.ok(analysis.findings.some((f) => f.rule === 'no-exporter'), JSON.stringify(analysis.findings.map((f) => f.rule)));
  });

  it('opentelemetry-java 1.32.0: the same times, parents and call sites; and its batch processor\'s lost spans', async () => {
    const file = path.join(OLD_SDK, SOURCES('oldsdk'), 'Checkout.java');
    const result = await run(file);
    const args = result.command!.args;
    assert.ok(args[args.indexOf('-cp') + 1].split(path.delimiter).some((e) => /opentelemetry-sdk-trace-1\.32\.0\.jar$/.test(e)), 'the 1.32.0 SDK');
    assert.deepStrictEqual(result.spans.map((s) => s.name), ['db.load_cart', 'payment.charge', 'checkout']);
    const checkout = only(result.spans, 'checkout');
    assert.ok(ms(only(result.spans, 'db.load_cart')) >= 15);
    assert.ok(ms(only(result.spans, 'payment.charge')) >= 30);
    for (const s of result.spans) if (s !== checkout) assert.strictEqual(s.parentSpanId, checkout.spanId);
    assert.strictEqual(checkout.resource['telemetry.sdk.version'], '1.32.0');
    assert.deepStrictEqual(result.facts.lostAtExit, []);
    assertLocated(result, () => file);

    const batch = await run(file, { args: ['batch'] });
    assert.deepStrictEqual(batch.spans.map((s) => s.name), ['db.load_cart', 'payment.charge', 'checkout']);
    assert.deepStrictEqual([...batch.facts.lostAtExit!].sort(), batch.spans.map((s) => s.spanId).sort());
  });

  it('the agent is appended to the user\'s own JAVA_TOOL_OPTIONS, which still apply', async () => {
    const file = path.join(AGENT, SOURCES('agent'), 'NeverEnded.java');
    const result = await run(file, { env: { JAVA_TOOL_OPTIONS: '-Dspanlens.test=1 -Xss2m' } });
    assert.ok(result.spans.length === 3);
    const picked = result.output.stderr.map((l) => l.text).filter((l) => l.startsWith('Picked up JAVA_TOOL_OPTIONS:'));
    // The JVM announces the options it read; the user sees the announcement of their own, as without Span Lens.
    assert.deepStrictEqual(picked, ['Picked up JAVA_TOOL_OPTIONS: -Dspanlens.test=1 -Xss2m']);
    assert.ok(result.spans.length === 3, 'and the agent still ran');
  });

  it('the JVM\'s "Picked up JAVA_TOOL_OPTIONS" line about the agent is not shown as the program\'s output', async () => {
    const file = path.join(AGENT, SOURCES('agent'), 'NeverEnded.java');
    const result = await run(file, { env: { JAVA_TOOL_OPTIONS: undefined } });
    assert.ok(result.spans.length === 3);
    assert.deepStrictEqual(result.output.stderr.filter((l) => l.text.startsWith('Picked up')), []);
  });

  it('10,000 spans in a loop reach the run (over its channel): every one, once, with nothing left in the output', async () => {
    const file = path.join(AGENT, SOURCES('agent'), 'SpanLoop.java');
    const result = await run(file, { args: ['lens', '10000'] });
    assert.strictEqual(result.spans.length, 10_000);
    assert.strictEqual(new Set(result.spans.map((s) => s.spanId)).size, 10_000);
    assert.deepStrictEqual(result.spans.slice(0, 3).map((s) => s.attributes.i), [0, 1, 2]);
    assert.deepStrictEqual(result.unparsed, []);
    assert.match(result.output.stdout.map((l) => l.text).join('\n'), /^loop-ms [\d.]+$/);
    assert.strictEqual(result.facts.noExporter, true, 'the loop configured no processor');
  });

  it('the agent writes to SPAN_LENS_CHANNEL when it can connect, else to stdout: the same records either way', async () => {
    const javaRun = (env: Record<string, string>) =>
      spawnSync('java', ['-cp', sdkClassPath.join(path.delimiter), SINGLE_FILE], {
        encoding: 'utf8',
        env: { ...process.env, SPAN_LENS_NONCE: 'n0nce', JAVA_TOOL_OPTIONS: `-javaagent:${javaAgentJar()}`, SPAN_LENS_JAVA_SOURCES: SINGLE_FILE, ...env },
      });
    const frames = (text: string) => text.split('\n').filter((l) => l.startsWith('@@span-lens/1 n0nce '));

    const plain = javaRun({ SPAN_LENS_CHANNEL: '/nonexistent/span-lens.sock' });
    assert.strictEqual(plain.status, 0, plain.stderr);
    assert.strictEqual(frames(plain.stdout).length, 4, 'three spans and the facts on stdout');

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'span-lens-java-channel-'));
    copies.push(dir);
    const address = path.join(dir, 'channel.sock');
    const received: Buffer[] = [];
    const server = net.createServer((socket) => socket.on('data', (c) => received.push(c)));
    await new Promise<void>((resolve) => server.listen(address, resolve));
    try {
      const child = spawn('java', ['-cp', sdkClassPath.join(path.delimiter), SINGLE_FILE], {
        env: { ...process.env, SPAN_LENS_NONCE: 'n0nce', JAVA_TOOL_OPTIONS: `-javaagent:${javaAgentJar()}`, SPAN_LENS_JAVA_SOURCES: SINGLE_FILE, SPAN_LENS_CHANNEL: address },
      });
      let stdout = '';
      child.stdout.on('data', (c) => (stdout += c));
      const code = await new Promise((resolve) => child.on('close', resolve));
      assert.strictEqual(code, 0);
      assert.deepStrictEqual(frames(stdout), [], 'no frame on stdout');
      assert.strictEqual(stdout.trim(), 'order placed');
      await new Promise((r) => setTimeout(r, 100));
      const lines = frames(Buffer.concat(received).toString('utf8'));
      assert.strictEqual(lines.length, 4, 'three spans and the facts on the channel');
      assert.deepStrictEqual(lines.map((l) => JSON.parse(l.slice('@@span-lens/1 n0nce '.length)).type), ['span', 'span', 'span', 'facts']);
    } finally {
      server.close();
    }
  });
});
