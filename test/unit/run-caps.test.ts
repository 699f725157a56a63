/**
 * The span cap (spanLens.run.maxSpans): what a run past it reports dropped is the number of
 * spans really dropped, whichever way the spans came (the injection's frames, the program's
 * own console exporter, both at once).
 */
import * as assert from 'assert';
import * as path from 'path';
import { runFile } from '../../src/run/runFile';
import { NODE_FIXTURES, buildInject } from '../fixtures/node/sdk';

describe('run: the span cap counts what it dropped once', function () {
  this.timeout(60_000);
  before(() => buildInject());

  it('300 spans, framed and printed again by a ConsoleSpanExporter, cap 200: 200 kept, 100 dropped (not 200)', async () => {
    const notices: string[] = [];
    const result = await runFile(path.join(NODE_FIXTURES, 'flood_console.js'), {}, { maxSpans: 200, onNotice: (m) => notices.push(m) });
    assert.strictEqual(result.exitCode, 0);
    assert.strictEqual(result.spans.length, 200);
    assert.strictEqual(result.cut.spans, 100);
    assert.ok(notices.includes('100 span(s) past 200 were not kept (spanLens.run.maxSpans)'), notices.join('\n'));
  });

  it('the same program under the cap: every span once, none dropped', async () => {
    const result = await runFile(path.join(NODE_FIXTURES, 'flood_console.js'), {}, { maxSpans: 1000 });
    assert.strictEqual(result.spans.length, 300);
    assert.strictEqual(new Set(result.spans.map((s) => s.spanId)).size, 300);
    assert.strictEqual(result.cut.spans, 0);
  });
});
