import { strict as assert } from 'node:assert';
import { at, child, findings, ms, nextTraceId, span } from './checks-support';

describe('checks: orphan-span', () => {
  const RULE = 'orphan-span';

  it('reports a parent id that is not in the run', () => {
    const s = span({ name: 'db.query', parentSpanId: 'ffffffffffffffff', location: at(9) });
    const [f] = findings(RULE, [span(), s]);
    assert.equal(f.spanId, s.spanId);
    assert.match(f.message, /^span "db\.query" has parent ffffffffffffffff, which is not in this run/);
  });

  it('says the parent may have been dropped when the run dropped spans', () => {
    const [f] = findings(RULE, [span({ parentSpanId: 'ffffffffffffffff' })], { facts: { droppedSpans: 7440 } });
    assert.match(f.message, /among the 7440 spans that were dropped/);
  });

  it('accepts a remote parent, a parent present in the trace, and a parent id reused in another trace', () => {
    const root = span();
    const otherTrace = nextTraceId();
    const spans = [
      root,
      child(root),
      span({ parentSpanId: 'eeeeeeeeeeeeeeee', parentIsRemote: true }),
      // Same id as `root` but in another trace: that root is not this span's parent.
      span({ traceId: otherTrace, spanId: root.spanId, parentSpanId: null }),
    ];
    assert.equal(findings(RULE, spans).length, 0);
    const stray = span({ traceId: otherTrace, parentSpanId: child(root).spanId });
    assert.equal(findings(RULE, [...spans, stray]).length, 1);
  });

  it('does not judge formats that show no parent (Java logging) or only synthetic ids', () => {
    const java = span({ parentSpanId: null, unknown: ['parent', 'time', 'status', 'events', 'links', 'resource'] });
    const rust = span({ parentSpanId: '00000000000000ff', unknown: ['ids', 'kind', 'status', 'resource'] });
    assert.equal(findings(RULE, [java, rust]).length, 0);
  });

  it('reports a new root that runs inside a span of another trace (dropped context)', () => {
    const parent = span({ name: 'handle-request', startTimeUnixNano: ms(0), endTimeUnixNano: ms(10) });
    const lost = span({ name: 'audit.write', traceId: nextTraceId(), startTimeUnixNano: ms(2), endTimeUnixNano: ms(3), location: at(12) });
    const [f] = findings(RULE, [parent, lost]);
    assert.equal(f.spanId, lost.spanId);
    assert.match(f.message, /span "audit\.write" starts a new trace while "handle-request" \(another trace\) is running around it/);
    assert.equal(f.data?.enclosingSpanId, parent.spanId);
  });

  it('leaves alone new roots that are requests, linked on purpose, sequential, or in another process', () => {
    const parent = span({ startTimeUnixNano: ms(0), endTimeUnixNano: ms(10), resource: { 'service.name': 'a', 'process.pid': 1 } });
    const inside = { startTimeUnixNano: ms(2), endTimeUnixNano: ms(3), resource: { 'service.name': 'a', 'process.pid': 1 } };
    const spans = [
      parent,
      span({ ...inside, traceId: nextTraceId(), kind: 'SERVER' }),
      span({ ...inside, traceId: nextTraceId(), links: [{ traceId: parent.traceId, spanId: parent.spanId, traceState: null, attributes: {}, droppedAttributesCount: 0 }] }),
      span({ traceId: nextTraceId(), startTimeUnixNano: ms(11), endTimeUnixNano: ms(12) }),
      span({ ...inside, traceId: nextTraceId(), resource: { 'service.name': 'b', 'process.pid': 2 } }),
      // Overlaps the parent's end: not inside it.
      span({ traceId: nextTraceId(), startTimeUnixNano: ms(9), endTimeUnixNano: ms(11) }),
    ];
    assert.deepEqual(findings(RULE, spans).map((f) => f.message), []);
  });

  it('finds the enclosing span of another trace even when the latest-ending span is in the same trace', () => {
    const outer = span({ name: 'outer', startTimeUnixNano: ms(0), endTimeUnixNano: ms(100) });
    const t2 = nextTraceId();
    const root2 = span({ name: 'lost', traceId: t2, startTimeUnixNano: ms(5), endTimeUnixNano: ms(200) });
    // `lost` ends after `outer`: not nested. Its sibling root in the same trace starts later and nests in `outer`.
    const nested = span({ name: 'nested', traceId: t2, startTimeUnixNano: ms(6), endTimeUnixNano: ms(7) });
    const found = findings(RULE, [outer, root2, nested], { config: { rules: { 'orphan-span': { nestedRoots: true } } } });
    assert.deepEqual(found.map((f) => f.spanId), [nested.spanId]);
    assert.match(found[0].message, /"outer"/);
  });

  it('uses the output order where rounded times are ambiguous (Node: whole-millisecond starts)', () => {
    const origin = (line: number) => ({ format: 'span-lens' as const, line, endLine: line });
    // A loop: three spans one after the other, all printed as starting in the same millisecond;
    // the first one's rounded end is the latest, but it was printed (ended) first.
    const loop = [0.05, 0.03, 0.02].map((d, i) =>
      span({ name: `step`, traceId: nextTraceId(), startTimeUnixNano: ms(5), endTimeUnixNano: ms(5 + d), origin: origin(i) }),
    );
    assert.deepEqual(findings(RULE, loop).map((f) => f.message), []);
    // Really nested: the request started late in its millisecond, so its rounded end looks 0.4 ms
    // early, yet it was printed after the lost span.
    const request = span({ name: 'request', startTimeUnixNano: ms(5), endTimeUnixNano: ms(5.6), origin: origin(11) });
    const lost = span({ name: 'audit', traceId: nextTraceId(), startTimeUnixNano: ms(6), endTimeUnixNano: ms(6.0), origin: origin(10) });
    assert.equal(findings(RULE, [request, lost]).length, 1);
    // Without the output order, the same times are not taken as nesting.
    assert.equal(findings(RULE, [{ ...request, origin: undefined }, { ...lost, origin: undefined }]).length, 0);
  });

  it('can be told not to look for nested roots', () => {
    const parent = span({ startTimeUnixNano: ms(0), endTimeUnixNano: ms(10) });
    const lost = span({ traceId: nextTraceId(), startTimeUnixNano: ms(2), endTimeUnixNano: ms(3) });
    assert.equal(findings(RULE, [parent, lost], { config: { rules: { [RULE]: { nestedRoots: false } } } }).length, 0);
  });
});

