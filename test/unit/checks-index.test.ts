/**
 * The hash tables behind the checks: the span index they share (src/core/checks/context.ts) looks
 * parents up in their child's trace even where the id was first used in another trace, and finds
 * repeated ids whatever their shape; span-name-cardinality counts distinct names per call site.
 */
import { strict as assert } from 'node:assert';
import { CheckContext } from '../../src/core/checks/context';
import type { Span } from '../../src/core/model';
import { at, child, findings, ms, nextTraceId, span } from './checks-support';

function contextOf(spans: Span[]): CheckContext {
  return new CheckContext({ spans, facts: {} });
}

describe('checks: the shared span index', () => {
  it("finds a parent in its child's trace when another trace used the parent's id first", () => {
    const elsewhere = span({ name: 'elsewhere', startTimeUnixNano: ms(0), endTimeUnixNano: ms(10) });
    const parent = span({ name: 'parent', traceId: nextTraceId(), spanId: elsewhere.spanId, startTimeUnixNano: ms(50), endTimeUnixNano: ms(60) });
    const early = child(parent, { name: 'early', startTimeUnixNano: ms(40), endTimeUnixNano: ms(55) });
    const ctx = contextOf([elsewhere, parent, early]);
    assert.equal(ctx.parentOf(early), parent);
    assert.deepEqual(ctx.parents(), [undefined, undefined, parent]);
    // The rules see the same parent: not an orphan, and it starts 10 ms before "parent".
    assert.equal(findings('orphan-span', [elsewhere, parent, early]).length, 0);
    const [f] = findings('child-starts-before-parent', [elsewhere, parent, early]);
    assert.match(f.message, /^span "early" starts 10 ms before its parent "parent"/);
  });

  it('takes the first span of an id within a trace, and no span as its own parent', () => {
    const first = span({ name: 'first' });
    const second = span({ name: 'second', spanId: first.spanId });
    const kid = child(first);
    const self = span({ name: 'self' });
    self.parentSpanId = self.spanId;
    const ctx = contextOf([first, second, kid, self]);
    assert.equal(ctx.parentOf(kid), first);
    assert.equal(ctx.parentOf(second), undefined);
    assert.equal(ctx.parentOf(self), undefined);
    assert.deepEqual(ctx.parents(), [undefined, undefined, first, undefined]);
  });

  it('pairs every repeat of an id with its first span, in run order, for ids of any length', () => {
    const ids = ['', '7', 'abc', '0123456789abcdef', 'x'.repeat(40) + '1', 'x'.repeat(40) + '2'];
    const spans = [...ids, ...ids, ...ids].map((spanId, i) => span({ spanId, name: `s${i}`, traceId: i % 2 ? 'a'.repeat(32) : nextTraceId() }));
    const pairs = contextOf(spans).repeatedIds();
    assert.deepEqual(
      pairs.map((p) => [p.span.name, p.earlier.name]),
      spans.slice(ids.length).map((s, i) => [s.name, `s${i % ids.length}`]),
    );
  });

  it('finds the parents of spans whose ids differ only in their first characters', () => {
    const traceId = nextTraceId();
    // Same last 8 characters everywhere: every id lands on one hash, and must still be told apart.
    const spans = Array.from({ length: 1000 }, (_, i) => span({ traceId, spanId: `${i.toString(16).padStart(8, '0')}00000000`, name: `p${i}` }));
    for (let i = 0; i < 1000; i++) spans.push(child(spans[999 - i], { name: `c${i}` }));
    const parents = contextOf(spans).parents();
    for (let i = 0; i < 1000; i++) assert.equal(parents[1000 + i], spans[999 - i]);
    assert.equal(contextOf(spans).repeatedIds().length, 0);
  });
});

describe('checks: span-name-cardinality counts names per call site', () => {
  it('counts each name once per call site, interleaved sites and repeated names alike', () => {
    const names = Array.from({ length: 25 }, (_, i) => `process ${'abcdefghijklmnopqrstuvwxy'[i]}-fruit`);
    // Two lines make the same 25 names, each twice, taking turns; a third makes one name 50 times.
    const spans = [...names, ...names].flatMap((name) => [span({ name, location: at(3) }), span({ name, location: at(5) }), span({ name: 'steady', location: at(9) })]);
    const found = findings('span-name-cardinality', spans);
    assert.deepEqual(
      found.map((f) => [f.location?.line, f.data?.count]),
      [
        [3, '50'],
        [5, '50'],
      ],
    );
    for (const f of found) {
      assert.match(f.message, /^this call site starts spans with 25 distinct names \(e\.g\. "process a-fruit", "process b-fruit"\)/);
      assert.match(f.message, /\(×50 spans\)$/);
    }
  });

  it('gives two example names even when the threshold is lower', () => {
    const spans = ['alpha', 'beta', 'alpha', 'gamma'].map((name) => span({ name, location: at(3) }));
    const [f] = findings('span-name-cardinality', spans, { config: { rules: { 'span-name-cardinality': { maxNamesPerCallSite: 1 } } } });
    assert.match(f.message, /^this call site starts spans with 3 distinct names \(e\.g\. "alpha", "beta"\)/);
  });
});
