/**
 * Java exporters logging through java.util.logging: LoggingSpanExporter (real 1.66.0 output with
 * tricky names and values in test/unit/data/java, plus records built from the printed shape)
 * and OtlpJsonLoggingSpanExporter (not installed here: built from the format description).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseText } from '../../src/core/parse';
import type { Span } from '../../src/core/model';

const HEADER = 'Nov 25, 2026 7:56:12 AM io.opentelemetry.exporter.logging.LoggingSpanExporter export';
const TRACE = '1b535d9eebf78bb53deb7758e36b2626';

/** The two lines the default SimpleFormatter writes for one span. */
function record(name: string, spanId: string, attrs = '{}', kind = 'INTERNAL', tracer = 'shop:'): string {
  return `${HEADER}\nINFO: '${name}' : ${TRACE} ${spanId} ${kind} [tracer: ${tracer}] ${attrs}\n`;
}

function names(spans: Span[]): string[] {
  return spans.map((s) => s.name);
}

describe('Java LoggingSpanExporter: real 1.66.0 output with tricky names and values', () => {
  const r = parseText(fs.readFileSync(path.join(__dirname, 'data', 'java', 'tricky_strings.stderr.txt')));
  const [tricky, multi, unnamed, tab, threaded] = r.spans;

  it('every record is a span; the program text, even glued before a header, stays output', () => {
    assert.deepStrictEqual(names(r.spans), ['it\'s "quoted" ünïcødé 🚀 <b>&amp;', 'multi\nline name', '<unspecified span name>', 'tab\tname', 'in-thread']);
    assert.deepStrictEqual(r.output.map((o) => [o.line, o.text]), [
      [7, 'progress: '],
      [9, 'done'],
    ]);
    assert.deepStrictEqual(r.unparsed, []);
    assert.deepStrictEqual(r.formats, ['java-logging']);
  });

  it('ids, kind and scope (name with a colon, empty version as null)', () => {
    assert.strictEqual(tricky.traceId, 'fbd89dda58ad5a96538304ad98de002a');
    assert.strictEqual(tricky.spanId, '80ce8f5eecebfb2a');
    assert.strictEqual(tricky.kind, 'INTERNAL');
    assert.deepStrictEqual(tricky.scope, { name: 'tricky:lib', version: '2.0', schemaUrl: null });
    assert.deepStrictEqual(tab.scope, { name: 'noversion', version: null, schemaUrl: null });
    assert.strictEqual(threaded.name, 'in-thread');
  });

  it('what the format does not print is marked unknown, with placeholder values', () => {
    for (const s of r.spans) {
      assert.deepStrictEqual(s.unknown, ['parent', 'time', 'status', 'events', 'links', 'resource']);
      assert.strictEqual(s.parentSpanId, null);
      assert.strictEqual(s.startTimeUnixNano, 0n);
      assert.strictEqual(s.endTimeUnixNano, 0n);
    }
  });

  it('values read by their Java toString form', () => {
    const a = tricky.attributes;
    assert.strictEqual(a.bool, true);
    assert.strictEqual(a.eq, 'x=y');
    assert.deepStrictEqual(a.longs, [1, 2, 3]);
    assert.strictEqual(a['long.max'], 9223372036854775807n);
    assert.ok(Number.isNaN(a.nan));
    assert.strictEqual(a.inf, -Infinity);
    assert.strictEqual(a['big.double'], 1e20);
    assert.deepStrictEqual(a.doubles, [1.5, 2]);
    assert.deepStrictEqual(tab.attributes, { empty: '', nul: 'a\u0000b' });
    assert.deepStrictEqual(unnamed.attributes, {});
  });

  it('ambiguous splits are marked lossy instead of trusted', () => {
    // "comma" was 'a, b=c' and "arr" was ["x", "y, z"]: the text cannot say so.
    assert.deepStrictEqual(tricky.lossy?.map((l) => l.path).sort(), ['attributes', 'attributes.arr']);
  });

  it('a name and a value holding newlines: one record over several lines', () => {
    assert.strictEqual(multi.name, 'multi\nline name');
    assert.strictEqual(multi.attributes.stack, 'java.lang.RuntimeException: boom\n\tat X.y(X.java:1)\n\tat Z.w(Z.java:2)');
    assert.strictEqual(multi.attributes.ansi, '\u001b[31mred\u001b[0m');
    assert.deepStrictEqual(multi.origin, { format: 'java-logging', line: 2, endLine: 6 });
  });
});

