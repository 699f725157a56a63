/**
 * The pure parts behind the waterfall, in plain Node: the DTO builder's flattening (orphans,
 * duplicate ids, cycles, critical path), formatDuration (and the webview's copy), isSensitive,
 * the layout math, and the HTML builders' escaping.
 */
import * as assert from 'assert';
import { formatDuration } from '../../src/core/format';
import { isSensitive, luhnValid, sensitiveKind } from '../../src/core/sensitive';
import { buildRunDto } from '../../src/core/waterfallModel';
import { emptySpan, type Span } from '../../src/core/model';
import { AttrFlag, EMBEDDED_DATA_ID, SpanFlag, type RunDto } from '../../src/protocol';
import { buildPanelHtml, buildStandaloneHtml, createNonce, embedJson, inlineCodiconFont } from '../../src/webviewHtml';
import { axisTicks, barGeometry, clampWindow, keepWithAncestors, scrollGeometry, subtreeEnds, visibleRows, zoomWindow } from '../../webview/layout';
import { checkoutSpans, CHECKOUT_ORDER, generatedSpans, span } from './fixtures';

const names = (run: RunDto) => run.spans.name.map((n) => run.strings[n]);

describe('formatDuration', () => {
  const cases: [number | bigint | null, string][] = [
    [0, '0 ns'],
    [120, '120 ns'],
    [999.6, '1 µs'],
    [1500, '1.5 µs'],
    [15_000, '15 µs'],
    [99_960, '0.1 ms'],
    [300_000, '0.3 ms'],
    [2_500_000, '2.5 ms'],
    [834_000_000, '834 ms'],
    [999_960_000, '1 s'],
    [2_100_000_000, '2.1 s'],
    [65e9, '1 min 5 s'],
    [3700e9, '1 h 2 min'],
    [-5e6, '-5 ms'],
    [10n ** 12n, '16 min 40 s'],
    [null, '—'],
    [NaN, '—'],
  ];
  for (const [ns, want] of cases) {
    it(`${String(ns)} → ${want}`, () => assert.strictEqual(formatDuration(ns), want));
  }
});