describe('checks: child-outlives-parent / child-starts-before-parent', () => {
  it('reports a child that ends after its parent, by how much', () => {
    const parent = span({ name: 'request', startTimeUnixNano: ms(0), endTimeUnixNano: ms(10) });
    const late = child(parent, { name: 'send-email', startTimeUnixNano: ms(5), endTimeUnixNano: ms(25), location: at(3) });
    const [f] = findings('child-outlives-parent', [parent, late]);
    assert.equal(f.message.split(':')[0], 'span "send-email" ends 15 ms after its parent "request" ended');
    assert.equal(f.severity, 'warning');
  });

  it('allows the rounding of console times (1 ms + 0.5 % by default)', () => {
    const parent = span({ startTimeUnixNano: ms(0), endTimeUnixNano: ms(10) });
    // Node prints whole-millisecond starts with exact durations: a child can cross by < 1 ms.
    const rounded = child(parent, { startTimeUnixNano: ms(1), endTimeUnixNano: ms(10.9) });
    assert.equal(findings('child-outlives-parent', [parent, rounded]).length, 0);
    assert.equal(findings('child-outlives-parent', [parent, rounded], { config: { rules: { 'child-outlives-parent': { toleranceMs: 0, tolerancePercent: 0 } } } }).length, 1);
  });

  it('leaves consumer spans and children of producers alone', () => {
    const producer = span({ kind: 'PRODUCER', startTimeUnixNano: ms(0), endTimeUnixNano: ms(1) });
    const consumer = child(producer, { kind: 'CONSUMER', startTimeUnixNano: ms(0.5), endTimeUnixNano: ms(50) });
    const internal = child(producer, { kind: 'INTERNAL', startTimeUnixNano: ms(0.5), endTimeUnixNano: ms(50) });
    assert.equal(findings('child-outlives-parent', [producer, consumer, internal]).length, 0);
  });

  it('reports a child that starts before its parent, naming the likely cause', () => {
    const parent = span({ name: 'checkout', startTimeUnixNano: ms(10), endTimeUnixNano: ms(20) });
    const early = child(parent, { name: 'db', startTimeUnixNano: ms(2), endTimeUnixNano: ms(12) });
    const [f] = findings('child-starts-before-parent', [parent, early]);
    assert.match(f.message, /^span "db" starts 8 ms before its parent "checkout": it was given the wrong parent/);
    const remote = child(parent, { name: 'rpc', startTimeUnixNano: ms(2), parentIsRemote: true });
    assert.match(findings('child-starts-before-parent', [parent, remote])[0].message, /clock skew/);
  });

  it('does not judge spans whose format shows no times, and ignores unended ones for outliving', () => {
    const parent = span({ startTimeUnixNano: ms(10), endTimeUnixNano: ms(20), unknown: ['time'] });
    const c = child(parent, { startTimeUnixNano: ms(0), endTimeUnixNano: ms(30), unknown: ['time'] });
    assert.equal(findings('child-starts-before-parent', [parent, c]).length, 0);
    assert.equal(findings('child-outlives-parent', [parent, c]).length, 0);
    const p2 = span({ startTimeUnixNano: ms(0), endTimeUnixNano: null });
    assert.equal(findings('child-outlives-parent', [p2, child(p2, { endTimeUnixNano: ms(99) })]).length, 0);
  });
});

