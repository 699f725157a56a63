/**
 * Java programs run for real through runFile, with opentelemetry-java 1.68.0 from Maven Central
 * (each test program is a Maven project; `.ci/install-sdks.sh java` resolves them into ~/.m2):
 *
 * - a Maven module (test/fixtures/java/shop): its main class uses a class of its package in
 *   another file and a second top-level class of its own file; Span Lens compiles the module with
 *   mvn and runs `java -cp target/classes:<dependencies> shop.Checkout`;
 * - a single file (test/fixtures/java/checkout) launched as source with `spanLens.java.classPath`
 *   set to the SDK's class path from the Maven cache, the override a user without a build has.
 *
 * SimpleSpanProcessor(LoggingSpanExporter) writes each span through java.util.logging to stderr,
 * which is read back and placed statically on its `spanBuilder`. LoggingSpanExporter prints no
 * parent, times, status or events: the tests check what it does print (names, kinds, ids,
 * attributes, scope) and that the rest is marked unknown rather than made up. The expected line
 * of each span is the line of its `// span: NAME` marker comment. Without java, mvn or the SDK
 * in ~/.m2 the tests fail, saying how to install them.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeRun } from '../../src/core/analyze';
import type { Span } from '../../src/core/model';
import { classPathCacheFile } from '../../src/run/languages/java/maven';
import { runFile, type RunResult } from '../../src/run/runFile';
import type { RunSettings } from '../../src/run/launch';
import { collectSources } from '../../src/run/sources';
import { markedLines, only } from './runSupport';
import { javaSdkClassPath } from './sdks';

const FIXTURES = path.resolve(__dirname, '../fixtures/java');
const SINGLE_FILE = path.join(FIXTURES, 'checkout/Checkout.java');
const SHOP = path.join(FIXTURES, 'shop');
const SHOP_SOURCES = path.join('src', 'main', 'java', 'shop');
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
  assert.deepStrictEqual(result.formats, ['java-logging']);
  // The JUL records are spans, not program output (the JVM may add notes of its own).
  for (const l of result.output.stderr) assert.doesNotMatch(l.text, /LoggingSpanExporter|^INFO: '/, 'a span record left as output');
  return result;
}

/** What LoggingSpanExporter prints of every span, and that what it does not print is not claimed. */
function assertConsoleFacts(spans: Span[]): void {
  assert.strictEqual(new Set(spans.map((s) => s.traceId)).size, 1, 'one trace');
  assert.match(spans[0].traceId, /^[0-9a-f]{32}$/);
  assert.strictEqual(new Set(spans.map((s) => s.spanId)).size, spans.length);
  for (const s of spans) {
    assert.match(s.spanId, /^[0-9a-f]{16}$/);
    assert.strictEqual(s.scope.name, 'shop');
    // Not printed, so not claimed: no "root span", no UNSET status for the declined card, no missing event.
    for (const field of ['parent', 'time', 'status', 'events'] as const) assert.ok(s.unknown?.includes(field), `${s.name}: ${field} marked unknown`);
  }
}

/** Each span located in `fileOf(name)` on its marker's line, the column at its `spanBuilder("NAME")`. */
function assertLocated(result: RunResult, fileOf: (name: string) => string): void {
  const analysis = analyzeRun({ spans: result.spans, facts: result.facts, sources: collectSources(result.file), language: 'java' });
  assert.deepStrictEqual(analysis.unlocated, []);
  for (const span of result.spans) {
    const file = fileOf(span.name);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    assert.ok(span.location, `${span.name} located`);
    assert.strictEqual(span.location.file, file, `${span.name} in ${path.basename(file)}`);
    assert.strictEqual(span.location.line, markedLines(file).get(span.name), `${span.name} on the line of its spanBuilder`);
    assert.ok(lines[span.location.line].slice(span.location.column).startsWith(`spanBuilder("${span.name}")`), `${span.name}: column at spanBuilder`);
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

describe('run: Java programs with opentelemetry-java from Maven Central (LoggingSpanExporter on stderr)', function () {
  this.timeout(RUN_TIMEOUT_MS + 60_000);
  const copies: string[] = [];

  before(() => {
    sdkClassPath = javaSdkClassPath();
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
    assertConsoleFacts(result.spans);
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
    assertConsoleFacts(result.spans);
    assertLocated(result, () => SINGLE_FILE);
  });
});
