/**
 * Quick fixes as text: each one applied to a small program, compared with the program a person
 * would write. The traced-program test (checks-e2e) runs the JavaScript results for real; the
 * Python ones are checked here as text (no Python SDK on the test machines).
 */
import { strict as assert } from 'node:assert';
import { applyEdits, quickFixes } from '../../src/core/fixes';
import type { Finding } from '../../src/core/model';

function finding(rule: string, file: string, line: number, data?: Record<string, string>): Finding {
  return { rule, severity: 'warning', message: `span "x"`, location: { file, line, column: 0 }, ...(data ? { data } : {}) };
}

/** The program after the first fix for `f`; fails when there is none. */
function fixed(source: string, f: Finding): string {
  const fixes = quickFixes(source, f);
  assert.ok(fixes.length > 0, 'no fix offered');
  return applyEdits(source, fixes[0].edits);
}

const lines = (...l: string[]) => l.join('\n') + '\n';

describe('quick fixes: span-name-cardinality', () => {
  it('Python: f-string in a with statement -> fixed name + set_attribute on the first body line', () => {
    const src = lines(
      'def load(user_id):',
      '    with tracer.start_as_current_span(f"GET /users/{user_id}") as span:',
      '        return db.get(user_id)',
    );
    assert.equal(
      fixed(src, finding('span-name-cardinality', '/a/app.py', 1)),
      lines(
        'def load(user_id):',
        '    with tracer.start_as_current_span("GET /users/{user_id}") as span:',
        '        span.set_attribute("user.id", user_id)',
        '        return db.get(user_id)',
      ),
    );
  });

  it('Python: binds the span when the with statement has no "as", keeps {{ }} escapes, drops format specs', () => {
    const src = lines('with tracer.start_as_current_span(f"job {{batch}} {order.id!r} {n:>5}"):', '    run()');
    assert.equal(
      fixed(src, finding('span-name-cardinality', '/a/app.py', 0)),
      lines('with tracer.start_as_current_span("job {batch} {id} {n}") as span:', '    span.set_attribute("order.id", order.id)', '    span.set_attribute("n", n)', '    run()'),
    );
  });

  it('Python: assignment -> set_attribute after the statement; a bare call -> attributes=', () => {
    const assigned = lines('span = tracer.start_span("order " + str(order_id))', 'span.end()');
    assert.equal(
      fixed(assigned, finding('span-name-cardinality', '/a/app.py', 0)),
      lines('span = tracer.start_span("order {order_id}")', 'span.set_attribute("order.id", order_id)', 'span.end()'),
    );
    const bare = lines('use(tracer.start_span(f"load {key}"))');
    assert.equal(fixed(bare, finding('span-name-cardinality', '/a/app.py', 0)), lines('use(tracer.start_span("load {key}", attributes={"key": key}))'));
  });

  it('JS: template literal in startActiveSpan -> setAttribute at the top of the callback', () => {
    const src = lines(
      'app.get("/users/:id", (req, res) => {',
      '  tracer.startActiveSpan(`GET /users/${req.params.id}`, async (span) => {',
      '    res.send(await load(req.params.id));',
      '    span.end();',
      '  });',
      '});',
    );
    assert.equal(
      fixed(src, finding('span-name-cardinality', '/a/app.js', 1)),
      lines(
        'app.get("/users/:id", (req, res) => {',
        '  tracer.startActiveSpan(`GET /users/{id}`, async (span) => {',
        "    span.setAttribute('id', req.params.id);",
        '    res.send(await load(req.params.id));',
        '    span.end();',
        '  });',
        '});',
      ),
    );
  });

  it('TS: concatenation assigned to a typed const; JS: startSpan without options gets attributes', () => {
    const ts = lines("const span: Span = tracer.startSpan('invoice ' + invoice.number);", 'span.end();');
    assert.equal(
      fixed(ts, finding('span-name-cardinality', '/a/app.ts', 0)),
      lines("const span: Span = tracer.startSpan('invoice {number}');", "span.setAttribute('invoice.number', invoice.number);", 'span.end();'),
    );
    const bare = lines('tracer.startSpan(`sync ${userId}`).end();');
    assert.equal(fixed(bare, finding('span-name-cardinality', '/a/app.js', 0)), lines("tracer.startSpan(`sync {userId}`, { attributes: { 'user.id': userId } }).end();"));
  });

  it('offers nothing for a name that is not built from pieces', () => {
    assert.deepEqual(quickFixes(lines('tracer.startSpan(name);'), finding('span-name-cardinality', '/a/app.js', 0)), []);
    assert.deepEqual(quickFixes(lines('tracer.startSpan("GET /users/8412");'), finding('span-name-cardinality', '/a/app.js', 0)), []);
  });
});

