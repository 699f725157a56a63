/**
 * The waterfall at the widths it is used at (#16 item 1): a half-width editor column (700 px) and
 * a narrow one (420 px). Names are whole, the timeline keeps half the width, the service is said
 * once or shown as coloured chips with a legend, durations sit beside the bars, the details go
 * below the rows and the toolbar stays one row. Screenshots in light, dark and high contrast.
 */
import * as assert from 'assert';
import type { Browser, Page } from 'playwright-core';
import { buildRunDto } from '../../src/core/waterfallModel';
import { span } from './fixtures';
import { launch, openWaterfall, screenshotPath, visibleRows, type Observed } from './support';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A trace whose names are 30 characters long, three levels deep, over one or three services. */
function orderSpans(services: string[]) {
  const svc = (k: number) => services[k % services.length];
  const specs = [
    { id: '0000000000000001', parent: null, name: 'GET /api/orders/:id/line-items', start: 0, end: 120, service: svc(0) },
    { id: '0000000000000002', parent: '0000000000000001', name: 'inventory.reserve_stock_levels', start: 3, end: 40, service: svc(1) },
    { id: '0000000000000003', parent: '0000000000000002', name: 'cache.invalidate_customer_cart', start: 5, end: 12, service: svc(1) },
    { id: '0000000000000004', parent: '0000000000000001', name: 'payments.authorize_credit_card', start: 42, end: 110, service: svc(2), error: 'declined' },
    { id: '0000000000000005', parent: '0000000000000004', name: 'render.order_confirmation_page', start: 50, end: 108, service: svc(2) },
  ];
  for (const s of specs) assert.strictEqual(s.name.length, 30);
  return specs.map((s) => span(s));
}