describe('isSensitive', () => {
  const yes: [string, unknown][] = [
    ['db.password', 'hunter2'],
    ['http.request.header.authorization', 'Basic dXNlcjpwYXNz'],
    ['x-api-key', 'abc'],
    ['apiKey', 'abc'],
    ['session_id', 'abc'],
    ['user.email', 'ada@example.com'],
    ['message', 'mail bob@example.org now'],
    ['header', 'Bearer abcdef0123456789xyz'],
    ['token.value', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln'],
    ['note', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln'],
    ['k', 'sk-proj-abcdefghijklmnopqrstuvwx'],
    ['k', 'AKIAIOSFODNN7EXAMPLE'],
    ['k', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['db.url', 'postgres://user:secret@db:5432/app'],
    ['payment.card', '4111 1111 1111 1111'],
    ['payment.card', 4111111111111111],
    ['list', ['a', 'ada@example.com']],
  ];
  const no: [string, unknown][] = [
    ['gen_ai.usage.input_tokens', 42],
    ['token_count', 12],
    ['tokenizer', 'bpe'],
    ['http.url', 'https://example.com/a@b'],
    ['note', 'bearer authentication failed'],
    ['timestamp', 1700000000000],
    ['payment.card', '4111 1111 1111 1112'],
    ['password', '***'],
    ['password', ''],
    ['count', 5],
  ];
  for (const [k, v] of yes) it(`flags ${k}=${JSON.stringify(v)}`, () => assert.ok(isSensitive(k, v), String(sensitiveKind(k, v))));
  for (const [k, v] of no) it(`leaves ${k}=${JSON.stringify(v)}`, () => assert.strictEqual(sensitiveKind(k, v), null));
  it('checks Luhn', () => {
    assert.ok(luhnValid('79927398713'));
    assert.ok(!luhnValid('79927398710'));
  });
});

describe('buildRunDto', () => {
  it('flattens traces in pre-order with depths, children by start, traces by start', () => {
    const run = buildRunDto(checkoutSpans().reverse(), { runId: 'r' });
    assert.strictEqual(run.traces.length, 2);
    const t = run.traces[0];
    assert.deepStrictEqual(
      names(run).slice(t.first, t.first + t.count).map((n, k) => [n, run.spans.depth[t.first + k]]),
      CHECKOUT_ORDER,
    );
    assert.deepStrictEqual(run.traces.map((x) => [x.rootName, x.count, x.errorCount, x.orphaned]), [
      ['GET /checkout', 8, 1, false],
      ['worker.job', 2, 0, true],
    ]);
    assert.strictEqual(t.startNs, 0);
    assert.strictEqual(t.endNs, 100e6);
    // Parents precede children; srcIndex maps back to the input.
    const input = checkoutSpans().reverse();
    for (let i = 0; i < run.spans.spanId.length; i++) {
      if (run.spans.parent[i] >= 0) assert.ok(run.spans.parent[i] < i);
      assert.strictEqual(input[run.spans.srcIndex[i]].spanId, run.spans.spanId[i]);
    }
    assert.ok(run.spans.flags[run.traces[1].first] & SpanFlag.Orphan);
  });

  it('keeps each span its own attributes, events, links and resource', () => {
    const run = buildRunDto(checkoutSpans());
    const attrs = (i: number) => {
      const out: Record<string, string> = {};
      for (let a = run.spans.attrStart[i]; a < run.spans.attrStart[i + 1]; a++) out[run.strings[run.attrs.key[a]]] = run.strings[run.attrs.value[a]];
      return out;
    };
    assert.deepStrictEqual(attrs(2), { 'db.statement': 'SELECT * FROM carts WHERE id = ?', 'db.password': 'hunter2' });
    assert.deepStrictEqual(attrs(3), {});
    const e0 = run.spans.eventStart[2];
    assert.strictEqual(run.spans.eventStart[3] - e0, 2);
    assert.strictEqual(run.strings[run.events.name[e0 + 1]], 'rows fetched');
    const ea = run.events.attrStart[e0 + 1];
    assert.strictEqual(run.strings[run.attrs.key[ea]], 'rows');
    assert.strictEqual(run.events.attrStart[e0 + 2] - ea, 1);
    const r = run.spans.resource[2];
    const res: string[] = [];
    for (let a = run.resourceAttrStart[r]; a < run.resourceAttrStart[r + 1]; a++) res.push(run.strings[run.attrs.value[a]]);
    assert.deepStrictEqual(res, ['db', 'nodejs']);
    // Sensitive values are marked.
    const pw = run.spans.attrStart[2] + 1;
    assert.ok(run.attrs.flags[pw] & AttrFlag.Sensitive);
    assert.ok(!(run.attrs.flags[pw - 1] & AttrFlag.Sensitive));
  });

  it('marks the critical path', () => {
    const run = buildRunDto(checkoutSpans());
    const critical = names(run).filter((_, i) => run.spans.flags[i] & SpanFlag.Critical);
    assert.deepStrictEqual(critical, ['GET /checkout', 'auth', 'db.query', 'db.connect', 'payment', 'POST /charge', 'render', 'worker.job', 'worker.step']);
  });

  it('tolerates duplicate ids, self-parents, cycles and unended spans', () => {
    const mk = (id: string, parent: string | null, s: number, e: number | null) => span({ id, parent, name: id, start: s, end: e });
    const run = buildRunDto([
      mk('root', null, 0, 100),
      mk('dup', 'root', 10, 20),
      mk('dup', 'root', 30, 40),
      mk('kid', 'dup', 12, 15),
      mk('self', 'self', 50, 60),
      mk('c1', 'c2', 1, 2),
      mk('c2', 'c1', 3, 4),
      mk('open', 'root', 90, null),
    ]);
    assert.deepStrictEqual(names(run), ['root', 'dup', 'kid', 'dup', 'open', 'c1', 'c2', 'self']);
    const f = (i: number) => run.spans.flags[i];
    assert.ok(f(1) & SpanFlag.DuplicateId && f(3) & SpanFlag.DuplicateId);
    assert.strictEqual(run.spans.parent[2], 1, 'children attach to the first span with the id');
    assert.ok(f(4) & SpanFlag.Unended);
    assert.strictEqual(run.spans.end[4], 100e6, 'an unended span runs to the trace end');
    assert.ok(f(5) & SpanFlag.CycleBroken);
    assert.strictEqual(run.spans.parent[6], 5);
    assert.ok(f(7) & SpanFlag.CycleBroken);
    assert.strictEqual(run.traces[0].rootCount, 3);
    const notes = run.notes.text.map((t) => run.strings[t]);
    assert.ok(notes.some((n) => /cycle/.test(n)));
    assert.ok(notes.some((n) => /never ended/.test(n)));
  });

  it('handles spans without times or parents as the format reports them', () => {
    const s1: Span = { ...span({ id: 'x1', name: 'a', start: 0, end: 1 }), unknown: ['time', 'parent'] };
    const s2: Span = { ...span({ id: 'x2', name: 'b', start: 0, end: 1 }), unknown: ['time', 'parent'] };
    const run = buildRunDto([s1, s2]);
    assert.ok(run.spans.flags[0] & SpanFlag.NoTime && run.spans.flags[0] & SpanFlag.NoParent);
    assert.strictEqual(run.traces[0].rootCount, 2);
  });

  it('builds a 100,000-span DTO with a deep chain without recursion limits', () => {
    const chain: Span[] = [];
    for (let i = 0; i < 20_000; i++) chain.push({ ...emptySpan(), traceId: 't', spanId: `s${i}`, parentSpanId: i ? `s${i - 1}` : null, name: 'n', startTimeUnixNano: BigInt(i), endTimeUnixNano: BigInt(40_000 - i) });
    const run = buildRunDto([...chain, ...generatedSpans(80_000)]);
    assert.strictEqual(run.spans.spanId.length, 100_000);
    assert.strictEqual(Math.max(...run.spans.depth.slice(0, 20_000)), 19_999);
  });

  it('cuts runs above maxSpans and long values above maxValueLength', () => {
    const run = buildRunDto(generatedSpans(50), { maxSpans: 10, maxValueLength: 5 });
    assert.strictEqual(run.spans.spanId.length, 10);
    assert.strictEqual(run.droppedSpans, 40);
    assert.ok(run.strings.includes('/api/…'));
  });
});

describe('waterfall layout math', () => {
  it('maps times to pixels and clips bars', () => {
    assert.deepStrictEqual(barGeometry(10, 30, { start: 0, end: 100 }, 1000), { left: 100, width: 200 });
    assert.deepStrictEqual(barGeometry(10, 10, { start: 0, end: 100 }, 1000), { left: 100, width: 1 });
    assert.strictEqual(barGeometry(200, 300, { start: 0, end: 100 }, 1000), null);
    assert.deepStrictEqual(barGeometry(-1e12, 1e12, { start: 0, end: 100 }, 1000), { left: -2, width: 1004 });
  });
  it('picks nice ticks', () => {
    assert.deepStrictEqual(axisTicks({ start: 0, end: 100e6 }, 800).ticks.slice(0, 3), [0, 10e6, 20e6]);
    assert.strictEqual(axisTicks({ start: 5, end: 12 }, 800).step, 1);
  });
  it('zooms around an anchor and clamps', () => {
    assert.deepStrictEqual(zoomWindow({ start: 0, end: 100 }, 50, 0.5, 100), { start: 25, end: 75 });
    assert.deepStrictEqual(zoomWindow({ start: 0, end: 100 }, 0, 4, 100), { start: 0, end: 100 });
    assert.deepStrictEqual(clampWindow({ start: 90, end: 130 }, 100), { start: 60, end: 100 });
    assert.strictEqual(zoomWindow({ start: 0, end: 100 }, 50, 1e-9, 100, 10).end - zoomWindow({ start: 0, end: 100 }, 50, 1e-9, 100, 10).start, 10);
  });
  it('computes visible rows under collapse and filter', () => {
    // 0 ─ 1 ─ 2
    //   └ 3
    const parent = [-1, 0, 1, 0];
    const ends = new Int32Array(4);
    subtreeEnds(parent, 0, 4, ends);
    assert.deepStrictEqual(Array.from(ends), [4, 3, 3, 4]);
    const collapsed = new Uint8Array(4);
    assert.deepStrictEqual(Array.from(visibleRows(0, 4, ends, collapsed, null)), [0, 1, 2, 3]);
    collapsed[1] = 1;
    assert.deepStrictEqual(Array.from(visibleRows(0, 4, ends, collapsed, null)), [0, 1, 3]);
    const keep = new Uint8Array(4);
    keepWithAncestors(Uint8Array.from([0, 0, 1, 0]), parent, 0, 4, keep);
    assert.deepStrictEqual(Array.from(keep), [1, 1, 1, 0]);
    collapsed[1] = 0;
    assert.deepStrictEqual(Array.from(visibleRows(0, 4, ends, collapsed, keep)), [0, 1, 2]);
  });
  it('compresses very long lists into a scrollable height', () => {
    const g = scrollGeometry(2_000_000, 22, 700);
    assert.ok(g.scaled);
    assert.strictEqual(g.height, 15_000_000);
    assert.strictEqual(g.naturalTop(0), 0);
    assert.strictEqual(g.naturalTop(15_000_000 - 700), 2_000_000 * 22 - 700);
    assert.ok(Math.abs(g.scrollTopFor(g.naturalTop(123_456)) - 123_456) < 1e-6);
  });
});

describe('webview HTML', () => {
  it('builds the panel page with a nonce-only script CSP and no inline styles', () => {
    const html = buildPanelHtml({ cspSource: 'vscode-webview://x', nonce: 'N0NCE', scriptUri: 'https://x/webview.js', styleUri: 'https://x/w.css', codiconsUri: 'https://x/c.css', title: '<T>' });
    assert.match(html, /script-src 'nonce-N0NCE'/);
    assert.match(html, /default-src 'none'/);
    assert.match(html, /style-src vscode-webview:\/\/x;/);
    assert.match(html, /<script nonce="N0NCE" src="https:\/\/x\/webview.js"><\/script>/);
    assert.match(html, /<title>&lt;T&gt;<\/title>/);
    assert.doesNotMatch(html, /unsafe/);
  });
  it('embeds JSON that cannot close its script element and parses back to the same run', () => {
    const run = buildRunDto([span({ id: 'x', name: '</script><script>alert(1)</script><!--', start: 0, end: 1 })]);
    const html = buildStandaloneHtml({ script: 'var a = "</script>";', styles: ['a{}</style><script>'], run, nonce: 'abc' });
    assert.strictEqual(html.match(/<\/script>/g)!.length, 2, 'only the data block and the bundle close');
    assert.strictEqual(html.match(/<\/style>/g)!.length, 1);
    const m = new RegExp(`<script type="application/json" id="${EMBEDDED_DATA_ID}">(.*?)</script>`).exec(html)!;
    assert.deepStrictEqual(JSON.parse(m[1]), JSON.parse(JSON.stringify(run)));
    assert.strictEqual(embedJson('\u2028<'), '"\\u2028\\u003c"');
  });
  it('inlines the codicon font and makes fresh nonces', () => {
    const css = '@font-face { src: url("./codicon.ttf?abc") format("truetype"); }';
    assert.strictEqual(inlineCodiconFont(css, 'QUJD'), '@font-face { src: url("data:font/ttf;base64,QUJD") format("truetype"); }');
    assert.notStrictEqual(createNonce(), createNonce());
    assert.match(createNonce(), /^[A-Za-z0-9+/]{22}==$/);
  });
});