describe('quick fixes: unended-span', () => {
  it('Python: start_span assignment -> with … as span:, the block indented, the lone end() dropped', () => {
    const src = lines(
      'def parse(raw):',
      '    span = tracer.start_span("order.parse")  # parse it',
      '    if not raw:',
      '        return None',
      '    order = json.loads(raw)',
      '    span.end()',
      '    return order',
      '',
      'parse("")',
    );
    assert.equal(
      fixed(src, finding('unended-span', '/a/app.py', 1)),
      lines(
        'def parse(raw):',
        '    with tracer.start_span("order.parse") as span:  # parse it',
        '        if not raw:',
        '            return None',
        '        order = json.loads(raw)',
        '        return order',
        '',
        'parse("")',
      ),
    );
  });

  it('JS: a startActiveSpan callback without end -> try/finally around its body', () => {
    const src = lines('tracer.startActiveSpan("work", (span) => {', '  step1();', '  if (cond) return;', '  step2();', '});');
    assert.equal(
      fixed(src, finding('unended-span', '/a/app.js', 0)),
      lines('tracer.startActiveSpan("work", (span) => {', '  try {', '    step1();', '    if (cond) return;', '    step2();', '  } finally {', '    span.end();', '  }', '});'),
    );
  });

  it('JS: a top-level span is ended at the end of the file, tabs kept', () => {
    const src = lines('const s = tracer.startSpan("boot");', 'init();', 'if (x) {', '\tgo();', '}');
    assert.equal(
      fixed(src, finding('unended-span', '/a/app.js', 0)),
      lines('const s = tracer.startSpan("boot");', 'try {', '\tinit();', '\tif (x) {', '\t\tgo();', '\t}', '} finally {', '\ts.end();', '}'),
    );
  });

  it('keeps CRLF line breaks', () => {
    const src = 'function f() {\r\n  const s = tracer.startSpan("a");\r\n  g();\r\n}\r\n';
    assert.equal(fixed(src, finding('unended-span', '/a/app.js', 1)), 'function f() {\r\n  const s = tracer.startSpan("a");\r\n  try {\r\n    g();\r\n  } finally {\r\n    s.end();\r\n  }\r\n}\r\n');
  });
});

describe('quick fixes: error-status-missing', () => {
  it('Python: status right after record_exception, importing Status and StatusCode', () => {
    const src = lines(
      'from opentelemetry import trace',
      '',
      'with tracer.start_as_current_span("charge") as span:',
      '    try:',
      '        pay()',
      '    except PaymentError as exc:',
      '        span.record_exception(exc)',
    );
    assert.equal(
      fixed(src, finding('error-status-missing', '/a/app.py', 2)),
      lines(
        'from opentelemetry import trace',
        'from opentelemetry.trace import Status, StatusCode',
        '',
        'with tracer.start_as_current_span("charge") as span:',
        '    try:',
        '        pay()',
        '    except PaymentError as exc:',
        '        span.record_exception(exc)',
        '        span.set_status(Status(StatusCode.ERROR, str(exc)))',
      ),
    );
  });

  it('Python: records and sets the status in an except without a name, extending an existing import', () => {
    const src = lines(
      'from opentelemetry.trace import Status',
      'with tracer.start_as_current_span("charge", record_exception=False) as span:',
      '    try:',
      '        pay()',
      '    except PaymentError:',
      '        log("declined")',
    );
    assert.equal(
      fixed(src, finding('error-status-missing', '/a/app.py', 1)),
      lines(
        'from opentelemetry.trace import Status, StatusCode',
        'with tracer.start_as_current_span("charge", record_exception=False) as span:',
        '    try:',
        '        pay()',
        '    except PaymentError as exc:',
        '        span.record_exception(exc)',
        '        span.set_status(Status(StatusCode.ERROR, str(exc)))',
        '        log("declined")',
      ),
    );
  });

  it('JS: catch without a binding gets one; SpanStatusCode joins the api require', () => {
    const src = lines(
      "const { trace } = require('@opentelemetry/api');",
      '',
      "tracer.startActiveSpan('charge', (span) => {",
      '  try {',
      '    pay();',
      '  } catch {',
      '    retryLater();',
      '  }',
      '  span.end();',
      '});',
    );
    assert.equal(
      fixed(src, finding('error-status-missing', '/a/app.js', 2)),
      lines(
        "const { trace, SpanStatusCode } = require('@opentelemetry/api');",
        '',
        "tracer.startActiveSpan('charge', (span) => {",
        '  try {',
        '    pay();',
        '  } catch (err) {',
        '    span.recordException(err);',
        '    span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });',
        '    retryLater();',
        '  }',
        '  span.end();',
        '});',
      ),
    );
  });

  it('TS/ESM: adds the import when nothing from the api is imported by name', () => {
    const src = lines("import * as otel from '@opentelemetry/api';", "const span = tracer.startSpan('x');", "span.setAttribute('error.type', 'timeout');", 'span.end();');
    assert.equal(
      fixed(src, finding('error-status-missing', '/a/app.ts', 1)),
      lines(
        "import * as otel from '@opentelemetry/api';",
        "const span = tracer.startSpan('x');",
        "span.setAttribute('error.type', 'timeout');",
        'span.setStatus({ code: otel.SpanStatusCode.ERROR });',
        'span.end();',
      ),
    );
  });

  it('offers nothing when the status is already set in the block', () => {
    const src = lines("tracer.startActiveSpan('a', (span) => {", '  span.recordException(e);', '  span.setStatus({ code: 2 });', '  span.end();', '});');
    assert.deepEqual(quickFixes(src, finding('error-status-missing', '/a/app.js', 0)), []);
  });
});