describe('Java LoggingSpanExporter: other JUL layouts and program output', () => {
  it('a one-line SimpleFormatter format, with a name and a value spread over lines', () => {
    const prefix = '2026-11-25T07:56:40.756+0000 INFO io.opentelemetry.exporter.logging.LoggingSpanExporter - ';
    const text =
      `${prefix}'first' : ${TRACE} 6bcf49e0207ef8e1 SERVER [tracer: shop:1.0] AttributesMap{data={http.route=/cart}, capacity=128, totalAddedValues=1}\n` +
      `${prefix}'two\nlines' : ${TRACE} 5bdad5a54b438d3b CLIENT [tracer: shop:1.0] AttributesMap{data={sql=SELECT *\nFROM cart}, capacity=128, totalAddedValues=1}\n` +
      'plain program line\n';
    const r = parseText(text);
    assert.deepStrictEqual(
      r.spans.map((s) => [s.name, s.kind, s.attributes]),
      [
        ['first', 'SERVER', { 'http.route': '/cart' }],
        ['two\nlines', 'CLIENT', { sql: 'SELECT *\nFROM cart' }],
      ],
    );
    assert.deepStrictEqual(r.output.map((o) => o.text), ['plain program line']);
  });

  it('the SDK warning about spans dropped by a full queue becomes a fact, not output', () => {
    const text =
      record('a', '00000000000000a1') +
      'Nov 25, 2026 7:56:47 AM io.opentelemetry.sdk.trace.export.BatchSpanProcessor$Worker exportCurrentBatch\n' +
      'WARNING: BatchSpanProcessor dropped 7441 span(s) since the last export because the queue is full (maxQueueSize=2048)\n' +
      record('b', '00000000000000a2') +
      '2026-11-25T07:56:48.001+0000 WARNING io.opentelemetry.sdk.trace.export.BatchSpanProcessor$Worker - BatchSpanProcessor dropped 9 span(s) since the last export because the queue is full (maxQueueSize=2048)\n';
    const r = parseText(text);
    assert.deepStrictEqual(names(r.spans), ['a', 'b']);
    assert.deepStrictEqual(r.output, []);
    assert.strictEqual(r.facts.droppedSpans, 7450);
  });

  it('interleaved program stderr: other loggers, a shutdown notice and a partial line stay output', () => {
    const text =
      'progress: ' + record('a', '00000000000000a1') +
      'Nov 25, 2026 7:56:12 AM com.example.App main\nINFO: hello from the app\n' +
      'Nov 25, 2026 7:56:13 AM io.opentelemetry.exporter.logging.LoggingSpanExporter shutdown\nINFO: Calling shutdown() multiple times.\n' +
      record('b', '00000000000000a2', 'AttributesMap{data={user.id=42}, capacity=128, totalAddedValues=1}');
    const r = parseText(text);
    assert.deepStrictEqual(names(r.spans), ['a', 'b']);
    assert.strictEqual(r.spans[1].attributes['user.id'], 42);
    assert.deepStrictEqual(r.output.map((o) => o.text), [
      'progress: ',
      'Nov 25, 2026 7:56:12 AM com.example.App main',
      'INFO: hello from the app',
      'Nov 25, 2026 7:56:13 AM io.opentelemetry.exporter.logging.LoggingSpanExporter shutdown',
      'INFO: Calling shutdown() multiple times.',
    ]);
    assert.deepStrictEqual(r.unparsed, []);
  });

  it('a header whose message never comes is given back in place', () => {
    const r = parseText(`${HEADER}\nsomething else\n` + record('a', '00000000000000a1'));
    assert.deepStrictEqual(names(r.spans), ['a']);
    assert.deepStrictEqual(r.output.map((o) => [o.line, o.text]), [
      [0, HEADER],
      [1, 'something else'],
    ]);
  });

  it('an uncaught exception after the spans: the stack trace is output', () => {
    const trace = 'Exception in thread "main" java.lang.IllegalStateException: boom\n\tat Program.main(Program.java:12)\n';
    const r = parseText(record('work', '00000000000000a1') + trace);
    assert.deepStrictEqual(names(r.spans), ['work']);
    assert.deepStrictEqual(r.output.map((o) => o.text), trace.trimEnd().split('\n'));
  });

  it('a record cut before its ids is reported, and the next record is read', () => {
    const r = parseText(`${HEADER}\nINFO: 'cut off\n` + record('next', '00000000000000a2'));
    assert.deepStrictEqual(names(r.spans), ['next']);
    assert.strictEqual(r.unparsed.length, 1);
    assert.deepStrictEqual([r.unparsed[0].startLine, r.unparsed[0].endLine, r.unparsed[0].format], [0, 1, 'java-logging']);
  });

  it('attributes cut off at the end of output: the span, with its attributes marked lossy', () => {
    const r = parseText(`${HEADER}\nINFO: 'x' : ${TRACE} 00000000000000a1 INTERNAL [tracer: shop:] AttributesMap{data={a=1, b=first line\n`);
    assert.strictEqual(r.spans.length, 1);
    assert.deepStrictEqual(r.spans[0].attributes, { a: 1, b: 'first line' });
    assert.deepStrictEqual(r.spans[0].lossy?.map((l) => l.path), ['attributes']);
  });

  it('an attribute named __proto__ is an attribute, not a prototype', () => {
    const r = parseText(record('p', '00000000000000a1', 'AttributesMap{data={__proto__=x}, capacity=128, totalAddedValues=1}'));
    assert.deepStrictEqual(Object.keys(r.spans[0].attributes), ['__proto__']);
    assert.strictEqual(Object.getPrototypeOf(r.spans[0].attributes), Object.prototype);
  });

  it('immutable attributes print strings quoted: their type is known', () => {
    const r = parseText(record('imm', '00000000000000a1', '{count=3, id="42", name="a, b=c"}'));
    assert.deepStrictEqual(r.spans[0].attributes, { count: 3, id: '42', name: 'a, b=c' });
    assert.strictEqual(r.spans[0].lossy, undefined);
  });
});

