/**
 * A Java program run for real through runFile: single-file source launch (`java -cp <jars>
 * Checkout.java`) with opentelemetry-java, SimpleSpanProcessor(LoggingSpanExporter) writing each
 * span through java.util.logging to stderr, read back and placed statically on its `spanBuilder`.
 *
 * LoggingSpanExporter prints no parent, times, status or events: the test checks what it does
 * print (names, kinds, ids, attributes, scope) and that the rest is marked unknown rather than
 * made up. The expected line of each span is the line of its `// span: NAME` marker comment.
 *
 * The jars come from SPAN_LENS_OTEL_JAVA_CLASSPATH (a class path), or else the 1.66.0 jars in
 * ~/.m2; the test is skipped, saying why, when java or the jars are missing.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeRun } from '../../src/core/analyze';
import type { Span } from '../../src/core/model';
import { runFile } from '../../src/run/runFile';
import { collectSources } from '../../src/run/sources';
import { markedLines, only } from './runSupport';

const PROGRAM = path.resolve(__dirname, '../fixtures/java/checkout/Checkout.java');
const OTEL_VERSION = '1.66.0';
const ARTIFACTS = ['api', 'context', 'common', 'sdk-common', 'sdk-trace', 'exporter-logging'];
const RUN_TIMEOUT_MS = 120_000;

function m2ClassPath(): string[] {
  const repo = path.join(os.homedir(), '.m2/repository/io/opentelemetry');
  return ARTIFACTS.map((a) => path.join(repo, `opentelemetry-${a}`, OTEL_VERSION, `opentelemetry-${a}-${OTEL_VERSION}.jar`));
}

function classPath(): string[] {
  const fromEnv = process.env.SPAN_LENS_OTEL_JAVA_CLASSPATH;
  return fromEnv ? fromEnv.split(path.delimiter).filter(Boolean) : m2ClassPath();
}

function javaMissing(): string | null {
  // Source launch compiles in memory: it needs a JDK (jdk.compiler), not just a runtime.
  const r = spawnSync('java', ['--list-modules'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `java not found (${r.error?.message ?? r.stderr.trim()})`;
  if (!/^jdk\.compiler@/m.test(r.stdout)) return 'java has no jdk.compiler module (a JRE, not a JDK): single-file source launch needs a JDK 11+';
  const missing = classPath().filter((jar) => !fs.existsSync(jar));
  if (missing.length) return `opentelemetry-java jars missing (${missing.map((j) => path.basename(j)).join(', ')}): set SPAN_LENS_OTEL_JAVA_CLASSPATH or put the ${OTEL_VERSION} jars in ~/.m2`;
  return null;
}

describe('run: Java program (single-file source launch, LoggingSpanExporter on stderr)', function () {
  this.timeout(RUN_TIMEOUT_MS + 30_000);

  before(function () {
    const why = javaMissing();
    if (why) {
      console.log(`      SKIP: ${why}`);
      this.skip();
    }
  });

  it('checkout: names, kinds, attributes and the spanBuilder line of every span; what the console lacks is marked unknown', async () => {
    const started = Date.now();
    const result = await runFile(PROGRAM, { java: { classPath: classPath().join(path.delimiter) } }, { timeoutMs: RUN_TIMEOUT_MS });
    console.log(`      (java: ${Date.now() - started} ms)`);
    const stderr = result.output.stderr.map((l) => l.text).join('\n');
    assert.strictEqual(result.error, undefined, result.error);
    assert.strictEqual(result.exitCode, 0, `java failed:\n${stderr}`);
    assert.deepStrictEqual(result.unparsed, [], 'every span record read');
    assert.deepStrictEqual(result.formats, ['java-logging']);
    // The JUL records are spans, not program output (the JVM may add notes of its own); the program's own print is.
    for (const l of result.output.stderr) assert.doesNotMatch(l.text, /LoggingSpanExporter|^INFO: '/, 'a span record left as output');
    assert.deepStrictEqual(result.output.stdout.map((l) => l.text), ['order placed']);

    // SimpleSpanProcessor exports as each span ends: children first.
    assert.deepStrictEqual(result.spans.map((s) => s.name), ['db.load_cart', 'payment.charge', 'checkout']);
    const checkout = only(result.spans, 'checkout');
    const load = only(result.spans, 'db.load_cart');
    const charge = only(result.spans, 'payment.charge');
    assert.deepStrictEqual([checkout.kind, load.kind, charge.kind], ['SERVER', 'INTERNAL', 'CLIENT']);
    assert.deepStrictEqual(checkout.attributes, { 'user.id': 42 });
    assert.deepStrictEqual(load.attributes, { 'db.system': 'postgresql' });
    assert.deepStrictEqual(charge.attributes, { 'payment.amount': 19.99 });
    assert.strictEqual(new Set(result.spans.map((s) => s.traceId)).size, 1, 'one trace');
    assert.match(checkout.traceId, /^[0-9a-f]{32}$/);
    assert.strictEqual(new Set(result.spans.map((s) => s.spanId)).size, 3);
    for (const s of result.spans) {
      assert.match(s.spanId, /^[0-9a-f]{16}$/);
      assert.strictEqual(s.scope.name, 'shop');
      // Not printed, so not claimed: no "root span", no UNSET status for the declined card, no missing event.
      for (const field of ['parent', 'time', 'status', 'events'] as const) assert.ok(s.unknown?.includes(field), `${s.name}: ${field} marked unknown`);
    }

    const analysis = analyzeRun({ spans: result.spans, facts: result.facts, sources: collectSources(PROGRAM), language: 'java' });
    assert.deepStrictEqual(analysis.unlocated, []);
    const marked = markedLines(PROGRAM);
    const lines = fs.readFileSync(PROGRAM, 'utf8').split('\n');
    for (const span of result.spans) {
      assert.ok(span.location, `${span.name} located`);
      assert.strictEqual(span.location.file, PROGRAM);
      assert.strictEqual(span.location.line, marked.get(span.name), `${span.name} on the line of its spanBuilder`);
      assert.ok(lines[span.location.line].slice(span.location.column).startsWith(`spanBuilder("${span.name}")`), `${span.name}: column at spanBuilder`);
    }
  });
});