describe('checks: duplicate-span-id', () => {
  it('tells a span exported twice from two spans sharing an id', () => {
    const a = span({ name: 'checkout', location: at(1) });
    const twice = { ...a };
    const other = span({ name: 'payment', spanId: a.spanId, startTimeUnixNano: ms(5), location: at(2) });
    const found = findings('duplicate-span-id', [a, twice, other]);
    assert.equal(found.length, 2);
    assert.match(found[0].message, /^span "checkout" \([0-9a-f]{16}\) was exported twice/);
    assert.match(found[1].message, /^spans "checkout" and "payment" share the span id/);
    assert.equal(found[0].severity, 'error');
  });

  it('finds an id repeated in another trace, among 100,000 distinct ones', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => span({ spanId: i.toString(16).padStart(16, '0'), traceId: nextTraceId(), location: at(1) }));
    const again = span({ name: 'copy', spanId: many[77_777].spanId, traceId: nextTraceId(), location: at(2) });
    const found = findings('duplicate-span-id', [...many, again]);
    assert.deepEqual(found.map((f) => f.spanId), [many[77_777].spanId]);
    assert.match(found[0].message, /share the span id/);
  });

  it('ignores synthetic ids (Rust tracing)', () => {
    const a = span({ spanId: '0000000000000001', unknown: ['ids'] });
    assert.equal(findings('duplicate-span-id', [a, { ...a, name: 'other' }]).length, 0);
  });
});

describe('checks: client-root-span', () => {
  it('reports a CLIENT span that roots its trace, and not one with a parent', () => {
    const root = span({ name: 'GET', kind: 'CLIENT', location: at(5) });
    const op = span({ name: 'sync-users' });
    const inside = child(op, { kind: 'CLIENT' });
    const found = findings('client-root-span', [root, op, inside]);
    assert.deepEqual(found.map((f) => f.spanId), [root.spanId]);
    assert.equal(found[0].severity, 'information');
  });

  it('does not judge a format without kinds or parents', () => {
    assert.equal(findings('client-root-span', [span({ kind: 'CLIENT', unknown: ['parent'] })]).length, 0);
  });
});