describe('Java OtlpJsonLoggingSpanExporter (OTLP JSON in JUL records)', () => {
  const JSON_HEADER = 'Nov 25, 2026 7:56:12 AM io.opentelemetry.exporter.logging.otlp.internal.writer.LoggerJsonWriter write';
  const resourceSpans = (spanId: string, flags: number, parent?: string) =>
    JSON.stringify({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout-svc' } }] },
      scopeSpans: [{ scope: { name: 'shop', attributes: [] }, spans: [{ traceId: TRACE, spanId, ...(parent ? { parentSpanId: parent } : {}), name: `s-${spanId}`, kind: 2, startTimeUnixNano: '1795593372829129880', endTimeUnixNano: '1795593372844301734', attributes: [{ key: 'n', value: { intValue: '42' } }], events: [], links: [], status: {}, flags }] }],
    });

  it('header + INFO line per export; flags give the parent remoteness', () => {
    const text = `${JSON_HEADER}\nINFO: ${resourceSpans('00000000000000a1', 0x301, 'a98cd4b2fc20184f')}\n${JSON_HEADER}\nINFO: ${resourceSpans('00000000000000a2', 0x101)}\n`;
    const r = parseText(text);
    assert.deepStrictEqual(r.output, []);
    assert.deepStrictEqual(r.formats, ['java-otlp-json']);
    assert.deepStrictEqual(
      r.spans.map((s) => [s.spanId, s.parentSpanId, s.parentIsRemote, s.kind, s.attributes.n, s.resource['service.name'], s.origin?.line]),
      [
        ['00000000000000a1', 'a98cd4b2fc20184f', true, 'SERVER', 42, 'checkout-svc', 0],
        ['00000000000000a2', null, null, 'SERVER', 42, 'checkout-svc', 2],
      ],
    );
    assert.strictEqual(r.spans[0].startTimeUnixNano, 1795593372829129880n);
  });

  it('a one-line JUL format, and a partial line glued before a header', () => {
    const text = `2026-11-25T07:56:40.756+0000 INFO io.opentelemetry.exporter.logging.otlp.internal.writer.LoggerJsonWriter - ${resourceSpans('00000000000000a1', 0x101)}\nstep 1 ok... ${JSON_HEADER}\nINFO: ${resourceSpans('00000000000000a2', 0x101)}\n`;
    const r = parseText(text);
    assert.deepStrictEqual(r.spans.map((s) => s.spanId), ['00000000000000a1', '00000000000000a2']);
    assert.deepStrictEqual(r.output.map((o) => o.text), ['step 1 ok... ']);
  });

  it('logs written by the same JUL writer are not spans; a cut export is reported', () => {
    const logs = JSON.stringify({ resource: {}, scopeLogs: [{ logRecords: [] }] });
    const text = `${JSON_HEADER}\nINFO: ${logs}\n${JSON_HEADER}\nINFO: ${resourceSpans('00000000000000a1', 0x101).slice(0, 120)}\n${JSON_HEADER}\nINFO: ${resourceSpans('00000000000000a3', 0x101)}\n`;
    const r = parseText(text);
    assert.deepStrictEqual(r.spans.map((s) => s.spanId), ['00000000000000a3']);
    assert.deepStrictEqual(r.output.map((o) => o.text), [JSON_HEADER, `INFO: ${logs}`]);
    assert.strictEqual(r.unparsed.length, 1);
    assert.deepStrictEqual([r.unparsed[0].startLine, r.unparsed[0].endLine], [2, 3]);
  });
});
