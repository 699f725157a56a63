import { strict as assert } from 'node:assert';
import { isExampleOrTest } from '../../src/core/checks/consoleExporterInCode';
import { at, findings, span } from './checks-support';

const NODE_PROGRAM = `'use strict';
const { trace } = require('@opentelemetry/api');
const { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter } = require('@opentelemetry/sdk-trace-base');

const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new ConsoleSpanExporter())] });
trace.setGlobalTracerProvider(provider);
`;

describe('checks: unended-span', () => {
  it('reports a span without an end, with the fix for the language', () => {
    const [f] = findings('unended-span', [span({ name: 'order.parse', endTimeUnixNano: null, location: at(11, '/app/orders.js') })]);
    assert.equal(f.severity, 'error');
    assert.match(f.message, /^span "order\.parse" was started and never ended, so it is never exported: call span\.end\(\) in a finally block/);
    const [py] = findings('unended-span', [span({ name: 'x', endTimeUnixNano: null, location: at(1, '/app/x.py') })]);
    assert.match(py.message, /with tracer\.start_as_current_span/);
  });

  it('does not judge a format without times', () => {
    assert.equal(findings('unended-span', [span({ endTimeUnixNano: null, unknown: ['time'] })]).length, 0);
  });
});

describe('checks: spans-lost-at-exit', () => {
  it('reports the lost spans once, at the line that makes the provider', () => {
    const spans = [span({ location: at(8, '/app/main.js') }), span({ location: at(9, '/app/main.js') }), span({ location: at(10, '/app/main.js') })];
    const found = findings('spans-lost-at-exit', spans, {
      facts: { lostAtExit: [spans[0].spanId, spans[1].spanId], programExporters: ['ConsoleSpanExporter'] },
      sources: { '/app/main.js': NODE_PROGRAM },
    });
    assert.equal(found.length, 1);
    assert.deepEqual(found[0].location, { file: '/app/main.js', line: 4, column: 17 });
    assert.match(found[0].message, /^2 spans ended but never reached the program's own exporter \(ConsoleSpanExporter\): .*provider\.shutdown\(\)/);
    assert.equal(found[0].severity, 'error');
  });

  it('falls back to the first lost span when the code is not at hand, and says nothing when nothing was lost', () => {
    const s = span({ location: at(3) });
    assert.deepEqual(findings('spans-lost-at-exit', [s], { facts: { lostAtExit: [s.spanId] } })[0].location, at(3));
    assert.equal(findings('spans-lost-at-exit', [s], { facts: { lostAtExit: [] } }).length, 0);
  });
});

describe('checks: no-exporter', () => {
  it('reports spans that nothing exports', () => {
    const spans = [span({ location: at(5) }), span({ location: at(6) })];
    const [f] = findings('no-exporter', spans, { facts: { noExporter: true } });
    assert.match(f.message, /^the program made 2 spans but configured no exporter/);
    assert.equal(findings('no-exporter', spans, { facts: { noExporter: false } }).length, 0);
  });
});

describe('checks: missing-service-name', () => {
  it("reports spans without service.name and the SDK's unknown_service default, once per name", () => {
    const spans = [
      span({ resource: {}, location: at(1) }),
      span({ resource: {}, location: at(2) }),
      span({ resource: { 'service.name': 'unknown_service:node' }, location: at(3, '/app/a.js') }),
      span({ resource: { 'service.name': 'checkout' } }),
    ];
    const found = findings('missing-service-name', spans);
    assert.deepEqual(found.map((f) => f.message.split(':')[0]).sort(), ['1 span has the default service name "unknown_service', '2 spans have no service.name']);
  });

  it('does not judge a format that shows no resource (Java logging, Rust tracing)', () => {
    assert.equal(findings('missing-service-name', [span({ resource: {}, unknown: ['resource'] })]).length, 0);
  });
});

describe('checks: console-exporter-in-code', () => {
  it('reports console exporters and simple processors in application code, at the call', () => {
    const found = findings('console-exporter-in-code', [], {
      sources: {
        '/app/src/main.js': NODE_PROGRAM + 'const p2 = new SimpleSpanProcessor(exporter);\n// new ConsoleSpanExporter() in a comment\n',
        '/app/src/main.py': 'provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))\n',
      },
    });
    assert.deepEqual(
      found.map((f) => [f.location?.file, f.location?.line, f.location?.column, f.data?.name]),
      [
        ['/app/src/main.js', 4, NODE_PROGRAM.split('\n')[4].indexOf('ConsoleSpanExporter'), 'ConsoleSpanExporter'],
        ['/app/src/main.js', 6, 15, 'SimpleSpanProcessor'],
        ['/app/src/main.py', 0, 28, 'SimpleSpanProcessor'],
        ['/app/src/main.py', 0, 48, 'ConsoleSpanExporter'],
      ],
    );
    assert.ok(found.every((f) => f.severity === 'information'));
  });

  it('knows Go, Java and Rust console exporters', () => {
    const found = findings('console-exporter-in-code', [], {
      sources: {
        '/app/main.go': 'exp, _ := stdouttrace.New(stdouttrace.WithPrettyPrint())\ntp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))\n',
        '/app/App.java': 'SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(LoggingSpanExporter.create())).build();\n',
        '/app/src/main.rs': 'let exporter = opentelemetry_stdout::SpanExporter::default();\n',
      },
    });
    assert.deepEqual(found.map((f) => f.data?.name).sort(), ['LoggingSpanExporter', 'SimpleSpanProcessor', 'WithSyncer', 'opentelemetry_stdout', 'stdouttrace']);
  });

  it('leaves examples and tests alone, with configurable folders', () => {
    for (const f of ['/r/examples/a.py', '/r/test/x.js', '/r/src/test_api.py', '/r/pkg/api_test.go', '/r/src/a.spec.ts', '/r/src/CheckoutTest.java']) assert.ok(isExampleOrTest(f, ['examples', 'test']), f);
    for (const f of ['/r/src/main.py', '/r/src/latest.js', '/r/src/contest.py']) assert.ok(!isExampleOrTest(f, ['examples', 'test']), f);
    const sources = { '/r/demo/main.py': 'x = ConsoleSpanExporter()\n' };
    assert.equal(findings('console-exporter-in-code', [], { sources }).length, 0);
    assert.equal(findings('console-exporter-in-code', [], { sources, config: { rules: { 'console-exporter-in-code': { ignoredFolders: [] } } } }).length, 1);
  });
});
