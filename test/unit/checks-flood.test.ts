/**
 * span-flood counts spans per sibling group and per trace first, and looks at names and
 * durations only where a flood is possible: these cases make sure that shortcut misses nothing
 * when a group's or a trace's spans are spread through the run.
 */
import { strict as assert } from 'node:assert';
import { child, findings, ms, nextTraceId, span } from './checks-support';

describe('checks: span-flood over interleaved spans', () => {
  it("counts a parent's children across runs broken up by other parents' children", () => {
    const batch = span({ name: 'import-batch', startTimeUnixNano: ms(0), endTimeUnixNano: ms(1000) });
    const other = span({ name: 'sync', traceId: nextTraceId(), startTimeUnixNano: ms(0), endTimeUnixNano: ms(1000) });
    const spans = [batch, other];
    // 120 "item" under batch and 60 "tick" under other, taking turns: no run of one parent is long.
    for (let i = 0; i < 120; i++) {
      spans.push(child(batch, { name: 'item', startTimeUnixNano: ms(i), endTimeUnixNano: ms(i + 1) }));
      if (i % 2) spans.push(child(other, { name: 'tick', startTimeUnixNano: ms(i), endTimeUnixNano: ms(i + 1) }));
    }
    const found = findings('span-flood', spans);
    assert.deepEqual(
      found.map((f) => f.message.slice(0, f.message.indexOf(':'))),
      ['120 spans named "item" under one parent "import-batch"'],
    );
  });

  it('reports only the name that floods in a big group of mixed names', () => {
    const parent = span({ name: 'render', startTimeUnixNano: ms(0), endTimeUnixNano: ms(1000) });
    const kids = Array.from({ length: 300 }, (_, i) => child(parent, { name: i % 3 ? `cell ${i}` : 'row', startTimeUnixNano: ms(i), endTimeUnixNano: ms(i + 1) }));
    const found = findings('span-flood', [parent, ...kids]);
    assert.equal(found.length, 1);
    assert.match(found[0].message, /^100 spans named "row" under one parent "render"/);
  });

  it('judges the tiny spans of two big traces whose spans take turns', () => {
    const big = span({ name: 'parse', startTimeUnixNano: ms(0), endTimeUnixNano: ms(100) });
    const small = span({ name: 'request', kind: 'SERVER', traceId: nextTraceId(), startTimeUnixNano: ms(0), endTimeUnixNano: ms(100) });
    const spans = [big, small];
    for (let i = 0; i < 250; i++) {
      spans.push(child(big, { name: `token ${i}`, startTimeUnixNano: ms(i * 0.1), endTimeUnixNano: ms(i * 0.1 + 0.01) }));
      spans.push(child(small, { name: `step ${i}`, startTimeUnixNano: ms(i * 0.1), endTimeUnixNano: ms(i * 0.1 + 0.01) }));
    }
    const found = findings('span-flood', spans);
    assert.equal(found.length, 2);
    assert.match(found[0].message, /^250 of the 251 spans of trace "parse" are INTERNAL spans shorter than 50 µs/);
    assert.match(found[1].message, /^250 of the 251 spans of trace "request" are INTERNAL spans shorter than 50 µs/);
  });
});
