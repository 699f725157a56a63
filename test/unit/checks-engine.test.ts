import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULE_INFO, RULES, checkRun } from '../../src/core/checks';
import { suppressionsOf } from '../../src/core/checks/suppress';
import { instrumentationScore } from '../../src/core/score';
import type { Span } from '../../src/core/model';
import { at, check, child, findings, ms, nextTraceId, ofRule, report, span } from './checks-support';

const ROOT = path.resolve(__dirname, '..', '..');

describe('checks: the rule table', () => {
  it('has the sixteen rules with their fixed ids', () => {
    assert.deepEqual(
      RULE_INFO.map((r) => r.id),
      [
        'span-name-cardinality',
        'orphan-span',
        'unended-span',
        'spans-lost-at-exit',
        'error-status-missing',
        'sensitive-attribute',
        'span-flood',
        'child-outlives-parent',
        'child-starts-before-parent',
        'deprecated-attribute',
        'missing-service-name',
        'client-root-span',
        'duplicate-span-id',
        'empty-attribute',
        'no-exporter',
        'console-exporter-in-code',
      ],
    );
  });

  it('points every rule at a docs page that exists and names the rule', () => {
    for (const r of RULE_INFO) {
      assert.equal(r.docs, `docs/rules/${r.id}.md`);
      const text = fs.readFileSync(path.join(ROOT, r.docs), 'utf8');
      assert.match(text, new RegExp(`^# ${r.id}\\b`), r.id);
      assert.match(text, /```python/, `${r.id}: no Python example`);
      assert.match(text, /```(?:js|ts|javascript|typescript)/, `${r.id}: no JS/TS example`);
    }
  });

  it('gives every option a default of the type its description promises', () => {
    for (const r of RULE_INFO) for (const [name, o] of Object.entries(r.options)) assert.ok(['number', 'boolean', 'object'].includes(typeof o.default), `${r.id}.${name}`);
  });
});

describe('checks: grouping, settings and disable comments', () => {
  const loop = (n: number, line = 3) => Array.from({ length: n }, () => span({ name: 'job', endTimeUnixNano: null, location: at(line) }));

  it('turns 10,000 spans from one line into one finding that says how many', () => {
    const found = findings('unended-span', loop(10_000));
    assert.equal(found.length, 1);
    assert.match(found[0].message, /\(×10000 spans\)$/);
    assert.equal(found[0].data?.count, '10000');
  });

  it('keeps separate lines separate and sorts findings by file and line', () => {
    const found = check([...loop(2, 9), span({ name: 'a', endTimeUnixNano: null, location: at(1, '/app/b.py') }), ...loop(1, 4)]);
    assert.deepEqual(found.map((f) => [f.location?.file, f.location?.line]), [
      ['/app/b.py', 1],
      ['/app/main.py', 4],
      ['/app/main.py', 9],
    ]);
  });

  it('turns a rule off, changes its severity, and ignores settings of the wrong type', () => {
    const spans = loop(1);
    assert.equal(findings('unended-span', spans, { config: { rules: { 'unended-span': { enabled: false } } } }).length, 0);
    assert.equal(findings('unended-span', spans, { config: { rules: { 'unended-span': { severity: 'hint' } } } })[0].severity, 'hint');
    assert.equal(findings('unended-span', spans, { config: { rules: { 'unended-span': { severity: 'fatal' as never } } } })[0].severity, 'error');
    const flood = Array.from({ length: 150 }, () => span({ name: 'item', parentSpanId: 'dddddddddddddddd' }));
    assert.equal(findings('span-flood', flood, { config: { rules: { 'span-flood': { maxSameNameSiblings: '10' as never } } } }).length, 1);
    assert.equal(findings('span-flood', flood, { config: { rules: { 'span-flood': { maxSameNameSiblings: 500 } } } }).length, 0);
  });

  it('honours span-lens-disable-line and -next-line comments in any comment syntax', () => {
    const source = [
      'import x',
      'span = tracer.start_span("a")  # span-lens-disable-line unended-span',
      '// span-lens-disable-next-line orphan-span, unended-span -- started on purpose',
      'const b = tracer.startSpan("b");',
      '/* span-lens-disable-next-line */',
      'c()',
      '-- span-lens-disable-line empty-attribute',
    ].join('\n');
    const sources = { '/app/main.py': source };
    const spans = [1, 3, 5, 6].map((line) => span({ name: `s${line}`, endTimeUnixNano: null, attributes: { e: '' }, location: at(line) }));
    const found = check(spans, { sources });
    assert.deepEqual(found.map((f) => `${f.location?.line} ${f.rule}`), ['1 empty-attribute', '3 empty-attribute', '6 unended-span']);
    const map = suppressionsOf(source);
    assert.deepEqual([...map.get(3)!].sort(), ['orphan-span', 'unended-span']);
    assert.deepEqual([...map.get(5)!], ['*']);
  });

  it('says when a rule fails instead of hiding it, and the other rules still run', () => {
    const boom = span({ location: at(1), endTimeUnixNano: null });
    // A getter that throws stands in for a bug in one rule.
    Object.defineProperty(boom, 'events', { get: () => { throw new Error('boom'); } });
    const r = checkRun({ spans: [boom], facts: {} });
    assert.ok(r.failures.some((f) => f.message === 'boom'));
    assert.ok(r.findings.some((f) => f.rule === 'unended-span'));
  });
});

