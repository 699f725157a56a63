/**
 * The waterfall bundle (dist/webview.js) in real headless Chromium, driven as a user would:
 * rows, bars, collapse, keyboard, search, selection → host messages, zoom, state, theme shots.
 */
import * as assert from 'assert';
import type { Browser, Page } from 'playwright-core';
import { checkRun } from '../../src/core/checks';
import { buildRunDto } from '../../src/core/waterfallModel';
import type { RunDto } from '../../src/protocol';
import { checkoutSpans, CHECKOUT_ORDER } from './fixtures';
import { launch, openWaterfall, screenshotPath, visibleRows, waitForMessage, type Observed } from './support';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe('waterfall webview (headless Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let run: RunDto;

  before(async () => {
    browser = await launch();
    run = buildRunDto(checkoutSpans(), { runId: 'run-1', title: 'checkout' });
  });
  after(async () => {
    await browser?.close();
  });

  async function open(o: Parameters<typeof openWaterfall>[2] = {}) {
    const r = await openWaterfall(browser, run, o);
    await r.page.waitForSelector('.row:not([hidden])');
    return r;
  }

  function clean(observed: Observed) {
    assert.deepStrictEqual(observed.errors, [], 'page errors');
    assert.deepStrictEqual(observed.cspViolations, [], 'CSP violations');
    assert.deepStrictEqual(observed.dialogs, [], 'dialogs');
  }

  it('renders one row per span, in pre-order, nested by depth', async () => {
    const { page, observed } = await open();
    const rows = await visibleRows(page);
    assert.deepStrictEqual(
      rows.map((r) => [r.name, r.level - 1]),
      CHECKOUT_ORDER,
    );
    // Nesting matches the model: each row's parent (from the DTO) is the nearest row above at depth-1.
    for (const r of rows) {
      const p = run.spans.parent[r.index];
      if (p >= 0) assert.strictEqual(run.spans.depth[p], r.level - 2);
    }
    // Indented by depth.
    const pads = await page.$$eval('.tree .row:not([hidden]) .name-cell', (cells) =>
      cells.map((c) => [Number(c.closest('.row')!.getAttribute('aria-level')), parseFloat((globalThis as any).getComputedStyle(c).paddingLeft)]),
    );
    for (const [level, pad] of pads) assert.strictEqual(pad, 4 + (level - 1) * 14);
    // Parents carry aria-expanded, leaves do not; rows have screen-reader labels.
    assert.strictEqual(rows[0].expanded, 'true');
    assert.strictEqual(rows[1].expanded, null);
    const label = await page.getAttribute('.row[data-index="4"]', 'aria-label');
    assert.match(label!, /^payment, checkout, 35 ms, error$/);
    assert.strictEqual(await page.getAttribute('.tree', 'role'), 'tree');
    assert.strictEqual(await page.getAttribute('.row[data-index="0"]', 'role'), 'treeitem');
    clean(observed);
    await page.context().close();
  });

  it('a live run says it is running, follows its newest trace and offers Stop; a finished one offers Re-run', async () => {
    // Three traces, one after the other, as a running server completes them.
    const spans = [0, 1, 2].flatMap((k) =>
      checkoutSpans().map((s) => ({
        ...s,
        traceId: String(k + 1).repeat(32),
        startTimeUnixNano: s.startTimeUnixNano + BigInt(k) * 1_000_000_000n,
        endTimeUnixNano: s.endTimeUnixNano === null ? null : s.endTimeUnixNano + BigInt(k) * 1_000_000_000n,
      })),
    );
    const live = await openWaterfall(browser, buildRunDto(spans, { runId: 'run-live', title: 'server.js (running)', live: true }));
    await live.page.waitForSelector('.row:not([hidden])');
    assert.match((await live.page.textContent('.summary'))!, /^● running · trace 3 of 3 · /);
    assert.strictEqual(await live.page.isVisible('button[aria-label="Stop the run"]'), true);
    assert.strictEqual(await live.page.isVisible('button[aria-label="Run again"]'), false);
    const before = live.observed.messages.length;
    await live.page.click('button[aria-label="Stop the run"]');
    assert.deepStrictEqual(await waitForMessage(live.observed, 'command', before), { type: 'command', command: 'stop' });
    clean(live.observed);
    await live.page.context().close();

    const done = await openWaterfall(browser, buildRunDto(spans, { runId: 'run-done', title: 'server.js', canRerun: true }));
    await done.page.waitForSelector('.row:not([hidden])');
    assert.doesNotMatch((await done.page.textContent('.summary'))!, /running/);
    assert.strictEqual(await done.page.isVisible('button[aria-label="Stop the run"]'), false);
    const at = done.observed.messages.length;
    await done.page.click('button[aria-label="Run again"]');
    assert.deepStrictEqual(await waitForMessage(done.observed, 'command', at), { type: 'command', command: 'rerun' });
    await done.page.context().close();
  });

  it('says "no timing in this output" for spans printed without times, never "0 ns"', async () => {
    const untimed = checkoutSpans().map((s) => ({ ...s, unknown: ['time' as const] }));
    const r = await openWaterfall(browser, buildRunDto(untimed, { runId: 'run-untimed', title: 'java' }));
    await r.page.waitForSelector('.row:not([hidden])');
    const summary = (await r.page.textContent('.summary'))!;
    assert.match(summary, /spans · no timing in this output/);
    assert.doesNotMatch(summary, /\b0 ns\b/);
    const durations = await r.page.$$eval('.tree .row:not([hidden]) .row-dur', (cells) => cells.map((c) => c.textContent));
    assert.ok(durations.length > 0 && durations.every((d) => d === '—'), JSON.stringify(durations));
    clean(r.observed);
    await r.page.context().close();
  });

  it('shows the instrumentation score beside the trace summary when the run was checked', async () => {
    const spans = checkoutSpans();
    const report = checkRun({ spans, facts: {} });
    const checked = buildRunDto(spans, { runId: 'run-checked', title: 'checkout', checks: { score: report.score, findings: report.findings.length } });
    const r = await openWaterfall(browser, checked);
    await r.page.waitForSelector('.row:not([hidden])');
    const summary = await r.page.textContent('.summary');
    const n = report.findings.length;
    assert.ok(summary!.includes(`instrumentation score ${report.score}${n ? ` (${n} finding${n === 1 ? '' : 's'})` : ''}`), summary!);
    const plain = await open();
    assert.ok(!(await plain.page.textContent('.summary'))!.includes('score'), 'an unchecked run shows no score');
    await r.page.context().close();
    await plain.page.context().close();
  });

  it('places bars within 1 px of what the span times give', async () => {
    const { page, observed } = await open();
    const total = 100e6; // the trace spans exactly 100 ms
    const geo = await page.$$eval('.tree .row:not([hidden])', (rows) =>
      rows.map((r) => {
        const track = r.querySelector('.track')!.getBoundingClientRect();
        const bar = r.querySelector('.bar')!.getBoundingClientRect();
        return { index: Number(r.getAttribute('data-index')), trackLeft: track.left, trackWidth: track.width, left: bar.left, width: bar.width };
      }),
    );
    assert.strictEqual(geo.length, 8);
    for (const g of geo) {
      const start = run.spans.start[g.index] - run.traces[0].startNs;
      const end = run.spans.end[g.index] - run.traces[0].startNs;
      const wantLeft = g.trackLeft + (start / total) * g.trackWidth;
      const wantWidth = ((end - start) / total) * g.trackWidth;
      assert.ok(Math.abs(g.left - wantLeft) <= 1, `row ${g.index} left ${g.left} vs ${wantLeft}`);
      assert.ok(Math.abs(g.width - wantWidth) <= 1, `row ${g.index} width ${g.width} vs ${wantWidth}`);
    }
    // Error spans are red: the payment bar has the error class and a different colour from a normal bar.
    const colours = await page.$$eval('.row[data-index="4"] .bar, .row[data-index="1"] .bar', (bars) =>
      bars.map((b) => [b.closest('.row')!.getAttribute('data-index'), (globalThis as any).getComputedStyle(b).backgroundColor]),
    );
    assert.strictEqual(colours.length, 2);
    assert.notStrictEqual(colours[0][1], colours[1][1]);
    assert.strictEqual(await page.$eval('.row[data-index="4"] .bar', (b) => b.classList.contains('error')), true);
    // Events are markers on their bar: db.query has two, at 20 ms and 50 ms.
    const markers = await page.$$eval('.row[data-index="2"] .marker:not([hidden])', (ms) =>
      ms.map((m) => {
        const track = m.parentElement!.getBoundingClientRect();
        const r = m.getBoundingClientRect();
        return { x: r.left + r.width / 2 - track.left, w: track.width, title: m.getAttribute('title') };
      }),
    );
    assert.strictEqual(markers.length, 2);
    assert.ok(Math.abs(markers[0].x - 0.2 * markers[0].w) <= 1.5, `marker at ${markers[0].x}`);
    assert.ok(Math.abs(markers[1].x - 0.5 * markers[1].w) <= 1.5);
    assert.match(markers[0].title!, /cache miss/);
    // Axis ticks are labelled with durations.
    const ticks = await page.$$eval('.axis .tick:not([hidden]) .tick-label', (ts) => ts.map((t) => t.textContent));
    assert.ok(ticks.includes('0') && ticks.includes('20 ms'), JSON.stringify(ticks));
    clean(observed);
    await page.context().close();
  });

  it('collapses and expands with the twisty and the arrow keys', async () => {
    const { page, observed } = await open();
    await page.click('.row[data-index="2"] .twisty');
    let rows = await visibleRows(page);
    assert.deepStrictEqual(
      rows.map((r) => r.name),
      ['GET /checkout', 'auth', 'db.query', 'payment', 'POST /charge', 'fraud.check', 'render'],
    );
    assert.strictEqual(rows[2].expanded, 'false');
    // Keyboard: select db.query, → expands, ← collapses, ← again moves to the parent.
    await page.click('.row[data-index="2"] .row-name');
    await page.keyboard.press('ArrowRight');
    rows = await visibleRows(page);
    assert.strictEqual(rows.length, 8);
    await page.keyboard.press('ArrowLeft');
    assert.strictEqual((await visibleRows(page)).length, 7);
    await page.keyboard.press('ArrowLeft');
    rows = await visibleRows(page);
    assert.strictEqual(rows.find((r) => r.selected)?.name, 'GET /checkout');
    // Collapse all / expand all.
    await page.click('.collapse-all');
    assert.strictEqual((await visibleRows(page)).length, 1);
    await page.click('.expand-all');
    assert.strictEqual((await visibleRows(page)).length, 8);
    clean(observed);
    await page.context().close();
  });

  it('moves the selection with the keyboard, posts select and reveal, keeps focus visible', async () => {
    const { page, observed } = await open();
    await page.focus('.tree');
    await page.keyboard.press('ArrowDown');
    let rows = await visibleRows(page);
    assert.strictEqual(rows.find((r) => r.selected)?.name, 'GET /checkout');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    rows = await visibleRows(page);
    assert.strictEqual(rows.find((r) => r.selected)?.name, 'db.query');
    const select = observed.messages.filter((m) => m.type === 'select').pop()!;
    assert.strictEqual(select.spanId, 'a000000000000003');
    // The tree's active descendant is the selected row, and the selection has a visible outline.
    const active = await page.getAttribute('.tree', 'aria-activedescendant');
    assert.strictEqual(active, 'span-row-2');
    const outline = await page.$eval('.row.selected', (r) => (globalThis as any).getComputedStyle(r).outlineStyle);
    assert.strictEqual(outline, 'solid');
    assert.strictEqual(await page.getAttribute('.row.selected', 'aria-selected'), 'true');
    // Enter asks the host to reveal the source and move focus there.
    const before = observed.messages.length;
    await page.keyboard.press('Enter');
    const reveal = await waitForMessage(observed, 'reveal', before);
    assert.deepStrictEqual(reveal, {
      type: 'reveal',
      runId: 'run-1',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: 'a000000000000003',
      index: 2,
      location: { file: '/app/db.js', line: 41, column: 4 },
      preserveFocus: false,
    });
    // The detail pane shows the selected span.
    assert.strictEqual(await page.textContent('.detail-title'), 'db.query');
    // Esc clears the selection.
    await page.keyboard.press('Escape');
    assert.strictEqual(await page.$('.row.selected'), null);
    assert.strictEqual(await page.isHidden('.detail'), true);
    clean(observed);
    await page.context().close();
  });

  it('selects on click and posts a reveal that keeps focus in the waterfall', async () => {
    const { page, observed } = await open();
    const before = observed.messages.length;
    await page.click('.row[data-index="4"] .track');
    const reveal = await waitForMessage(observed, 'reveal', before);
    assert.strictEqual(reveal.spanId, 'a000000000000005');
    assert.strictEqual(reveal.index, 4);
    assert.strictEqual(reveal.preserveFocus, true);
    assert.strictEqual(await page.textContent('.detail-title'), 'payment');
    // Status and events in the detail pane.
    const detail = await page.textContent('.detail');
    assert.match(detail!, /ERROR/);
    assert.match(detail!, /card declined/);
    assert.match(detail!, /exception/);
    clean(observed);
    await page.context().close();
  });

  it('masks sensitive values until revealed', async () => {
    const { page, observed } = await open();
    await page.click('.row[data-index="4"] .row-name');
    const detail = await page.textContent('.detail');
    assert.ok(!detail!.includes('4111 1111 1111 1111'), 'card number hidden');
    assert.match(detail!, /••••••/);
    await page.click('.detail .reveal-button');
    assert.match((await page.textContent('.detail'))!, /4111 1111 1111 1111/);
    await page.click('.detail .reveal-button'); // Hide
    assert.ok(!(await page.textContent('.detail'))!.includes('4111 1111 1111 1111'));
    // Emails too (auth span).
    await page.click('.row[data-index="1"] .row-name');
    assert.ok(!(await page.textContent('.detail'))!.includes('ada@example.com'));
    clean(observed);
    await page.context().close();
  });

  it('searches by name or attribute with a count, next/previous, highlight and filter', async () => {
    const { page, observed } = await open();
    await page.keyboard.press('/');
    assert.strictEqual(await page.evaluate(() => (globalThis as any).document.activeElement.className), 'search-input');
    await page.keyboard.type('db');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.match-count').textContent !== '');
    // db.query, db.connect by name; auth? no. 'db.statement'/'db.password' keys are on db.query.
    assert.strictEqual(await page.textContent('.match-count'), '2 matches');
    // (Row elements are pooled, so DOM order is not screen order: sort by position.)
    assert.deepStrictEqual(
      await page.$$eval('.row.match', (rows) =>
        rows
          .map((r) => [r.getBoundingClientRect().top, r.querySelector('.row-name')!.textContent] as const)
          .sort((a, b) => a[0] - b[0])
          .map((x) => x[1]),
      ),
      ['db.query', 'db.connect'],
    );
    await page.keyboard.press('Enter');
    assert.strictEqual(await page.textContent('.match-count'), '1 of 2');
    assert.strictEqual(await page.textContent('.row.selected .row-name'), 'db.query');
    await page.keyboard.press('Enter');
    assert.strictEqual(await page.textContent('.match-count'), '2 of 2');
    await page.keyboard.press('Shift+Enter');
    assert.strictEqual(await page.textContent('.row.selected .row-name'), 'db.query');
    // Attribute values match too: the route.
    await page.fill('.search-input', 'CardDeclined');
    await page.keyboard.press('Enter');
    assert.strictEqual(await page.textContent('.row.selected .row-name'), 'payment');
    // Filter mode keeps matches and their ancestors only.
    await page.fill('.search-input', 'charge');
    await page.keyboard.press('Enter');
    await page.click('.search-filter');
    assert.deepStrictEqual(
      (await visibleRows(page)).map((r) => r.name),
      ['GET /checkout', 'payment', 'POST /charge'],
    );
    // Sensitive values are not searchable.
    await page.fill('.search-input', 'hunter2');
    await page.keyboard.press('Enter');
    assert.strictEqual(await page.textContent('.match-count'), 'No results');
    // Esc clears the search and returns to the list.
    await page.keyboard.press('Escape');
    assert.strictEqual(await page.inputValue('.search-input'), '');
    assert.strictEqual((await visibleRows(page)).length, 8);
    assert.strictEqual(await page.evaluate(() => (globalThis as any).document.activeElement.className), 'tree');
    clean(observed);
    await page.context().close();
  });

  it('offers a trace picker when the run has several traces, marking orphaned ones', async () => {
    const { page, observed } = await open();
    assert.strictEqual(await page.isVisible('.trace-picker'), true);
    const options = await page.$$eval('.trace-picker option', (os) => os.map((o) => o.textContent));
    assert.strictEqual(options.length, 2);
    assert.match(options[0]!, /^GET \/checkout \(frontend\) · 100 ms · 8 spans · 1 error$/);
    assert.match(options[1]!, /worker\.job .*orphaned/);
    await page.selectOption('.trace-picker', '1');
    const rows = await visibleRows(page);
    assert.deepStrictEqual(
      rows.map((r) => r.name),
      ['worker.job', 'worker.step'],
    );
    assert.match((await page.textContent('.summary'))!, /orphaned/);
    // A single-trace run has no picker.
    const single = await openWaterfall(browser, buildRunDto(checkoutSpans().slice(0, 8)));
    assert.strictEqual(await single.page.isVisible('.trace-picker'), false);
    await single.page.context().close();
    clean(observed);
    await page.context().close();
  });

  it('lists links in the detail pane and jumps to a linked span in another trace', async () => {
    const { page, observed } = await open();
    await page.evaluate(() => (globalThis as any).postMessage({ type: 'focusSpan', spanId: 'b000000000000002' }, '*'));
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.detail-title')?.textContent === 'worker.step');
    const links = await page.textContent('.detail-section:has(summary:text("Links (2)"))');
    assert.match(links!, /4bf92f3577b34da6a3ce929d0e0e4736 \/ a000000000000003/);
    assert.match(links!, /follows cart load/);
    assert.match(links!, /\(not in this run\)/);
    await page.click('.detail .link .text-button:text("Go to span")');
    assert.strictEqual(await page.textContent('.row.selected .row-name'), 'db.query');
    assert.strictEqual(await page.inputValue('.trace-picker'), '0');
    clean(observed);
    await page.context().close();
  });

  it('shows spans from an output without times as rows without bars or axis', async () => {
    const untimed = checkoutSpans()
      .slice(0, 3)
      .map((s) => ({ ...s, unknown: ['time' as const, 'parent' as const] }));
    const { page, observed } = await openWaterfall(browser, buildRunDto(untimed));
    await page.waitForSelector('.row:not([hidden])');
    assert.strictEqual((await visibleRows(page)).length, 3);
    assert.deepStrictEqual(await page.$$eval('.row:not([hidden]) .row-dur', (d) => d.map((x) => x.textContent)), ['—', '—', '—']);
    assert.strictEqual(await page.$$eval('.axis .tick:not([hidden])', (t) => t.length), 0);
    assert.strictEqual(await page.$$eval('.row:not([hidden]) .bar', (b) => b.filter((x) => (globalThis as any).getComputedStyle(x).display !== 'none').length), 0);
    assert.match((await page.textContent('.overview-head'))!, /No span times/);
    clean(observed);
    await page.context().close();
  });

  it('highlights the critical path on demand', async () => {
    const { page, observed } = await open();
    assert.strictEqual(await page.$$eval('.row.dim', (r) => r.length), 0);
    await page.click('.critical-toggle');
    assert.strictEqual(await page.getAttribute('.critical-toggle', 'aria-pressed'), 'true');
    const dim = await page.$$eval('.row.dim .row-name', (r) => r.map((x) => x.textContent).sort());
    // Walking back from the root's end: render, payment, POST /charge, db.query, db.connect, auth;
    // fraud.check runs beside the longer POST /charge, so it does not decide the end.
    assert.deepStrictEqual(dim, ['fraud.check']);
    assert.strictEqual(await page.$eval('.row[data-index="5"] .bar', (b) => b.classList.contains('critical')), true);
    await page.click('.critical-toggle');
    clean(observed);
    await page.context().close();
  });

  it('zooms and pans the time axis with wheel, drag and keys, with a minimap of the whole trace', async () => {
    const { page, observed } = await open();
    const width = async () => page.$eval('.row[data-index="1"] .bar', (b) => b.getBoundingClientRect().width);
    const w0 = await width();
    const track = await page.$eval('.row[data-index="1"] .track', (t) => {
      const r = t.getBoundingClientRect();
      return { x: r.left, y: r.top, w: r.width };
    });
    // Ctrl+wheel over the bars zooms around the pointer.
    await page.mouse.move(track.x + track.w * 0.07, track.y + 5);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -400);
    await page.keyboard.up('Control');
    await page.waitForTimeout(50);
    const w1 = await width();
    assert.ok(w1 > w0 * 1.5, `zoomed in: ${w0} → ${w1}`);
    // Drag on the bars pans: the db.query bar follows the pointer.
    const left = async () => page.$eval('.row[data-index="2"] .bar', (b) => b.getBoundingClientRect().left);
    const l0 = await left();
    await page.mouse.move(track.x + 260, track.y + 5);
    await page.mouse.down();
    await page.mouse.move(track.x + 200, track.y + 5, { steps: 5 });
    await page.mouse.up();
    const l1 = await left();
    assert.ok(Math.abs(l1 - l0 + 60) <= 2, `panned ${l1 - l0}`);
    // Dragging did not select anything.
    assert.strictEqual(await page.$('.row.selected'), null);
    // Double-click on the axis shows the whole trace again.
    await page.dblclick('.axis');
    assert.ok(Math.abs((await width()) - w0) <= 0.5);
    // Drag on the axis zooms to the dragged range: half the trace doubles every bar.
    // (Start clear of the name-column splitter at the axis' left edge.)
    const axis = await page.$eval('.axis', (a) => {
      const r = a.getBoundingClientRect();
      return { x: r.left, y: r.top + r.height / 2, w: r.width };
    });
    await page.mouse.move(axis.x + 10, axis.y);
    await page.mouse.down();
    await page.mouse.move(axis.x + 10 + axis.w / 2, axis.y, { steps: 5 });
    await page.mouse.up();
    const w2 = await width();
    assert.ok(Math.abs(w2 - w0 * 2) <= 3, `brushed: ${w0} → ${w2}`);
    // Keys: 0 resets, + zooms in.
    await page.focus('.tree');
    await page.keyboard.press('0');
    assert.ok(Math.abs((await width()) - w0) <= 0.5);
    await page.keyboard.press('+'); // twice as close around the middle: the minimap box below is half as wide
    // The minimap drew the trace (non-transparent pixels) and shows the window.
    const painted = await page.evaluate(() => {
      const c = (globalThis as any).document.querySelector('.minimap-canvas');
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
      return n;
    });
    assert.ok(painted > 100, `minimap pixels ${painted}`);
    const box = await page.$eval('.minimap-window', (b) => b.getBoundingClientRect().width);
    const mini = await page.$eval('.minimap', (b) => b.getBoundingClientRect().width);
    assert.ok(Math.abs(box - mini / 2) <= 2, `minimap window ${box} of ${mini}`);
    clean(observed);
    await page.context().close();
  });

  it('takes typed messages from the host: load, focusSpan, clear, theme; logs unknown ones', async () => {
    const { page, observed } = await openWaterfall(browser, undefined);
    assert.match((await page.textContent('.message'))!, /No trace data/);
    assert.ok(observed.messages.some((m) => m.type === 'ready'));
    await page.evaluate((r) => (globalThis as any).postMessage({ type: 'load', run: r, focusSpanId: 'a000000000000006' }, '*'), run as any);
    await page.waitForSelector('.row.selected');
    assert.strictEqual(await page.textContent('.row.selected .row-name'), 'POST /charge');
    await page.evaluate(() => (globalThis as any).postMessage({ type: 'focusSpan', spanId: 'b000000000000002' }, '*'));
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.row.selected .row-name')?.textContent === 'worker.step');
    await page.evaluate(() => (globalThis as any).postMessage({ type: 'theme' }, '*'));
    await page.evaluate(() => (globalThis as any).postMessage({ type: 'nonsense' }, '*'));
    const log = await waitForMessage(observed, 'log');
    assert.strictEqual(log.level, 'warn');
    await page.evaluate(() => (globalThis as any).postMessage({ type: 'clear', message: 'Run cleared.' }, '*'));
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.message')?.textContent === 'Run cleared.');
    assert.strictEqual(await page.$$eval('.row:not([hidden])', (r) => r.length), 0);
    clean(observed);
    await page.context().close();
  });

  it('keeps its state across a reload through getState/setState', async () => {
    const first = await open({ vscodeState: null });
    const p1 = first.page;
    await p1.click('.row[data-index="2"] .twisty'); // collapse db.query
    await p1.click('.row[data-index="4"] .row-name'); // select payment
    await p1.click('.critical-toggle');
    await p1.fill('.search-input', 'render');
    await p1.waitForFunction(() => (globalThis as any).document.querySelector('.match-count').textContent !== '');
    await p1.waitForTimeout(400); // the save is debounced
    const saved = (await p1.evaluate(() => (globalThis as any).__savedState)) as any;
    assert.strictEqual(saved.runId, 'run-1');
    assert.ok(saved.run, 'a small run is kept in the state');
    assert.deepStrictEqual(saved.ui.collapsedSpanIds, ['a000000000000003']);
    assert.strictEqual(saved.ui.selectedSpanId, 'a000000000000005');
    await p1.context().close();

    // A "reloaded" webview with no embedded data restores the run and the UI from state alone.
    const second = await openWaterfall(browser, undefined, { vscodeState: saved });
    const p2 = second.page;
    await p2.waitForSelector('.row.selected');
    assert.strictEqual(await p2.textContent('.row.selected .row-name'), 'payment');
    assert.strictEqual((await visibleRows(p2)).length, 7);
    assert.strictEqual(await p2.getAttribute('.critical-toggle', 'aria-pressed'), 'true');
    assert.strictEqual(await p2.inputValue('.search-input'), 'render');
    const ready = await waitForMessage(second.observed, 'ready');
    assert.strictEqual(ready.runId, 'run-1');
    clean(second.observed);
    await p2.context().close();

    // A big run is not kept in the state: the webview asks for it (no runId in 'ready') and
    // applies the saved UI when the host sends the same run again.
    const third = await openWaterfall(browser, undefined, { vscodeState: { ...saved, run: undefined } });
    const p3 = third.page;
    const ready3 = await waitForMessage(third.observed, 'ready');
    assert.strictEqual(ready3.runId, undefined);
    await p3.evaluate((r) => (globalThis as any).postMessage({ type: 'load', run: r }, '*'), run as any);
    await p3.waitForSelector('.row.selected');
    assert.strictEqual(await p3.textContent('.row.selected .row-name'), 'payment');
    assert.strictEqual((await visibleRows(p3)).length, 7);
    clean(third.observed);
    await p3.context().close();
  });

  it('uses no network and only nonce-d inline script and style', async () => {
    const { page, observed, file } = await open();
    assert.deepStrictEqual(observed.requests, ['file://' + file]);
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(csp!, /default-src 'none'/);
    assert.match(csp!, /script-src 'nonce-[A-Za-z0-9+/=]{20,}'/);
    assert.doesNotMatch(csp!, /unsafe-inline|unsafe-eval/);
    // Codicons render from the inlined font.
    const font = await page.$eval('.codicon', (e) => (globalThis as any).getComputedStyle(e).fontFamily);
    assert.match(font, /codicon/);
    assert.strictEqual(await page.evaluate(() => (globalThis as any).document.fonts.check('16px codicon')), true);
    clean(observed);
    await page.context().close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`is readable in the ${scheme} theme (screenshot test-results/waterfall-${scheme}.png)`, async () => {
      const { page, observed } = await open({ colorScheme: scheme });
      await page.click('.row[data-index="2"] .row-name');
      await page.fill('.search-input', 'pay');
      await page.waitForTimeout(200);
      await page.screenshot({ path: screenshotPath(`waterfall-${scheme}.png`) });
      const bg = await page.evaluate(() => (globalThis as any).getComputedStyle((globalThis as any).document.body).backgroundColor);
      assert.strictEqual(bg, scheme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(31, 31, 31)');
      clean(observed);
      await page.context().close();
    });
  }

  it('is readable with more contrast (screenshot test-results/waterfall-high-contrast.png)', async () => {
    const { page, observed } = await open({ contrast: 'more' });
    await page.click('.row[data-index="4"] .row-name');
    await page.click('.critical-toggle');
    await page.screenshot({ path: screenshotPath('waterfall-high-contrast.png') });
    clean(observed);
    await page.context().close();
  });
});

export async function rowNames(page: Page): Promise<string[]> {
  return (await visibleRows(page)).map((r) => r.name);
}