describe('checks: span-flood', () => {
  it('reports hundreds of same-named siblings once, with the parent name and count', () => {
    const parent = span({ name: 'import-batch', startTimeUnixNano: ms(0), endTimeUnixNano: ms(1000) });
    const items = Array.from({ length: 150 }, (_, i) => child(parent, { name: 'item', startTimeUnixNano: ms(i), endTimeUnixNano: ms(i + 1), location: at(8) }));
    const [f, ...rest] = findings('span-flood', [parent, ...items]);
    assert.equal(rest.length, 0);
    assert.match(f.message, /^150 spans named "item" under one parent "import-batch"/);
    assert.doesNotMatch(f.message, /×/); // the count is already said
    assert.equal(findings('span-flood', [parent, ...items.slice(0, 99)]).length, 0);
  });

  it('counts the children of a lost parent together, and loop-made root spans (not requests)', () => {
    const orphans = Array.from({ length: 120 }, () => span({ name: 'item', parentSpanId: 'dddddddddddddddd' }));
    assert.match(findings('span-flood', orphans)[0].message, /under one parent \(dddddddddddddddd, not in the run\)/);
    const roots = Array.from({ length: 120 }, () => span({ name: 'op', traceId: nextTraceId() }));
    assert.match(findings('span-flood', roots)[0].message, /120 spans named "op" as separate traces/);
    const requests = Array.from({ length: 120 }, () => span({ name: 'GET /', kind: 'SERVER', traceId: nextTraceId() }));
    assert.equal(findings('span-flood', requests).length, 0);
  });

  it('reports a trace made mostly of tiny INTERNAL spans', () => {
    const root = span({ name: 'parse', startTimeUnixNano: ms(0), endTimeUnixNano: ms(100) });
    // 250 distinct names (so no sibling flood), each 10 µs long.
    const tiny = Array.from({ length: 250 }, (_, i) => child(root, { name: i < 200 ? 'token' : `t${i}`, parentSpanId: i % 2 ? root.spanId : root.spanId, startTimeUnixNano: ms(i * 0.1), endTimeUnixNano: ms(i * 0.1 + 0.01) }));
    const found = findings('span-flood', [root, ...tiny], { config: { rules: { 'span-flood': { maxSameNameSiblings: 1000 } } } });
    assert.equal(found.length, 1);
    assert.match(found[0].message, /^250 of the 251 spans of trace "parse" are INTERNAL spans shorter than 50 µs \(most are "token"\)/);
  });

  it('does not count tiny spans in a format without times', () => {
    const root = span({ unknown: ['time'] });
    const tiny = Array.from({ length: 300 }, (_, i) => child(root, { name: `n${i}`, unknown: ['time'] }));
    assert.equal(findings('span-flood', [root, ...tiny]).length, 0);
  });
});

describe('checks: printed order settles stepping clocks', () => {
  it('does not report a child printed before its parent as outliving it (Node wall-clock starts)', () => {
    // Seen for real on a loaded machine: Date.now() stepped between the parent's and the children's starts.
    const origin = (line: number) => ({ format: 'span-lens' as const, line, endLine: line });
    const parent = span({ name: 'checkout', startTimeUnixNano: ms(0), endTimeUnixNano: ms(11.5), origin: origin(2) });
    const early = child(parent, { name: 'load-cart', startTimeUnixNano: ms(16), endTimeUnixNano: ms(16.1), origin: origin(0) });
    assert.equal(findings('child-outlives-parent', [parent, early]).length, 0);
    const late = { ...early, origin: origin(3) };
    assert.equal(findings('child-outlives-parent', [parent, late]).length, 1);
  });
});
