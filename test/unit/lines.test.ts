import * as assert from 'assert';
import { emptySpan, type Span } from '../../src/core/model';
import { lensTitle, statsByLine } from '../../src/core/lineStats';
import { shiftLine, shiftLines } from '../../src/core/lineTracking';
import * as fs from 'fs';
import * as path from 'path';
import { describeLine } from '../../src/core/describe';
import { parseText } from '../../src/core/parse';
import { fixturesRoot } from './fixtureSupport';

function at(line: number, ms: number | null, extra: Partial<Span> = {}): Span {
  return {
    ...emptySpan(),
    traceId: 'a'.repeat(32),
    spanId: Math.random().toString(16).slice(2, 18).padEnd(16, '0'),
    name: 'payment.charge',
    startTimeUnixNano: 1_000_000_000n,
    endTimeUnixNano: ms === null ? null : 1_000_000_000n + BigInt(Math.round(ms * 1e6)),
    location: { file: '/w/checkout.py', line, column: 4 },
    ...extra,
  };
}

describe('per-line statistics and CodeLens titles', () => {
  it('shows one span as its duration and name', () => {
    const st = statsByLine([at(11, 834)]).get('/w/checkout.py')!.get(11)!;
    assert.strictEqual(lensTitle(st), '$(watch) 834 ms · payment.charge');
  });

  it('shows many spans from one line as count, p50 and max (the total is in the hover)', () => {
    const spans = Array.from({ length: 1000 }, (_, i) => at(3, i === 999 ? 2.1 : 0.3));
    const st = statsByLine(spans).get('/w/checkout.py')!.get(3)!;
    assert.strictEqual(st.count, 1000);
    assert.strictEqual(lensTitle(st), '$(watch) ×1000 · p50 0.3 ms · max 2.1 ms · payment.charge');
    assert.match(describeLine(st), /Σ 302 ms/);
  });

  it('marks errors and never-ended spans', () => {
    const st = statsByLine([at(5, 10, { status: { code: 'ERROR', message: 'boom' } }), at(5, null)]).get('/w/checkout.py')!.get(5)!;
    assert.match(lensTitle(st), / · \$\(error\) 1 error$/);
    assert.match(describeLine(st), /1 never ended/, 'a loop’s spans never ended are said in its hover');
    const one = statsByLine([at(6, null)]).get('/w/checkout.py')!.get(6)!;
    assert.strictEqual(lensTitle(one), '$(watch) … · payment.charge · never ended');
  });

  it('never shows 0 ns for an output without times (Java LoggingSpanExporter): lens and hover say so', () => {
    const text = fs.readFileSync(path.join(fixturesRoot()!, 'java', 'checkout_simple', 'stdout.txt'), 'utf8') + fs.readFileSync(path.join(fixturesRoot()!, 'java', 'checkout_simple', 'stderr.txt'), 'utf8');
    const spans = parseText(text).spans.map((s, i) => ({ ...s, location: { file: '/w/Checkout.java', line: i < 2 ? 7 : 9, column: 4 } }));
    assert.ok(spans.length >= 3 && spans.every((s) => s.unknown?.includes('time')), 'the fixture prints no times');
    const lines = statsByLine(spans).get('/w/Checkout.java')!;
    const one = lines.get(9)!;
    assert.strictEqual(lensTitle(one), `$(watch) no timing in this output · ${one.spans[0].name}`);
    assert.match(lensTitle(lines.get(7)!), /^\$\(watch\) ×2 · no timing in this output · /);
    for (const st of lines.values()) {
      assert.doesNotMatch(lensTitle(st), /\d ns/);
      const md = describeLine(st);
      assert.match(md, /no timing in this output/);
      assert.doesNotMatch(md, /\b0 ns\b|\+0 ns/);
    }
  });

  it('keeps spans without a location out', () => {
    assert.strictEqual(statsByLine([{ ...at(1, 1), location: undefined }]).size, 0);
  });
});

describe('following edits', () => {
  const change = (startLine: number, startCharacter: number, endLine: number, endCharacter: number, text: string) => ({ startLine, startCharacter, endLine, endCharacter, text });
  it('moves lines below an insertion or deletion', () => {
    assert.strictEqual(shiftLine(10, change(2, 0, 2, 0, 'a\nb\n')), 12);
    assert.strictEqual(shiftLine(10, change(2, 0, 5, 0, '')), 7);
    assert.strictEqual(shiftLine(1, change(2, 0, 5, 0, '')), 1);
  });
  it('drops a line whose own text changed, but not one merely pushed down', () => {
    assert.strictEqual(shiftLine(4, change(4, 3, 4, 5, 'x')), null);
    assert.strictEqual(shiftLine(4, change(4, 0, 4, 0, '# new\n')), 5);
  });
  it('applies a batch in order', () => {
    const out = shiftLines([{ line: 3 }, { line: 8 }, { line: 20 }], [change(10, 0, 10, 0, '\n\n'), change(8, 1, 8, 2, 'y'), change(0, 0, 1, 0, '')]);
    assert.deepStrictEqual(out, [{ line: 2 }, { line: 21 }]);
  });
});