describe('quick fixes: spans-lost-at-exit and deprecated-attribute', () => {
  it('JS: shutdown before exit, after provider.register()', () => {
    const src = lines('const provider = new NodeTracerProvider({', '  spanProcessors: [p],', '});', 'provider.register();', 'main();');
    assert.equal(
      fixed(src, finding('spans-lost-at-exit', '/a/app.js', 0)),
      lines('const provider = new NodeTracerProvider({', '  spanProcessors: [p],', '});', 'provider.register();', "process.once('beforeExit', () => provider.shutdown());", 'main();'),
    );
  });

  it('Python: atexit.register(provider.shutdown), importing atexit', () => {
    const src = lines('from opentelemetry.sdk.trace import TracerProvider', 'provider = TracerProvider(shutdown_on_exit=False)', 'main()');
    assert.equal(
      fixed(src, finding('spans-lost-at-exit', '/a/app.py', 1)),
      lines('import atexit', 'from opentelemetry.sdk.trace import TracerProvider', 'provider = TracerProvider(shutdown_on_exit=False)', 'atexit.register(provider.shutdown)', 'main()'),
    );
  });

  it('renames the key wherever the code spells it, not in comments or other strings', () => {
    const src = lines(
      "// http.method is deprecated",
      "span.setAttribute('http.method', req.method);",
      'const attrs = { "http.method": m, other: "http.method.x" };',
    );
    const f = finding('deprecated-attribute', '/a/app.js', 1, { key: 'http.method', replacement: 'http.request.method', rename: 'true' });
    assert.equal(
      fixed(src, f),
      lines("// http.method is deprecated", "span.setAttribute('http.request.method', req.method);", 'const attrs = { "http.request.method": m, other: "http.method.x" };'),
    );
    const py = lines('span.set_attribute("db.statement", sql)  # db.statement');
    const pf = finding('deprecated-attribute', '/a/app.py', 0, { key: 'db.statement', replacement: 'db.query.text', rename: 'true' });
    assert.equal(fixed(py, pf), lines('span.set_attribute("db.query.text", sql)  # db.statement'));
  });

  it('offers no rename when the replacement is not a plain rename', () => {
    const f = finding('deprecated-attribute', '/a/app.js', 0, { key: 'http.target', rename: 'false' });
    assert.deepEqual(quickFixes(lines("span.setAttribute('http.target', t);"), f), []);
  });
});

describe('quick fixes: robustness', () => {
  it('never throws, and offers nothing for other languages or rules', () => {
    const f = finding('unended-span', '/a/main.go', 0);
    assert.deepEqual(quickFixes('span := tracer.Start(ctx, "x")\n', f), []);
    assert.deepEqual(quickFixes('x', finding('orphan-span', '/a/app.js', 0)), []);
    for (const src of ['', '(((', 'tracer.startSpan(`${', "tracer.startActiveSpan('a', (s) => {", 'with tracer.start_as_current_span(f"{x"']) {
      for (const rule of ['span-name-cardinality', 'unended-span', 'error-status-missing', 'spans-lost-at-exit']) {
        assert.doesNotThrow(() => quickFixes(src, finding(rule, '/a/app.js', 0)));
        assert.doesNotThrow(() => quickFixes(src, finding(rule, '/a/app.py', 0)));
      }
    }
  });
});