describe('checks: formats that do not show a field', () => {
  it('Java logging (no parent, times, status, events, resource): only what the console shows is judged', () => {
    const unknown: Span['unknown'] = ['parent', 'time', 'status', 'events', 'links', 'resource'];
    // What the Java parser makes: roots with placeholder times and empty resource.
    const spans = ['checkout', 'db.load_cart', 'payment.charge'].map((name) =>
      span({ name, kind: name === 'payment.charge' ? 'CLIENT' : 'INTERNAL', startTimeUnixNano: 0n, endTimeUnixNano: 0n, resource: {}, unknown, location: at(1, '/app/Checkout.java') }),
    );
    assert.deepEqual(check(spans).map((f) => f.rule), []);
    // What Java does show (names, ids, attributes) is still judged.
    const bad = span({ name: 'GET /users/8412', attributes: { 'http.method': 'GET', 'user.email': 'a.b@example.com' }, unknown, resource: {} });
    assert.deepEqual(check([bad]).map((f) => f.rule).sort(), ['deprecated-attribute', 'sensitive-attribute', 'span-name-cardinality']);
  });

  it('Rust tracing (synthetic ids, no kind, status or resource): no id, kind or service findings', () => {
    const unknown: Span['unknown'] = ['ids', 'kind', 'status', 'resource', 'links'];
    const root = span({ name: 'checkout', spanId: '0000000000000001', traceId: '0'.repeat(31) + '1', resource: {}, unknown });
    const kids = [1, 2].map(() => child(root, { name: 'step', spanId: '0000000000000002', resource: {}, unknown, kind: 'CLIENT' }));
    assert.deepEqual(check([root, ...kids]).map((f) => f.rule), []);
  });

  it('Python (no scope printed) and spans without locations still get findings, grouped by name', () => {
    const spans = Array.from({ length: 3 }, () => span({ name: 'job', endTimeUnixNano: null, unknown: ['scope'] }));
    const found = findings('unended-span', spans);
    assert.equal(found.length, 1);
    assert.equal(found[0].location, undefined);
    assert.match(found[0].message, /×3 spans/);
  });
});

describe('checks: the instrumentation score', () => {
  it('is 100 for a clean run and never 100 with a finding', function () {
    this.timeout(30_000);
    assert.equal(report([span({ location: at(1) })]).score, 100);
    // Requests (SERVER roots) from 50 handlers: nothing to find, until one has an empty attribute.
    const many = Array.from({ length: 100_000 }, (_, i) => span({ name: `GET /r${i % 50}`, kind: 'SERVER', traceId: nextTraceId(), location: at(i % 50) }));
    assert.equal(report(many).score, 100);
    many.push(span({ name: 'x', attributes: { e: '' }, location: at(99) }));
    assert.equal(report(many).score, 99);
  });

  it('weighs findings by severity, counting each span once at its worst', () => {
    const spans = Array.from({ length: 10 }, () => span());
    assert.equal(instrumentationScore(10, [{ severity: 'error', spans: spans.slice(0, 2) }]), 80);
    assert.equal(instrumentationScore(10, [{ severity: 'warning', spans: spans.slice(0, 2) }]), 90);
    assert.equal(instrumentationScore(10, [{ severity: 'information', spans }]), 90);
    assert.equal(
      instrumentationScore(10, [
        { severity: 'warning', spans },
        { severity: 'error', spans: spans.slice(0, 5) },
      ]),
      25,
    );
    assert.equal(instrumentationScore(0, []), 100);
    assert.equal(instrumentationScore(10, [{ severity: 'hint', spans }]), 100);
  });

  it('scores what the settings make of the findings (a silenced rule costs nothing)', () => {
    const spans = [span({ endTimeUnixNano: null, location: at(1) }), span({ location: at(2) })];
    assert.equal(report(spans).score, 50);
    assert.equal(report(spans, { config: { rules: { 'unended-span': { enabled: false } } } }).score, 100);
    assert.equal(report(spans, { config: { rules: { 'unended-span': { severity: 'warning' } } } }).score, 75);
  });
});

describe('checks: 100,000 spans', () => {
  it('run every rule in well under a second and give a handful of findings', function () {
    this.timeout(30_000);
    const spans: Span[] = [];
    for (let t = 0; t < 1000; t++) {
      const traceId = nextTraceId();
      const root = span({ name: 'GET /orders/{id}', kind: 'SERVER', traceId, startTimeUnixNano: ms(t * 10), endTimeUnixNano: ms(t * 10 + 9), attributes: { 'http.request.method': 'GET', 'http.response.status_code': 200 }, location: at(10) });
      spans.push(root);
      for (let i = 0; i < 99; i++) {
        spans.push(
          child(root, {
            name: i % 3 ? 'db.query' : `cache.get ${t * 100 + i + 1000}`,
            kind: i % 3 ? 'CLIENT' : 'INTERNAL',
            startTimeUnixNano: ms(t * 10 + i * 0.09),
            endTimeUnixNano: ms(t * 10 + i * 0.09 + 0.05),
            attributes: { 'db.query.text': 'SELECT * FROM orders WHERE id = ?', 'db.system.name': 'postgresql', 'order.id': t },
            location: at(i % 3 ? 20 : 30),
          }),
        );
      }
    }
    const t0 = performance.now();
    const r = report(spans);
    const elapsed = performance.now() - t0;
    assert.equal(spans.length, 100_000);
    assert.deepEqual(r.findings.map((f) => `${f.rule} ${f.location?.line}`), ['span-name-cardinality 30']);
    assert.match(r.findings[0].message, /×33000 spans, 33000 distinct names/);
    assert.equal(ofRule(r.findings, 'span-flood').length, 0);
    assert.ok(elapsed < 5000, `took ${elapsed.toFixed(0)} ms`);
  });
});