describe('waterfall layout at half width and narrow (headless Chromium)', function () {
  this.timeout(90_000);
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  function clean(observed: Observed) {
    assert.deepStrictEqual(observed.errors, [], 'page errors');
    assert.deepStrictEqual(observed.cspViolations, [], 'CSP violations');
  }

  /** Each visible row's name: shown whole? And the track's share of the page width. */
  async function geometry(page: Page) {
    return page.$$eval('.tree .row:not([hidden])', (rows) =>
      rows.map((r) => {
        const label = r.querySelector('.row-name') as any;
        const cell = r.querySelector('.name-cell')!.getBoundingClientRect();
        const lr = label.getBoundingClientRect();
        const track = r.querySelector('.track')!.getBoundingClientRect();
        return {
          name: label.textContent,
          whole: label.scrollWidth <= label.clientWidth && lr.right <= cell.right,
          trackWidth: track.width,
          pageWidth: (globalThis as any).innerWidth,
        };
      }),
    );
  }

  for (const width of [420, 700]) {
    it(`at ${width} px shows 30-character names whole and keeps ≥ 50% of the width for the timeline`, async () => {
      const run = buildRunDto(orderSpans(['orders', 'inventory', 'payments']), { runId: 'run-w', title: 'orders' });
      const { page, observed } = await openWaterfall(browser, run, { width, height: 600 });
      await page.waitForSelector('.row:not([hidden])');
      const check = async (when: string) => {
        const g = await geometry(page);
        assert.strictEqual(g.length, 5, when);
        for (const r of g) {
          assert.ok(r.whole, `${when}: '${r.name}' is cut`);
          assert.ok(r.trackWidth >= r.pageWidth * 0.5, `${when}: timeline ${r.trackWidth} px of ${r.pageWidth}`);
        }
      };
      await check('nothing selected');
      // Selecting a span opens the details below the rows: the timeline keeps its width.
      await page.click('.row[data-index="3"] .row-name');
      await page.waitForSelector('.detail:not([hidden])');
      await check('a span selected');
      const detail = await page.$eval('.detail', (d) => d.getBoundingClientRect());
      const tree = await page.$eval('.tree', (d) => d.getBoundingClientRect());
      assert.ok(detail.top >= tree.bottom - 1, 'the details are below the rows');
      assert.ok(detail.width >= width - 2, 'the details take the full width');
      // Its top edge drags up and down.
      const edge = await page.$eval('.detail-splitter', (e) => e.getBoundingClientRect());
      await page.mouse.move(width / 2, edge.top + 2);
      await page.mouse.down();
      await page.mouse.move(width / 2, edge.top - 80, { steps: 4 });
      await page.mouse.up();
      const taller = await page.$eval('.detail', (d) => d.getBoundingClientRect().height);
      assert.ok(Math.abs(taller - (detail.height + 80)) <= 3, `${detail.height} + 80 -> ${taller}`);
      await check('the details dragged taller');
      // The toolbar is one row; what does not fit is in the More actions menu.
      const bar = await page.$eval('.toolbar', (t) => ({ sw: t.scrollWidth, cw: t.clientWidth }));
      assert.ok(bar.sw <= bar.cw + 1, JSON.stringify(bar));
      const tops = await page.$$eval('.toolbar > :not([hidden]):not(.overflow-menu)', (cs) => cs.map((c) => Math.round(c.getBoundingClientRect().top + c.getBoundingClientRect().height / 2)));
      assert.ok(Math.max(...tops) - Math.min(...tops) <= 2, `one row: ${JSON.stringify(tops)}`);
      clean(observed);
      await page.context().close();
    });
  }

  it('keeps the toolbar one row when it cannot fit: the last buttons move to a More actions menu', async () => {
    const run = buildRunDto(orderSpans(['orders']), { runId: 'run-m', title: 'orders' });
    const { page, observed } = await openWaterfall(browser, run, { width: 300, height: 500 });
    await page.waitForSelector('.row:not([hidden])');
    const tops = await page.$$eval('.toolbar > :not([hidden]):not(.overflow-menu)', (cs) => cs.map((c) => Math.round(c.getBoundingClientRect().top + c.getBoundingClientRect().height / 2)));
    assert.ok(Math.max(...tops) - Math.min(...tops) <= 2, JSON.stringify(tops));
    assert.strictEqual(await page.isVisible('.toolbar-more'), true);
    await page.click('.toolbar-more');
    const inMenu = await page.$$eval('.overflow-menu button', (bs) => bs.map((b) => b.textContent));
    assert.ok(inMenu.includes('Collapse all'), JSON.stringify(inMenu));
    await page.click('.overflow-menu button[aria-label="Collapse all"]');
    assert.deepStrictEqual((await visibleRows(page)).map((r) => r.name), ['GET /api/orders/:id/line-items']);
    assert.strictEqual(await page.isHidden('.overflow-menu'), true);
    // By keyboard: the menu opens on Enter with focus on its first item; arrows move; Escape closes.
    await page.focus('.toolbar-more');
    await page.keyboard.press('Enter');
    const first = await page.evaluate(() => (globalThis as any).document.activeElement.getAttribute('aria-label'));
    assert.strictEqual(first, await page.getAttribute('.overflow-menu button:first-child', 'aria-label'));
    await page.keyboard.press('End');
    assert.strictEqual(await page.evaluate(() => (globalThis as any).document.activeElement.getAttribute('aria-label')), 'Collapse all');
    await page.keyboard.press('ArrowUp');
    assert.strictEqual(await page.evaluate(() => (globalThis as any).document.activeElement.getAttribute('aria-label')), 'Expand all');
    await page.keyboard.press('Enter');
    assert.strictEqual((await visibleRows(page)).length, 5);
    assert.strictEqual(await page.isHidden('.overflow-menu'), true);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    assert.strictEqual(await page.isHidden('.overflow-menu'), true);
    assert.strictEqual(await page.evaluate(() => (globalThis as any).document.activeElement.getAttribute('aria-label')), 'More actions');
    // Wider, every button is back in the row.
    await page.setViewportSize({ width: 900, height: 500 });
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.toolbar-more').hidden);
    assert.strictEqual(await page.$$eval('.overflow-menu button', (bs) => bs.length), 0);
    clean(observed);
    await page.context().close();
  });

  it('keeps a clicked row in sight when the details open below it', async () => {
    const many = Array.from({ length: 40 }, (_, k) =>
      span({ id: (k + 2).toString(16).padStart(16, '0'), parent: '0000000000000001', name: `step ${k}`, start: k, end: k + 1 }),
    );
    const run = buildRunDto([span({ id: '0000000000000001', name: 'loop', start: 0, end: 41 }), ...many], { runId: 'run-k', title: 'steps' });
    const { page } = await openWaterfall(browser, run, { width: 420, height: 560 });
    await page.waitForSelector('.row:not([hidden])');
    // The lowest row in sight: the details will cover where it was.
    const target = (await visibleRows(page)).filter((r) => r.top < 520).pop()!;
    await page.click(`.row[data-index="${target.index}"] .row-name`);
    await page.waitForSelector('.detail:not([hidden])');
    const box = await page.$eval(`.row[data-index="${target.index}"]`, (r) => r.getBoundingClientRect());
    const tree = await page.$eval('.tree', (t) => t.getBoundingClientRect());
    assert.ok(box.top >= tree.top - 1 && box.bottom <= tree.bottom + 1, `row ${JSON.stringify(box)} in ${JSON.stringify(tree)}`);
    await page.context().close();
  });

  it('says a single service once in the header; several get a chip per row, bar colours and a legend', async () => {
    const one = await openWaterfall(browser, buildRunDto(orderSpans(['checkout']), { runId: 'run-1s', title: 'one' }), { width: 700 });
    await one.page.waitForSelector('.row:not([hidden])');
    assert.match((await one.page.textContent('.summary'))!, /^checkout · 5 spans · 120 ms/);
    assert.strictEqual(await one.page.isHidden('.legend'), true);
    assert.strictEqual(await one.page.$$eval('.row:not([hidden]) .row-service:not([hidden])', (c) => c.length), 0);
    await one.page.context().close();

    const three = await openWaterfall(browser, buildRunDto(orderSpans(['orders', 'inventory', 'payments']), { runId: 'run-3s', title: 'three' }), { width: 700 });
    const page = three.page;
    await page.waitForSelector('.row:not([hidden])');
    assert.doesNotMatch((await page.textContent('.summary'))!, /orders|inventory/);
    assert.deepStrictEqual(await page.$$eval('.legend .legend-name', (n) => n.map((x) => x.textContent)), ['orders', 'inventory', 'payments']);
    // Each row's chip names its service and has its colour; a bar has the same colour (errors stay red).
    const rows = await page.$$eval('.tree .row:not([hidden])', (rs) =>
      rs.map((r) => {
        const chip = r.querySelector('.row-service')!;
        return {
          index: Number(r.getAttribute('data-index')),
          service: chip.getAttribute('title'),
          chip: (globalThis as any).getComputedStyle(chip).backgroundColor,
          bar: (globalThis as any).getComputedStyle(r.querySelector('.bar')!).backgroundColor,
          error: r.classList.contains('error'),
        };
      }),
    );
    const colour = new Map<string, string>();
    for (const r of rows) {
      if (!colour.has(r.service!)) colour.set(r.service!, r.chip);
      assert.strictEqual(r.chip, colour.get(r.service!), `one colour per service (${r.service})`);
      if (!r.error) assert.strictEqual(r.bar, r.chip, `bar of ${r.index} in its service's colour`);
    }
    assert.strictEqual(new Set(colour.values()).size, 3);
    const swatches = await page.$$eval('.legend .swatch', (s) => s.map((x) => (globalThis as any).getComputedStyle(x).backgroundColor));
    assert.deepStrictEqual(swatches, [colour.get('orders'), colour.get('inventory'), colour.get('payments')]);
    clean(three.observed);
    await page.context().close();
  });

  it('draws each duration beside its bar, never over the name', async () => {
    const run = buildRunDto(orderSpans(['orders', 'inventory', 'payments']), { runId: 'run-d', title: 'orders' });
    const { page } = await openWaterfall(browser, run, { width: 700 });
    await page.waitForSelector('.row:not([hidden])');
    const labels = await page.$$eval('.tree .row:not([hidden])', (rs) =>
      rs.map((r) => {
        const d = r.querySelector('.row-dur')!;
        const b = r.querySelector('.bar')!.getBoundingClientRect();
        const t = r.querySelector('.track')!.getBoundingClientRect();
        const l = d.getBoundingClientRect();
        return { top: r.getBoundingClientRect().top, text: d.textContent, inTrack: l.left >= t.left && l.right <= t.right + 1, beside: l.left >= b.right || l.right <= b.left || d.classList.contains('inside') };
      }),
    );
    labels.sort((a, b) => a.top - b.top);
    assert.deepStrictEqual(labels.map((l) => l.text), ['120 ms', '37 ms', '7 ms', '68 ms', '58 ms']);
    for (const l of labels) assert.ok(l.inTrack && l.beside, JSON.stringify(l));
    await page.context().close();
  });

  it('remembers a name column the user dragged', async () => {
    const run = buildRunDto(orderSpans(['orders']), { runId: 'run-r', title: 'orders' });
    const { page } = await openWaterfall(browser, run, { width: 700, vscodeState: null });
    await page.waitForSelector('.row:not([hidden])');
    const s = await page.$eval('.splitter', (e) => e.getBoundingClientRect());
    await page.mouse.move(s.left + 2, s.top + 40);
    await page.mouse.down();
    await page.mouse.move(s.left - 60, s.top + 40, { steps: 4 });
    await page.mouse.up();
    await page.waitForTimeout(400);
    const saved = (await page.evaluate(() => (globalThis as any).__savedState)) as any;
    assert.ok(Math.abs(saved.ui.nameWidth - (s.left + 2 - 60)) <= 3, String(saved.ui.nameWidth));
    await page.context().close();
    const again = await openWaterfall(browser, undefined, { width: 700, vscodeState: saved });
    await again.page.waitForSelector('.row:not([hidden])');
    const cell = await again.page.$eval('.name-cell', (e) => e.getBoundingClientRect().width);
    assert.strictEqual(cell, saved.ui.nameWidth);
    await again.page.context().close();
  });

  for (const width of [420, 700]) {
    for (const theme of ['light', 'dark', 'high-contrast'] as const) {
      it(`screenshot at ${width} px, ${theme} (test-results/layout-${width}-${theme}.png)`, async () => {
        const run = buildRunDto(orderSpans(['orders', 'inventory', 'payments']), { runId: 'run-s', title: 'orders', checks: { score: 85, findings: 2 } });
        const { page, observed } = await openWaterfall(browser, run, {
          width,
          height: 560,
          colorScheme: theme === 'dark' ? 'dark' : 'light',
          contrast: theme === 'high-contrast' ? 'more' : 'no-preference',
        });
        await page.waitForSelector('.row:not([hidden])');
        await page.click('.row[data-index="3"] .row-name');
        await page.waitForTimeout(150);
        await page.screenshot({ path: screenshotPath(`layout-${width}-${theme}.png`) });
        clean(observed);
        await page.context().close();
      });
    }
  }
});
