import * as assert from 'assert';
import { emptySpan, type Span } from '../../src/core/model';
import { buildTraces } from '../../src/core/tree';
import { formatTree } from '../../src/cli/parse';

const MS = 1_000_000n;
function span(id: string, parent: string | null, startMs: number, endMs: number | null, extra: Partial<Span> = {}): Span {
  return {
    ...emptySpan(),
    traceId: 't'.repeat(32),
    spanId: id,
    parentSpanId: parent,
    name: id,
    startTimeUnixNano: 1_000_000_000n * MS + BigInt(startMs) * MS,
    endTimeUnixNano: endMs === null ? null : 1_000_000_000n * MS + BigInt(endMs) * MS,
    ...extra,
  };
}

describe('trace trees', () => {
  it('nests children under parents, ordered by start, whatever the input order', () => {
    const [t] = buildTraces([span('c2', 'root', 50, 90), span('c1', 'root', 10, 40), span('g', 'c1', 12, 20), span('root', null, 0, 100)]);
    assert.deepStrictEqual(t.nodes.map((n) => `${'  '.repeat(n.depth)}${n.span.spanId}`), ['root', '  c1', '    g', '  c2']);
    assert.strictEqual(t.orphaned, false);
  });

  it('marks a span whose parent is not in the run as an orphan root', () => {
    const [t] = buildTraces([span('root', null, 0, 100), span('lost', 'gone', 10, 20)]);
    const lost = t.nodes.find((n) => n.span.spanId === 'lost')!;
    assert.strictEqual(lost.orphan, true);
    assert.strictEqual(lost.depth, 0);
    assert.deepStrictEqual(t.roots.map((r) => r.span.spanId), ['root', 'lost']);
  });

  it('survives parent cycles and duplicate ids without losing a span', () => {
    const spans = [span('a', 'b', 0, 10), span('b', 'a', 1, 9), span('self', 'self', 2, 3), span('a', null, 4, 5)];
    const traces = buildTraces(spans);
    const nodes = traces.flatMap((t) => t.nodes);
    assert.strictEqual(nodes.length, spans.length);
    assert.strictEqual(nodes.filter((n) => n.duplicateId).length, 1);
    assert.ok(nodes.find((n) => n.span.spanId === 'self')!.orphan);
  });

  it('computes self time with overlapping children merged and clipped', () => {
    const [t] = buildTraces([span('root', null, 0, 100), span('a', 'root', 10, 50), span('b', 'root', 30, 70), span('c', 'root', 90, 120)]);
    const root = t.nodes[0];
    // covered: [10,70] + [90,100] = 70ms → self 30ms
    assert.strictEqual(root.selfTimeNano, 30n * MS);
  });

  it('follows the last-ending child for the critical path', () => {
    const [t] = buildTraces([span('root', null, 0, 100), span('fast', 'root', 0, 20), span('slow', 'root', 10, 95), span('inner', 'slow', 20, 90)]);
    assert.deepStrictEqual(t.criticalPath.map((n) => n.span.spanId), ['root', 'slow', 'inner']);
    assert.ok(t.nodes.find((n) => n.span.spanId === 'inner')!.onCriticalPath);
    assert.ok(!t.nodes.find((n) => n.span.spanId === 'fast')!.onCriticalPath);
  });

  it('handles 100,000 spans in a deep chain without recursion limits', () => {
    const spans: Span[] = [];
    for (let i = 0; i < 100_000; i++) spans.push(span(`s${i}`, i ? `s${i - 1}` : null, i, 200_000 - i));
    const [t] = buildTraces(spans);
    assert.strictEqual(t.nodes.length, 100_000);
    assert.strictEqual(t.nodes[99_999].depth, 99_999);
  });

  it('prints a tutorial-style tree with errors, orphans and unended spans marked', () => {
    const text = formatTree([
      span('root', null, 0, 1000, { name: 'checkout' }),
      span('pay', 'root', 81, 915, { name: 'payment.charge', status: { code: 'ERROR', message: 'card declined' } }),
      span('open', 'root', 920, null, { name: 'never.ends' }),
    ]);
    assert.match(text, /└─ span "checkout" \[0ms ── 1s\] 1s/);
    assert.match(text, /├─ span "payment\.charge" \[81ms ── 915ms\] 834ms  ✗ ERROR: card declined/);
    assert.match(text, /└─ span "never\.ends" \[920ms ── never ended\]/);
  });
});
