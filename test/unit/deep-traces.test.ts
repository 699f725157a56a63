/**
 * A trace thousands of spans deep (recursive code, a chain of retries) goes through every part
 * that walks span trees without overflowing the stack: the tree, its text output, the run
 * report, the checks, their quick fixes and the waterfall's data. Nothing may recurse over depth.
 */
import * as assert from 'assert';
import { humanReport } from '../../src/cli/run';
import { formatTree } from '../../src/cli/parse';
import { analyzeRun } from '../../src/core/analyze';
import { quickFixes } from '../../src/core/fixes';
import type { Span } from '../../src/core/model';
import { buildTraces } from '../../src/core/tree';
import { buildRunDto } from '../../src/core/waterfallModel';
import type { RunResult } from '../../src/run/runFile';

const DEPTH = 20_000;

/** A chain of DEPTH spans, each the parent of the next; the deepest one never ended and failed. */
function chain(): Span[] {
  const id = (i: number) => (i + 1).toString(16).padStart(16, '0');
  const spans: Span[] = [];
  for (let i = 0; i < DEPTH; i++) {
    spans.push({
      traceId: 'ab'.repeat(16),
      spanId: id(i),
      parentSpanId: i ? id(i - 1) : null,
      name: `recurse ${i}`,
      kind: 'INTERNAL',
      startTimeUnixNano: 1_700_000_000_000_000_000n + BigInt(i) * 1000n,
      endTimeUnixNano: i === DEPTH - 1 ? null : 1_700_000_000_000_000_000n + BigInt(2 * DEPTH - i) * 1000n,
      attributes: {},
      events: i === DEPTH - 1 ? [{ name: 'exception', timeUnixNano: 1_700_000_000_000_000_000n + BigInt(i) * 1000n, attributes: { 'exception.message': 'too deep' } }] : [],
      links: [],
      status: { code: 'UNSET' },
      resource: { 'service.name': 'deep' },
      scope: { name: 'deep' },
      location: { file: '/w/deep.js', line: 3, column: 2 },
    } as unknown as Span);
  }
  return spans;
}

describe(`a trace ${DEPTH} spans deep`, function () {
  this.timeout(120_000);
  const spans = chain();

  it('builds one tree with the whole chain', () => {
    const [trace] = buildTraces(spans);
    assert.strictEqual(trace.nodes.length, DEPTH);
    assert.strictEqual(trace.roots.length, 1);
  });

  it('prints as a tree (span-lens tree), every span on its own line, deep rows saying their depth in bounded width', () => {
    const text = formatTree(spans);
    const rows = text.split('\n').filter((l) => l.includes(' span "recurse '));
    assert.strictEqual(rows.length, DEPTH);
    assert.match(rows[DEPTH - 1], /\[depth 19999\] └─ span "recurse 19999" \[.* ── never ended\]/);
    assert.ok(Math.max(...rows.map((r) => r.length)) < 400, 'a deep row is not a line of 60,000 characters');
    assert.match(rows[1], /^ {3}└─ span "recurse 1"/);
  });

  it('gives the plain run report (span-lens run)', () => {
    const result = { spans, facts: {}, cut: { spans: 0, outputBytes: 0 }, unparsed: [], exitCode: 0, signal: null, durationMs: 5 } as unknown as RunResult;
    assert.match(humanReport(result), /20000 spans in 1 trace, exit code 0/);
  });

  it('is checked, and every finding’s quick fixes are computed', () => {
    const source = 'const { trace } = require("@opentelemetry/api");\nfunction f(n) {\n  const span = trace.getTracer("t").startSpan("recurse " + n);\n  if (n) f(n - 1);\n  span.end();\n}\n';
    const analysis = analyzeRun({ spans, facts: {}, sources: new Map([['/w/deep.js', source]]), language: 'javascript' });
    assert.deepStrictEqual(analysis.failures, [], 'no rule failed');
    assert.ok(analysis.findings.some((f) => f.rule === 'unended-span'));
    for (const f of analysis.findings) quickFixes(source, f, 'javascript');
  });

  it('becomes the waterfall’s data, rows in tree order with their depth', () => {
    const dto = buildRunDto(spans);
    const total = dto.traces.reduce((n, t) => n + t.count, 0);
    assert.strictEqual(total, DEPTH);
    assert.strictEqual(dto.spans.depth.reduce((a, b) => Math.max(a, b), 0), DEPTH - 1);
    assert.deepStrictEqual(dto.spans.depth.slice(0, 3), [0, 1, 2]);
  });
});
